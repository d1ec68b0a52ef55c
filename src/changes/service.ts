import type { CloudTrailDetail, UserIdentity } from '../events/cloudtrail';
import type { Actor, Outcome, ResourceRef } from '../model/change';
import type { Severity } from '../model/severity';
import type { Action, ActionKind, ActionOf } from './action';
import type { DetailList } from './detail-list';

/*
 * What a service module (src/changes/services/<service>.ts) provides. Each CloudTrail event is read once into an
 * `Action`; the summary, the details and the severity then all come from the handler of that action's kind, so the
 * three always agree and one file holds everything InfraWatch knows about a service's API calls.
 */

/** Everything the one-line summary looks at. */
export interface SummaryInput {
  actor: Actor;
  eventName: string;
  service: string;
  account: string;
  region: string;
  sourceIp: string | null;
  action: Action;
  outcome: Outcome;
  denied: boolean;
  dryRun: boolean;
  resources: readonly ResourceRef[];
}

/** Everything the details look at. */
export interface DetailsInput {
  detail: CloudTrailDetail;
  action: Action;
  account: string;
  resourcesShown: number;
  resourcesTotal: number;
}

/** Everything the severity rules look at. */
export interface SeverityInput {
  eventName: string;
  service: string;
  account: string;
  actor: Actor;
  identity: UserIdentity;
  action: Action;
  outcome: Outcome;
  /** The call was refused for lack of permission (AccessDenied, UnauthorizedOperation, …). */
  denied: boolean;
  dryRun: boolean;
  readOnly: boolean;
  /** The resources the call named (their ids are checked for invisible characters). */
  resources: readonly ResourceRef[];
}

export interface Finding {
  severity: Severity;
  /** A sentence a security engineer would accept as the reason. */
  reason: string;
}

/** Rules return this shared empty list when they do not apply (describeChange runs for every event). */
export const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

/** Why any use of root by a person is worth a look (the second sentence of every root finding). */
export const ROOT_UNRESTRICTED =
  'Root can do anything in the account and cannot be limited by IAM policies; AWS advises using it only for the few tasks that require it.';

/** How InfraWatch words, details and rates one kind of action. */
export interface ActionHandler<A extends Action> {
  /** What the call did, as a verb phrase after the actor: "opened tcp/22 to the internet (0.0.0.0/0) on sg-0abc". */
  phrase(action: A, input: SummaryInput): string;
  /**
   * What a failed or dry-run call was aimed at, with its leading space: " on trail X", " (up to 10 × p2.xlarge)".
   * Default: the first resource the call named.
   */
  target?(action: A, input: SummaryInput): string;
  /** What exactly changed, as label/value pairs: each rule, policy statement, instance, setting. */
  details(action: A, out: DetailList, input: DetailsInput): void;
  /**
   * Findings that hold whether or not the call succeeded, because the attempt is itself the signal (blinding
   * CloudTrail, leaving the organization, a console sign-in).
   */
  intent?(action: A, input: SeverityInput): readonly Finding[];
  /** Findings about the state the call produced: they count only when the call really changed something. */
  effect?(action: A, input: SeverityInput): readonly Finding[];
  /** How a person's use of root credentials for this action reads. Default: "made with root credentials". */
  rootUse?(action: A, input: SeverityInput): readonly Finding[];
  /**
   * A failed call is the event itself, not an error (a failed console sign-in): the phrase says how it went,
   * and the severity does not add "the call failed, so nothing changed".
   */
  failureIsTheEvent?: true;
}

/** Reads one API call's parameters and response into the action it performed. Never throws. */
export type ActionReader<A extends Action> = (detail: CloudTrailDetail) => A;

/**
 * One AWS service (or one family of its API calls, such as EC2's security groups): which calls it reads, and
 * how each kind of action they produce is worded, detailed and rated. Adding an API call is one entry in
 * `readers` (and a handler when it needs a new kind).
 */
export interface ServiceModule<K extends ActionKind> {
  /** The EventBridge source of its events, without `aws.` (`ec2`, `iam`, `signin`). */
  readonly source: string;
  /** One reader per CloudTrail `eventName` this module understands. */
  readonly readers: Readonly<Record<string, ActionReader<ActionOf<K>>>>;
  readonly actions: { readonly [P in K]: ActionHandler<ActionOf<P>> };
}
