import { type ActorSlackMap, personOfActor } from '../changes/actor-identity';
import { type ActorAnswer, type ActorAnswerKind, actorCheckSettingOf, asksActor } from '../model/actor-check';
import { policyOf } from '../model/escalation-policy';
import { SEVERITY_RANK } from '../model/severity';
import type { AlertRecord, RoutingConfig, SlackMessageRef } from '../store/ports';
import { renderActorDenied, renderActorQuestion } from '../views/actor-check';
import type { AccountAlias } from '../views/alert-parts';
import { acknowledgeAlert, type InteractionDeps } from './acknowledge';
import { UseCaseError } from './errors';
import type { AlertDeps, RenderedMessage } from './ports';
import { muteMatches } from './routing';
import { loadAlertContent, RenderPendingError, syncOrMarkDue, withRenderLease } from './sync-alert';

/*
 * "Was this you?" (issue 11 §2). When an alert is in Slack, the person who made its change (when InfraWatch
 * can name them, see src/changes/actor-identity.ts) gets a direct message with the change and two buttons.
 * Their answer is shown on the alert, published as an event, and a "No" raises the alert to critical, alerts
 * the channel at once and starts its escalation now.
 *
 * Exactly once under at-least-once delivery: the DM and the "not theirs" reply are each claimed by a
 * conditional write on the alert item, sent only by the holder of the alert's render lease, and carry
 * metadata naming the alert, so an attempt whose answer was lost is found in Slack before anything is sent
 * again. The answer is recorded by a conditional write (first answer wins; only the person asked).
 */

/** EventBridge `detail-type` of the event published for every answer (`source: "infrawatch"`). */
export const ACTOR_ANSWERED_DETAIL_TYPE = 'InfraWatch Actor Answered';

/** The `detail` of an answer event: documented in the README, stable for downstream consumers. */
export interface ActorAnsweredEventDetail {
  alertId: string;
  channel: string;
  /** The CloudTrail eventIDs of the alert's changes. */
  eventIds: string[];
  account: string;
  watch: string | null;
  /** The alert's severity after the answer (`critical` after a "No"). */
  severity: string;
  answer: ActorAnswerKind;
  answeredBy: { userId: string; userName: string };
  /** ISO-8601. */
  answeredAt: string;
  /** The AWS identity the question was about, as CloudTrail named it. */
  actor: { display: string; arn: string | null };
  message: { channel: string; ts: string } | null;
}

/** Finds Slack users by e-mail (users.lookupByEmail, cached by the adapter). */
export interface ActorDirectory {
  /** The Slack user id with this e-mail address, or undefined when the workspace has none. */
  userIdByEmail(email: string): Promise<string | undefined>;
}

/** The part of Slack the question needs. Every send carries metadata naming the alert. */
export interface ActorQuestionMessenger {
  /** Sends the question to the user in a direct message. */
  askActor(userId: string, message: RenderedMessage, alertId: string): Promise<SlackMessageRef>;
  /** The question sent about `alertId` since `attemptIso` (its first attempt), if the user's DM has it. */
  findActorQuestion(
    userId: string,
    alertId: string,
    attemptIso: string,
  ): Promise<SlackMessageRef | undefined>;
  /** Replies in the alert's thread, broadcast to the channel, that the actor says it was not them. */
  sendActorDenied(alert: SlackMessageRef, message: RenderedMessage, alertId: string): Promise<void>;
  /** Whether the alert's thread has that reply already. */
  findActorDenied(alert: SlackMessageRef, alertId: string): Promise<boolean>;
}

/**
 * Slack can never deliver a question to this person (no such user, deactivated, a bot, or the app lacks the
 * scope): asking again would fail the same way, so the alert goes on without the question.
 */
export class ActorUnreachableError extends UseCaseError {
  readonly code = 'ActorUnreachable';
  constructor(who: string, options?: ErrorOptions) {
    super(`Slack cannot reach ${who} with a direct message`, options);
  }
}

/** What asking needs beyond the alert use cases' dependencies. */
export interface ActorAskDeps {
  directory: ActorDirectory;
  questions: ActorQuestionMessenger;
  /** Configured IAM user / role session names -> Slack user ids. */
  actorMap: ActorSlackMap;
  accountAliases?: AccountAlias;
}

export type AskOutcome =
  /** The DM was sent now, or found in Slack after a lost answer, and recorded. */
  | 'asked'
  /** Nothing to do: asked before, not posted yet, the channel does not ask at this severity, or muted. */
  | 'skipped'
  /** Nobody to ask: a shared role, a service, root, or an e-mail without a Slack user. */
  | 'nobody'
  /** The person exists but Slack cannot DM them (see {@link ActorUnreachableError}). */
  | 'unreachable';

/**
 * Asks the actor of a posted alert "Was this you?" when its channel asks at the alert's severity (see
 * model/actor-check.ts) and the actor maps to a Slack user. Runs after every render of the alert (a burst
 * that reaches warning asks then); the first question stands.
 * @throws RenderPendingError when another worker holds the alert's render lease (the caller retries).
 */
export async function askActor(
  deps: AlertDeps & { ask: ActorAskDeps; accountAliases?: Readonly<Record<string, string>> },
  alert: AlertRecord,
  config: RoutingConfig,
): Promise<AskOutcome> {
  try {
    return await askActorOnce(deps, alert, config);
  } catch (error) {
    if (error instanceof ActorUnreachableError) return 'unreachable';
    throw error;
  }
}

async function askActorOnce(
  deps: AlertDeps & { ask: ActorAskDeps; accountAliases?: Readonly<Record<string, string>> },
  alert: AlertRecord,
  config: RoutingConfig,
): Promise<AskOutcome> {
  if (alert.actorCheck?.dm || !alert.message) return 'skipped';
  if (!asksActor(actorCheckSettingOf(config.actorChecks, alert.channel), alert.severity)) return 'skipped';
  // Most alerts are by roles, services and root: the alert's actor key (the caller's ARN, lower-cased) rules
  // them out without reading the change.
  if (personOfActor(actorOfKey(alert.actorKey), 'unknown', deps.ask.actorMap).kind === 'nobody')
    return 'nobody';
  const content = await loadAlertContent(deps, alert);
  const aliases = deps.accountAliases ?? {};
  if (config.mutes.some((mute) => mute.channel === alert.channel && muteMatches(mute, content.lead, aliases)))
    return 'skipped';
  const person = personOfActor(content.lead.actor, content.lead.tool, deps.ask.actorMap);
  if (person.kind === 'nobody') return 'nobody';
  const userId =
    person.kind === 'slack-user' ? person.userId : await deps.ask.directory.userIdByEmail(person.email);
  if (userId === undefined) return 'nobody';

  const leased = await withRenderLease(deps, alert.id, async (_leased, holder): Promise<AskOutcome> => {
    const claim = await deps.store.actorChecks.claimAsk(
      alert.id,
      holder,
      userId,
      deps.clock.now().toISOString(),
    );
    if (claim.status !== 'claimed') return 'skipped';
    const found =
      claim.earlierAttemptAt === undefined
        ? undefined
        : await deps.ask.questions.findActorQuestion(userId, alert.id, claim.earlierAttemptAt);
    const dm =
      found ??
      (await deps.ask.questions.askActor(
        userId,
        renderActorQuestion({
          alert: content,
          ...(deps.ask.accountAliases ? { accountAlias: deps.ask.accountAliases } : {}),
        }),
        alert.id,
      ));
    await deps.store.actorChecks.recordAsked(alert.id, holder, dm);
    return 'asked';
  });
  if (leased.status === 'busy') throw new RenderPendingError(alert.id);
  return leased.value;
}

/** The identity type an actor key (a lower-cased ARN) names, enough for {@link personOfActor}'s first checks. */
function actorOfKey(actorKey: string): { type: 'IAMUser' | 'AssumedRole' | 'Unknown'; arn: string } {
  const resource = actorKey.split(':').slice(5).join(':');
  const type = resource.startsWith('user/')
    ? 'IAMUser'
    : resource.startsWith('assumed-role/')
      ? 'AssumedRole'
      : 'Unknown';
  return { type, arn: actorKey };
}

/** Something an answer could not do after it was recorded: said to the person, logged with the error. */
export interface AnswerProblem {
  what: string;
  error: unknown;
}

export type AnswerOutcome =
  | {
      status: 'recorded' | 'already-answered';
      /** The answer that stands (the first one). */
      answer: ActorAnswer;
      alert: AlertRecord;
      /** "Yes" in a channel that lets the actor's confirmation acknowledge: the alert was acknowledged. */
      acknowledged: boolean;
      problems: AnswerProblem[];
    }
  /** Somebody else was asked (or nobody): this user's click changes nothing. */
  | { status: 'not-asked' }
  | { status: 'not-found' };

export interface AnswerDeps extends InteractionDeps {
  questions: ActorQuestionMessenger;
}

/** How long an answer waits for another worker's hold on the alert before leaving the reply to a second click. */
const LEASE_WAIT_MS = 1_000;
const LEASE_POLL_MS = 150;

/**
 * Records the actor's answer (first click wins; only the person asked), then: the alert shows it, the answer
 * event is published, a "No" alerts the channel at once and brings the first escalation step forward to now,
 * and a "Yes" acknowledges the alert when its channel opted in (`/infrawatch actor-confirms acknowledge`).
 * A second click records nothing and finishes what the first could not (the channel reply, the escalation).
 * Failures after the answer is recorded are returned, not thrown: the answer stands regardless.
 */
export async function answerActorCheck(
  deps: AnswerDeps,
  input: { alertId: string; userId: string; userName: string; answer: ActorAnswerKind },
): Promise<AnswerOutcome> {
  const now = deps.clock.now().toISOString();
  const given: ActorAnswer = {
    answer: input.answer,
    userId: input.userId,
    userName: input.userName,
    at: now,
  };
  const result = await deps.store.actorChecks.recordAnswer(input.alertId, given);
  if (result.status === 'not-found') return result;
  if (result.status === 'not-asked') return { status: 'not-asked' };
  const answer = result.status === 'recorded' ? given : result.answer;
  const problems: AnswerProblem[] = [];
  const attempt = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      problems.push({ what, error });
    }
  };

  let alert = result.alert;
  const content = await loadAlertContent(deps, alert);
  if (result.status === 'recorded') {
    // A message that cannot be updated now is marked render-due and repaired by the sweep.
    await attempt('the alert message could not be updated yet', async () => {
      alert = await syncOrMarkDue(deps, alert.id, alert.rev, { waitMs: LEASE_WAIT_MS });
    });
    const eventIds = content.lines.map((line) => line.id).sort();
    const detail: ActorAnsweredEventDetail = {
      alertId: alert.id,
      channel: alert.channel,
      eventIds,
      account: alert.account,
      watch: alert.watch,
      severity: alert.severity,
      answer: answer.answer,
      answeredBy: { userId: answer.userId, userName: answer.userName },
      answeredAt: answer.at,
      actor: { display: content.lead.actor.display, arn: content.lead.actor.arn },
      message: alert.message ?? null,
    };
    await attempt('the answer event could not be published', () =>
      deps.events.publish(ACTOR_ANSWERED_DETAIL_TYPE, { ...detail }),
    );
  }

  let acknowledged = false;
  const config = await deps.store.config.load(now);
  if (answer.answer === 'no') {
    await attempt('the channel could not be alerted yet', () => sendDenied(deps, alert, content, answer));
    await attempt('the escalation could not be started', () => expediteEscalation(deps, alert, config, now));
  } else if (
    result.status === 'recorded' &&
    actorCheckSettingOf(config.actorChecks, alert.channel)?.confirms === 'acknowledge'
  ) {
    const ack = await acknowledgeAlert(deps, {
      alertId: alert.id,
      userId: answer.userId,
      userName: answer.userName,
      note: 'the actor confirmed it was them ("Was this you?")',
    });
    acknowledged = ack.status === 'acknowledged';
    if (ack.status === 'acknowledged') problems.push(...ack.problems);
    if (ack.status === 'changed')
      problems.push({ what: 'new changes arrived in the alert, so it was not acknowledged', error: null });
  }
  return { status: result.status, answer, alert, acknowledged, problems };
}

/** The "not theirs" reply, once: claimed, looked for after an earlier attempt, sent, recorded. */
async function sendDenied(
  deps: AnswerDeps,
  alert: AlertRecord,
  content: Awaited<ReturnType<typeof loadAlertContent>>,
  answer: ActorAnswer,
): Promise<void> {
  const message = alert.message;
  if (!message || alert.actorCheck?.noticedAt) return;
  const deadline = deps.clock.now().getTime() + LEASE_WAIT_MS;
  for (;;) {
    const leased = await withRenderLease(deps, alert.id, async (_leased, holder) => {
      const claim = await deps.store.actorChecks.claimNotice(
        alert.id,
        holder,
        deps.clock.now().toISOString(),
      );
      if (claim.status === 'done') return;
      const found =
        claim.earlierAttemptAt !== undefined && (await deps.questions.findActorDenied(message, alert.id));
      if (!found) await deps.questions.sendActorDenied(message, renderActorDenied(content, answer), alert.id);
      await deps.store.actorChecks.recordNoticed(alert.id, holder, deps.clock.now().toISOString());
    });
    if (leased.status === 'done') return;
    if (deps.clock.now().getTime() >= deadline) throw new RenderPendingError(alert.id);
    await deps.clock.sleep(LEASE_POLL_MS);
  }
}

/** "No": the first escalation step is due now (when the channel escalates critical alerts at all). */
async function expediteEscalation(
  deps: AnswerDeps,
  alert: AlertRecord,
  config: RoutingConfig,
  now: string,
): Promise<void> {
  const policy = policyOf(config.escalations ?? [], alert.channel);
  if (policy === null || SEVERITY_RANK[alert.severity] < SEVERITY_RANK[policy.severity]) return;
  if (alert.acknowledgement || !alert.message) return;
  await deps.store.escalationSteps.expedite(alert.id, now);
}
