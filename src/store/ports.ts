import type { Acknowledgement, ChangeLine, Investigation } from '../model/alert';
import type { Change } from '../model/change';
import type { EscalationSetting } from '../model/escalation-policy';
import type { Severity } from '../model/severity';
import type { AlertEscalationState, EscalationStepRepository } from './ports/escalation-steps';

export type * from './ports/escalation-steps';

/*
 * The ports the use cases depend on. Two adapters implement them: DynamoDB (src/store/dynamodb) and an
 * in-memory fake (src/store/memory) for fast unit tests; one contract suite runs against all of them.
 *
 * Every write that can race is conditional: EventBridge and SQS deliver at least once, possibly in parallel,
 * and acknowledgements arrive as simultaneous clicks. None of these methods reads before it writes to decide.
 */

/** A change as stored: the description plus the raw event (for the Investigate modal). */
export interface StoredChange {
  change: Change;
  /** The raw EventBridge event as received (JSON text, possibly truncated to fit an item). */
  raw: string;
  receivedAt: string;
}

/** An input that can never become a change, kept with its reason instead of being dropped silently. */
export interface RejectedInput {
  /** The SQS message id or EventBridge event id: a retry of the same input overwrites, never duplicates. */
  id: string;
  reason: string;
  body: string;
  at: string;
}

export interface ChangeRepository {
  /** Stores the change unless a change with its id is stored already. @returns true when this call stored it. */
  saveChange(record: StoredChange): Promise<boolean>;
  getChange(id: string): Promise<StoredChange | undefined>;
  /** Changes by one actor (see `actorKey`) in one account between two ISO times, oldest first. */
  changesByActor(
    account: string,
    actorKey: string,
    fromIso: string,
    toIso: string,
    limit: number,
  ): Promise<ChangeLine[]>;
  saveRejected(input: RejectedInput): Promise<void>;
  /**
   * Inputs rejected between two ISO times: how many, and the first `limit` of them, oldest first, with their
   * reasons (bodies left out). Reads an index of rejected inputs by day, never the whole table; rejected
   * inputs expire after 30 days, so only the window's last 30 days are read.
   */
  rejectedBetween(fromIso: string, toIso: string, limit: number): Promise<RejectedSummary>;
}

export interface RejectedSummary {
  count: number;
  first: Pick<RejectedInput, 'id' | 'reason' | 'at'>[];
}

export type MuteTargetType = 'watch' | 'actor' | 'account';

export interface Mute {
  channel: string;
  type: MuteTargetType;
  /** Watch id, actor name/ARN (lower-cased), or account id/alias. */
  value: string;
  /**
   * The account (id or alias, lower-cased) an actor mute by name applies to: a name such as `terraform-ci` can
   * be created in any account, so a name mute covers one account, one record each. Absent for ARN mutes (the
   * ARN names its account) and for watch and account mutes; an actor name mute without it was stored before
   * mutes were scoped and silences nothing (see {@link isUnscopedNameMute}).
   */
  account?: string;
  setBy: string;
  setAt: string;
  expiresAt: string;
}

/**
 * An actor mute by name with no account: written before name mutes were scoped to accounts. It cannot say
 * which account it was meant for, so it silences nothing (louder, never hiding another account's change) and
 * is listed as such until it expires or is lifted.
 */
export function isUnscopedNameMute(mute: Mute): boolean {
  return mute.type === 'actor' && mute.account === undefined && !/^arn:/i.test(mute.value);
}

export interface Subscription {
  channel: string;
  /** A watch id, or `all`. */
  watch: string;
  setBy: string;
  setAt: string;
}

export interface RoutingConfig {
  subscriptions: Subscription[];
  /** Unexpired mutes only. */
  mutes: Mute[];
  /** True once a default channel was subscribed (so an explicit unsubscribe-all is respected). */
  bootstrapped: boolean;
  /** Channels' escalation settings (`/infrawatch escalate`); a channel without one has the default policy. */
  escalations?: EscalationSetting[];
}

export interface ConfigRepository {
  /** Subscriptions and unexpired mutes of every channel: one Query, small. */
  load(nowIso: string): Promise<RoutingConfig>;
  /**
   * Subscribes `channel` to `all` the first time the table is used; once done, never again (an explicit
   * unsubscribe-all stays). When it returns, the subscription is in place. @returns true when this call did it.
   */
  bootstrap(channel: string, atIso: string): Promise<boolean>;
  subscribe(channel: string, watches: readonly string[], setBy: string, atIso: string): Promise<void>;
  unsubscribe(channel: string, watches: readonly string[]): Promise<void>;
  putMute(mute: Mute): Promise<void>;
  /** Sets (replaces) a channel's escalation setting. */
  putEscalation(setting: EscalationSetting): Promise<void>;
  /** Removes one mute (`account`: of an actor name mute). @returns the mute that was removed, if there was one. */
  deleteMute(
    channel: string,
    type: MuteTargetType,
    value: string,
    account?: string,
  ): Promise<Mute | undefined>;
  /**
   * Claims a request key (a hashed Slack `trigger_id`, or one user's command in one channel) until `untilIso`,
   * unless an unexpired claim holds it: a replayed or double-submitted command acts once, whichever container
   * receives each copy. @returns true when this call claimed it.
   */
  claimRequest(key: string, nowIso: string, untilIso: string): Promise<boolean>;
  /** Gives up this call's claim (the one that lasts until `untilIso`) after a failure, so a retry may act. */
  releaseRequest(key: string, untilIso: string): Promise<void>;
}

/** Where one change went in one channel. The first delivery record written for (change, channel) wins. */
export type Delivery =
  | { eventId: string; channel: string; kind: 'alert'; alertId: string; at: string }
  | { eventId: string; channel: string; kind: 'muted'; mute: string; at: string; time: string };

/** The open burst of one actor on one watch in one channel. */
export interface BurstGroup {
  channel: string;
  key: string;
  alertId: string;
  /** Event times (ISO) of the first and latest change in the group. */
  firstAt: string;
  lastAt: string;
  count: number;
  /** Optimistic-lock counter: a group is only ever replaced by a writer that read this version. */
  version: number;
}

export interface SlackMessageRef {
  channel: string;
  ts: string;
}

/** The mutable state of an alert. Its content is derived from its lines (see AlertRepository.lines). */
export interface AlertRecord {
  id: string;
  channel: string;
  watch: string | null;
  actorKey: string;
  account: string;
  createdAt: string;
  /** Incremented whenever the alert's content or state changes; the message is current when renderedRev = rev. */
  rev: number;
  renderedRev: number;
  /** The highest severity among its lines (monotonic). */
  severity: Severity;
  /** What the Slack message showed when last rendered (for the digest). */
  changeCount: number;
  headline: string;
  message?: SlackMessageRef;
  /** The severity the channel was last pinged for; a render above it pings again. */
  notifiedSeverity?: Severity;
  /**
   * Set before the first chat.postMessage is called (later attempts keep it): if no `message` follows, the
   * post may or may not have happened, and Slack's history since this time is where it would be.
   */
  postAttemptAt?: string;
  /**
   * Set before an escalation reply is sent: if `notifiedSeverity` does not reach `severity` yet, the reply
   * may or may not be in the thread.
   */
  escalationAttempt?: { severity: Severity; at: string };
  /** Set when Slack no longer had the message: the next post replaces it and says so. */
  messageRemovedAt?: string;
  acknowledgement?: Acknowledgement;
  investigation?: Investigation;
  /** Escalation steps of an unacknowledged alert (see ports/escalation-steps.ts), once scheduled. */
  escalation?: AlertEscalationState;
}

export interface RenderedState {
  rev: number;
  message: SlackMessageRef;
  changeCount: number;
  headline: string;
  /** The severity the channel was last pinged for (a post, or an escalation reply). */
  notifiedSeverity: Severity;
}

/** What the open-alerts index holds of an alert (what a digest shows). */
export type OpenAlert = Pick<
  AlertRecord,
  | 'id'
  | 'channel'
  | 'watch'
  | 'actorKey'
  | 'account'
  | 'createdAt'
  | 'severity'
  | 'changeCount'
  | 'headline'
  | 'message'
  | 'investigation'
>;

/** What an alert is created with (only the first writer's values are kept). */
export type AlertSeed = Pick<AlertRecord, 'id' | 'channel' | 'watch' | 'actorKey' | 'account' | 'createdAt'>;

/**
 * `acknowledged`: the alert was acknowledged before these lines arrived; the lines in `returned` were taken
 * back out and must go to a new alert. Lines that were already in the alert stay (a retry of earlier work).
 */
export type AppendResult =
  | { status: 'appended'; rev: number }
  | { status: 'acknowledged'; returned: string[] };

export type AcknowledgeResult =
  | { status: 'acknowledged'; alert: AlertRecord }
  | { status: 'already-acknowledged'; acknowledgement: Acknowledgement }
  /** The alert has changes (or state) its message does not show yet: nothing was acknowledged. */
  | { status: 'changed' }
  | { status: 'not-found' };

export interface AlertRepository {
  /** Writes the delivery unless one exists for (eventId, channel). @returns the delivery that stands. */
  claimDelivery(delivery: Delivery): Promise<Delivery>;
  getDelivery(eventId: string, channel: string): Promise<Delivery | undefined>;
  /** Every delivery of one change (all channels): one Query. */
  deliveriesOf(eventId: string): Promise<Delivery[]>;
  /** The subset of `eventIds` delivered (posted or muted) in `channel`. */
  deliveredIn(channel: string, eventIds: readonly string[]): Promise<Set<string>>;
  /** Moves a delivery to another alert, only if it still points at `fromAlertId`. */
  moveDelivery(eventId: string, channel: string, fromAlertId: string, toAlertId: string): Promise<boolean>;

  getGroup(channel: string, key: string): Promise<BurstGroup | undefined>;
  /** Writes the group if its stored version is `expectedVersion` (undefined: if none is stored). */
  saveGroup(group: BurstGroup, expectedVersion: number | undefined): Promise<boolean>;
  /** Ends the group if it still points at `alertId` (after an acknowledgement). */
  closeGroup(channel: string, key: string, alertId: string): Promise<void>;

  /**
   * Adds lines to the alert (creating it from `seed` if needed), then bumps its revision, unless it has been
   * acknowledged: new changes never hide under an acknowledgement somebody already gave. Idempotent: a line
   * already in the alert is not added twice. Lines are written before the revision moves, so a renderer that
   * sees the new revision always sees the lines.
   */
  append(seed: AlertSeed, lines: readonly ChangeLine[]): Promise<AppendResult>;
  getAlert(alertId: string): Promise<AlertRecord | undefined>;
  /** Every line the alert carries (committed appends only), in no particular order. */
  lines(alertId: string): Promise<ChangeLine[]>;

  /** Takes the alert's render lease if it is free or expired. Only the holder talks to Slack about it. */
  acquireLease(alertId: string, owner: string, nowIso: string, untilIso: string): Promise<boolean>;
  releaseLease(alertId: string, owner: string): Promise<void>;
  /** Records that a post is about to be attempted; the first attempt's time is kept (lease holder only). */
  markPostAttempt(alertId: string, owner: string, atIso: string): Promise<void>;
  /** Records that an escalation reply for `severity` is about to be sent (lease holder only). */
  markEscalationAttempt(alertId: string, owner: string, severity: Severity, atIso: string): Promise<void>;
  /** Records what Slack now shows (lease holder only). */
  markRendered(alertId: string, owner: string, rendered: RenderedState): Promise<void>;
  /**
   * Records that Slack no longer has the alert's message (lease holder only): the message is forgotten and a
   * fresh post attempt window starts at `atIso`, so the next render posts a replacement.
   */
  markMessageGone(alertId: string, owner: string, atIso: string): Promise<void>;

  /** Records that the alert's message is behind revision `rev` and nobody will retry the render by itself. */
  markRenderDue(alertId: string, rev: number, atIso: string): Promise<void>;
  /** Up to `limit` alerts marked render-due (one Query on a small partition). */
  rendersDue(limit: number): Promise<{ alertId: string; rev: number }[]>;
  /** Clears the mark unless it asks for a revision above `renderedRev` (marked again meanwhile). */
  clearRenderDue(alertId: string, renderedRev: number): Promise<void>;

  /**
   * First acknowledgement wins, by condition, and only when the message shows the alert's latest revision
   * (`changed` otherwise: nobody acknowledges changes they have not seen). Removes it from the open index.
   */
  acknowledge(alertId: string, acknowledgement: Acknowledgement): Promise<AcknowledgeResult>;
  /** Marks who is investigating (only while unacknowledged). @returns the alert after the change. */
  investigate(alertId: string, investigation: Investigation): Promise<AlertRecord | undefined>;

  /** Unacknowledged alerts of a channel created since `sinceIso`, oldest first (sparse index: cost ~ open alerts). */
  openAlerts(channel: string, sinceIso: string): Promise<OpenAlert[]>;
  /** How many changes were muted in a channel since `sinceIso`. */
  countMuted(channel: string, sinceIso: string): Promise<number>;

  /**
   * Claims one digest run (channel + run key, e.g. the day) so it is posted once: a claim when it was never
   * claimed, or when an earlier claim was never completed and its lease ran out (a crashed run) or was
   * released (a failed one); undefined when the run is done or another worker holds it.
   */
  claimDigestRun(
    channel: string,
    runKey: string,
    nowIso: string,
    leaseUntilIso: string,
  ): Promise<DigestClaim | undefined>;
  /**
   * Records that the digest is about to be posted; the first attempt's time is kept, and so is the window it
   * lists when it carries "Acknowledge all listed" (`listed`): a retry whose post had reached Slack finds the
   * message again, and the window must be the one that message shows.
   */
  markDigestPostAttempt(
    channel: string,
    runKey: string,
    atIso: string,
    listed?: { since: string; until: string },
  ): Promise<void>;
  /** Records the posted digest's message (`ts`), found again later to take its button away. */
  recordDigestMessage(channel: string, runKey: string, ts: string): Promise<void>;
  /**
   * The channel's posted digests that still show "Acknowledge all listed" (one Query on the channel's
   * digest-run partition, which holds about a month of runs: they expire after 30 days).
   */
  digestsWithButton(channel: string): Promise<PostedDigest[]>;
  /** Records that the digest's button is gone (everything it listed is acknowledged and the message says so). */
  closeDigest(channel: string, runKey: string, atIso: string): Promise<void>;
  completeDigestRun(channel: string, runKey: string): Promise<void>;
  /**
   * Gives up a claim after a failed run, so a retry may run it at once. A post attempt stays recorded: the
   * retry looks for that post before posting again.
   */
  releaseDigestRun(channel: string, runKey: string): Promise<void>;
}

/** A digest message with "Acknowledge all listed": which run posted it, where, and the window it lists. */
export interface PostedDigest {
  runKey: string;
  ts: string;
  since: string;
  until: string;
}

/** A claimed digest run. */
export interface DigestClaim {
  /** Set when an earlier claim attempted the post: it may be in the channel already (its answer lost). */
  postAttemptAt?: string;
}

export interface Store {
  changes: ChangeRepository;
  config: ConfigRepository;
  alerts: AlertRepository;
  escalationSteps: EscalationStepRepository;
}
