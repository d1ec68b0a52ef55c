import { bySeverityThenTime } from '../changes/burst';
import type { AlertContent, AlertStatus } from '../model/alert';
import { SEVERITY_RANK } from '../model/severity';
import { LeaseLostError } from '../store/errors';
import type { AlertRecord } from '../store/ports';
import { withEscalationSteps } from '../views/escalation-step';
import { UseCaseError } from './errors';
import { type AlertDeps, MessageNotFoundError } from './ports';

/**
 * A render lease is short and kept alive by its holder: renewed every {@link RENEW_EVERY_MS} while the holder
 * works (a Slack call may take longer than the lease: pacing, a Retry-After, a timeout and its retries) and
 * before each Slack call. A holder that dies mid-render (a Lambda timeout, a crash, an outage that keeps it
 * from releasing) blocks its alert for at most LEASE_MS + TAKEOVER_GRACE_MS, far shorter than SQS's
 * visibility timeout, so the redelivery finds the lease free instead of burning a receive. A holder that
 * cannot renew in time loses the lease and cannot record its render (LeaseLostError).
 */
const LEASE_MS = 15_000;
const RENEW_EVERY_MS = 5_000;
/**
 * An expired lease is taken over only this long after it ran out. A holder starts a Slack call only while its
 * lease runs (see `renew` in renderWhileBehind), and the call ends within the client's timeout (10 s), so by
 * then a post of the old holder has landed in Slack (and the history search finds it) or was abandoned.
 * Without the grace, a holder whose process stalled past its lease could post while the next one does.
 */
const TAKEOVER_GRACE_MS = 12_000;
/** A renewal must leave at least this much of the lease for the Slack call it precedes to start in. */
const LEASE_LEFT_FOR_CALL_MS = 5_000;
/** How long a caller waits for another worker's render before leaving it to a retry. */
const WAIT_FOR_RENDER_MS = 5_000;
const POLL_MS = 150;
const MAX_RENDER_ROUNDS = 3;

export class RenderPendingError extends UseCaseError {
  readonly code = 'RenderPending';
  constructor(alertId: string) {
    super(`alert ${alertId} is being rendered by another worker; retry later`);
  }
}

export class AlertNotFoundError extends UseCaseError {
  readonly code = 'AlertNotFound';
  constructor(alertId: string) {
    super(`alert ${alertId} does not exist`);
  }
}

function statusOf(alert: AlertRecord): AlertStatus {
  if (alert.acknowledgement) return 'acknowledged';
  return alert.investigation ? 'investigating' : 'open';
}

/** Everything the views need to render an alert, read from the store. */
export async function loadAlertContent(
  deps: Pick<AlertDeps, 'store'>,
  alert: AlertRecord,
): Promise<AlertContent> {
  const lines = (await deps.store.alerts.lines(alert.id)).sort(bySeverityThenTime);
  const leadLine = lines[0];
  if (!leadLine) throw new AlertNotFoundError(alert.id);
  const lead = await deps.store.changes.get(leadLine.id);
  if (!lead) throw new AlertNotFoundError(alert.id);
  return {
    id: alert.id,
    channel: alert.channel,
    watch: alert.watch,
    lead: lead.change,
    lines,
    severity: alert.severity,
    status: statusOf(alert),
    ...(alert.acknowledgement ? { acknowledgement: alert.acknowledgement } : {}),
    ...(alert.investigation && !alert.acknowledgement ? { investigation: alert.investigation } : {}),
  };
}

/**
 * Makes the alert's Slack message show revision `targetRev` or later, posting it on first use.
 *
 * Only the holder of the alert's render lease talks to Slack about it, so two workers never post the same
 * alert twice or overwrite a newer render with an older one. A caller that cannot get the lease waits for the
 * holder's render; when it does not come in time it throws RenderPendingError and its records are retried
 * (SQS), which is what makes a crashed holder harmless.
 */
export async function syncAlertMessage(
  deps: AlertDeps,
  alertId: string,
  targetRev: number,
  options: { waitMs?: number } = {},
): Promise<AlertRecord> {
  const deadline = deps.clock.now().getTime() + (options.waitMs ?? WAIT_FOR_RENDER_MS);
  for (;;) {
    if (await takeLease(deps, alertId)) {
      const heartbeat = keepLease(deps, alertId);
      try {
        return await renderWhileBehind(deps, alertId, targetRev);
      } finally {
        await heartbeat.stop();
        await deps.store.renders.releaseLease(alertId, deps.owner);
      }
    }
    const alert = await deps.store.alerts.get(alertId);
    if (!alert) throw new AlertNotFoundError(alertId);
    if (alert.message && alert.renderedRev >= targetRev) return alert;
    if (deps.clock.now().getTime() >= deadline) throw new RenderPendingError(alertId);
    await deps.clock.sleep(POLL_MS);
  }
}

/**
 * Runs `work` while holding the alert's render lease (kept alive while it runs), so nothing else talks to
 * Slack about the alert meanwhile. @returns `work`'s result, or `busy` when another worker holds the lease.
 */
export async function withRenderLease<T>(
  deps: AlertDeps,
  alertId: string,
  work: () => Promise<T>,
): Promise<{ status: 'done'; value: T } | { status: 'busy' }> {
  if (!(await takeLease(deps, alertId))) return { status: 'busy' };
  const heartbeat = keepLease(deps, alertId);
  try {
    return { status: 'done', value: await work() };
  } finally {
    await heartbeat.stop();
    await deps.store.renders.releaseLease(alertId, deps.owner);
  }
}

/** Takes (or extends) the render lease for LEASE_MS from now: free, expired (for the grace) or already ours. */
function takeLease(deps: AlertDeps, alertId: string): Promise<boolean> {
  const now = deps.clock.now().getTime();
  const until = new Date(now + LEASE_MS).toISOString();
  const expiredBefore = new Date(now - TAKEOVER_GRACE_MS).toISOString();
  return deps.store.renders.acquireLease(alertId, deps.owner, expiredBefore, until);
}

/**
 * Renews the lease in the background while the holder works. A failed renewal is not an error here: the
 * renewal before the next Slack call (or the conditional write of the render) notices a lost lease.
 */
function keepLease(deps: AlertDeps, alertId: string): { stop(): Promise<void> } {
  let renewal: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewal = renewal.then(() => takeLease(deps, alertId)).catch(() => undefined);
  }, RENEW_EVERY_MS);
  // A render in flight must not keep a process alive (a test, a local stack shutting down).
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      // A renewal in flight would take the lease again after the release.
      await renewal;
    },
  };
}

/**
 * Brings the message up to date on a path that nothing retries (a click): when that fails, the alert is
 * marked render-due, and {@link repairDueRenders} (run by every events invocation and by the digest) finishes
 * the job. The error is passed on.
 */
export async function syncOrMarkDue(
  deps: AlertDeps,
  alertId: string,
  targetRev: number,
  options: { waitMs?: number } = {},
): Promise<AlertRecord> {
  try {
    return await syncAlertMessage(deps, alertId, targetRev, options);
  } catch (error) {
    await deps.store.renders.markDue(alertId, targetRev, deps.clock.now().toISOString());
    throw error;
  }
}

/** Render-due alerts one repair pass takes on. */
export const REPAIR_BATCH = 10;

/**
 * Repairs messages that fell behind on a path nothing retries (see {@link syncOrMarkDue}): each marked alert
 * is rendered to its latest revision and its mark cleared. An alert that still fails keeps its mark for the
 * next pass; one whose lease another worker holds is left to that worker (and the next pass).
 * @returns how many were repaired, and the errors of those that were not.
 */
export async function repairDueRenders(
  deps: AlertDeps,
  limit = REPAIR_BATCH,
): Promise<{ repaired: number; failures: { alertId: string; error: unknown }[] }> {
  const due = await deps.store.renders.due(limit);
  let repaired = 0;
  const failures: { alertId: string; error: unknown }[] = [];
  for (const { alertId, rev } of due) {
    try {
      const alert = await syncAlertMessage(deps, alertId, rev, { waitMs: 0 });
      await deps.store.renders.clearDue(alertId, alert.renderedRev);
      repaired += 1;
    } catch (error) {
      if (error instanceof AlertNotFoundError) await deps.store.renders.clearDue(alertId, rev);
      else failures.push({ alertId, error });
    }
  }
  return { repaired, failures };
}

/** Renders until the message shows the latest revision (changes may land while Slack is being called). */
async function renderWhileBehind(deps: AlertDeps, alertId: string, targetRev: number): Promise<AlertRecord> {
  // Renewed before every Slack call, so no other worker can take over while a call is in flight. A renewal
  // that itself took most of the lease (a stalled process, a slow engine) leaves too little: give up instead.
  const renew = async () => {
    const started = deps.clock.now().getTime();
    if (!(await takeLease(deps, alertId))) throw new LeaseLostError(alertId);
    if (deps.clock.now().getTime() - started > LEASE_MS - LEASE_LEFT_FOR_CALL_MS)
      throw new LeaseLostError(alertId);
  };
  for (let round = 0; ; round++) {
    const alert = await deps.store.alerts.get(alertId);
    if (!alert) throw new AlertNotFoundError(alertId);
    if (alert.message && alert.renderedRev >= alert.rev) return alert;
    // Bounded: under a steady stream, later revisions are rendered by the workers that made them.
    if (round === MAX_RENDER_ROUNDS) {
      if (alert.message && alert.renderedRev >= targetRev) return alert;
      throw new RenderPendingError(alertId);
    }

    const content = await loadAlertContent(deps, alert);
    const rendered = withEscalationSteps(
      alert.messageRemovedAt ? deps.render.replacement(content) : deps.render.alert(content),
      alert.escalation?.sent ?? [],
    );
    let message = alert.message;
    let notifiedSeverity = alert.notifiedSeverity ?? content.severity;
    if (message) {
      await renew();
      try {
        await deps.messenger.update(message, rendered);
      } catch (error) {
        if (!(error instanceof MessageNotFoundError)) throw error;
        // Deleted by a workspace admin, or lost with a Slack that was reset: a message that is gone must not
        // block its burst forever. The next round posts a fresh one that says it replaces the earlier one.
        await deps.store.renders.markMessageGone(alertId, deps.owner, deps.clock.now().toISOString());
        continue;
      }
      // An update notifies nobody: a burst that turned more severe pings the channel with a broadcast reply.
      if (
        SEVERITY_RANK[content.severity] > SEVERITY_RANK[notifiedSeverity] &&
        content.status !== 'acknowledged'
      ) {
        const escalation = { alertId, severity: content.severity };
        // A reply whose answer was lost (or whose render was not recorded) may be in the thread already.
        await renew();
        const sent =
          alert.escalationAttempt?.severity === content.severity &&
          (await deps.messenger.findNotified(message, escalation));
        if (!sent) {
          await deps.store.renders.markEscalationAttempt(
            alertId,
            deps.owner,
            content.severity,
            deps.clock.now().toISOString(),
          );
          await renew();
          await deps.messenger.notify(message, deps.render.escalation(content), escalation);
        }
        notifiedSeverity = content.severity;
      }
    } else {
      // A post whose answer never came back (timeout, crash) may have reached Slack: look before posting again.
      if (alert.postAttemptAt) {
        await renew();
        message = await deps.messenger.findPosted(alert.channel, alertId, alert.postAttemptAt);
      }
      if (message) {
        await renew();
        await deps.messenger.update(message, rendered);
      } else {
        await deps.store.renders.markPostAttempt(alertId, deps.owner, deps.clock.now().toISOString());
        await renew();
        message = await deps.messenger.post(alert.channel, rendered, alertId);
      }
      notifiedSeverity = content.severity;
    }
    await deps.store.renders.markRendered(alertId, deps.owner, {
      rev: alert.rev,
      message,
      changeCount: content.lines.length,
      headline: rendered.text,
      notifiedSeverity,
    });
  }
}
