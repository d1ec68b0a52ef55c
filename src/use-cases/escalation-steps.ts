import {
  ESCALATION_STEP_COUNT,
  type EscalationPolicy,
  policyOf,
  targetOfStep,
} from '../model/escalation-policy';
import { SEVERITY_RANK } from '../model/severity';
import type { AlertRecord, DueEscalationStep, RoutingConfig } from '../store/ports';
import { renderEscalationStep } from '../views/escalation-step';
import type { AlertDeps, EscalationStepMessenger } from './ports';
import { muteMatches } from './routing';
import { AlertNotFoundError, loadAlertContent, syncOrMarkDue, withRenderLease } from './sync-alert';

/*
 * Escalation steps of unacknowledged alerts: scheduled when an alert's message shows a severity the
 * channel's policy escalates (record-changes), sent by a sweep every minute (app/lambda/sweep.ts).
 *
 * Exactly once under at-least-once delivery and concurrent sweeps: a step is sent only by the holder of the
 * alert's render lease (one worker at a time talks to Slack about an alert), after a conditional claim on
 * the alert item that fails once it is acknowledged; a claim found from an earlier attempt means the step may
 * be in Slack already, so Slack is searched (metadata marker) before anything is sent again.
 */

export interface EscalationDeps extends AlertDeps {
  messenger: AlertDeps['messenger'] & EscalationStepMessenger;
  accountAliases?: Readonly<Record<string, string>>;
  /**
   * Every wait is divided by this (default 1). The local stack uses 60, so "after 15 min" happens after 15 s
   * and a newcomer sees escalation work; messages keep the configured times.
   */
  timeScale?: number;
}

const scaled = (deps: Pick<EscalationDeps, 'timeScale'>, ms: number) => ms / (deps.timeScale ?? 1);

function escalates(policy: EscalationPolicy | null, alert: AlertRecord): policy is EscalationPolicy {
  return policy !== null && SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[policy.severity];
}

/**
 * Schedules the first escalation step of an alert whose message now shows a severity its channel escalates
 * (posted critical, or a burst that became critical), `afterMs` from now. Nothing when it is acknowledged,
 * when its channel does not escalate that severity, or when steps were scheduled for it already: the first
 * schedule stands, so a retry later moves nothing.
 */
export async function scheduleEscalation(
  deps: Pick<EscalationDeps, 'store' | 'clock' | 'timeScale'>,
  alert: AlertRecord,
  config: Pick<RoutingConfig, 'escalations'>,
): Promise<void> {
  if (alert.acknowledgement || alert.escalation || !alert.message) return;
  const policy = policyOf(config.escalations ?? [], alert.channel);
  if (!escalates(policy, alert)) return;
  const dueAt = new Date(deps.clock.now().getTime() + scaled(deps, policy.afterMs)).toISOString();
  await deps.store.escalationSteps.schedule(alert.id, dueAt);
}

/** Stops an alert's pending escalation steps (after an acknowledgement: the claim refuses them anyway). */
export async function stopEscalation(deps: Pick<AlertDeps, 'store'>, alertId: string): Promise<void> {
  await deps.store.escalationSteps.stop(alertId);
}

/** Due entries one sweep takes on: a sweep runs every minute, and each step is one or two Slack calls. */
export const SWEEP_BATCH = 25;

export type StepOutcome =
  /** The step is in Slack (sent now, or found there after a lost answer) and recorded. */
  | 'sent'
  /** Nothing to send, ever: acknowledged, muted, escalation off, or the entry was stale. */
  | 'stopped'
  /** Another worker holds the alert's render lease, or its message is being replaced: the next sweep. */
  | 'later';

export interface SweepResult {
  sent: number;
  stopped: number;
  later: number;
  failures: { alertId: string; error: unknown }[];
}

/**
 * Sends every escalation step due by now (at most `limit`): one Query of the due index, then per due alert
 * the steps above. A step that fails stays due and is tried by the next sweep; failures are returned.
 */
export async function runEscalationSweep(deps: EscalationDeps, limit = SWEEP_BATCH): Promise<SweepResult> {
  const now = deps.clock.now().toISOString();
  const due = await deps.store.escalationSteps.due(now, limit);
  const result: SweepResult = { sent: 0, stopped: 0, later: 0, failures: [] };
  if (due.length === 0) return result;
  // Mutes and policies as they are now: muting the actor or turning escalation off stops pending steps.
  const config = await deps.store.config.load(now);
  for (const entry of due) {
    try {
      result[await sendDueStep(deps, entry, config)] += 1;
    } catch (error) {
      result.failures.push({ alertId: entry.alertId, error });
    }
  }
  return result;
}

/** Sends one due step (see {@link runEscalationSweep}). */
export async function sendDueStep(
  deps: EscalationDeps,
  entry: DueEscalationStep,
  config: RoutingConfig,
): Promise<StepOutcome> {
  const steps = deps.store.escalationSteps;
  const leased = await withRenderLease(deps, entry.alertId, async (_leased, holder): Promise<StepOutcome> => {
    const alert = await deps.store.alerts.get(entry.alertId);
    const state = alert?.escalation;
    if (!alert || !state || state.dueAt !== entry.dueAt || state.nextStep > ESCALATION_STEP_COUNT) {
      // An entry left behind by a crash between writing the next entry and deleting this one, or one of an
      // alert whose escalation ended.
      await steps.deleteDue(entry);
      return 'stopped';
    }
    const policy = policyOf(config.escalations ?? [], alert.channel);
    if (alert.acknowledgement || !escalates(policy, alert)) {
      await steps.stop(alert.id);
      return 'stopped';
    }
    // A message being replaced (deleted in Slack) is re-posted by the render repair first.
    if (!alert.message) return 'later';
    const content = await loadAlertContent(deps, alert).catch((error: unknown) => {
      if (error instanceof AlertNotFoundError) return undefined;
      throw error;
    });
    const aliases = deps.accountAliases ?? {};
    if (
      !content ||
      config.mutes.some((mute) => mute.channel === alert.channel && muteMatches(mute, content.lead, aliases))
    ) {
      await steps.stop(alert.id);
      return 'stopped';
    }

    const step = state.nextStep;
    const now = deps.clock.now();
    const claim = await steps.claim(alert.id, holder, step, now.toISOString());
    if (claim.status === 'stale') {
      await steps.stop(alert.id);
      return 'stopped';
    }
    const target = targetOfStep(policy, step);
    const delivery = { alertId: alert.id, step, alert: alert.message, target };
    const afterMs = policy.afterMs * step;
    const found =
      claim.earlierAttemptAt !== undefined &&
      (await deps.messenger.findEscalationStep(delivery, claim.earlierAttemptAt));
    if (!found) {
      const permalink = target.kind === 'channel' ? await deps.messenger.permalink(alert.message) : undefined;
      await deps.messenger.sendEscalationStep(
        delivery,
        renderEscalationStep({ alert: content, step, target, afterMs, ...(permalink ? { permalink } : {}) }),
      );
    }
    // The next step waits the same time again, counted from when this one was due (a late sweep does not
    // push the whole schedule back), but never comes sooner than half that time after this one.
    const wait = scaled(deps, policy.afterMs);
    const nextDue = Math.max(Date.parse(state.dueAt) + wait, now.getTime() + wait / 2);
    await steps.recordSent(
      alert.id,
      holder,
      { step, target, afterMs, at: now.toISOString() },
      step < ESCALATION_STEP_COUNT ? { dueAt: new Date(nextDue).toISOString() } : null,
    );
    return 'sent';
  });
  if (leased.status === 'busy') return 'later';
  if (leased.value === 'sent') {
    // The message announces the step ("⏰ escalated to …"): recording it bumped the revision. A render that
    // fails here is marked render-due (repaired by the next sweep) and reported as this entry's failure.
    const alert = await deps.store.alerts.get(entry.alertId);
    if (alert) await syncOrMarkDue(deps, alert.id, alert.rev, { waitMs: 0 });
  }
  return leased.value;
}
