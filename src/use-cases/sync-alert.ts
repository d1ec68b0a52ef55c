import { bySeverityThenTime } from '../changes/burst';
import type { AlertContent, AlertStatus } from '../changes/types';
import { SEVERITY_RANK } from '../changes/types';
import { LeaseLostError } from '../store/errors';
import type { AlertRecord } from '../store/ports';
import { renderEscalation } from '../views/escalation';
import type { AlertDeps } from './ports';

/**
 * A render lease outlives the slowest single Slack call it covers, and is renewed before each call: pacing
 * waits at most 10 s, a Retry-After at most 3 s, and a call times out after 5 s with at most two retries.
 * A holder that stalls longer loses the lease and cannot record its render (LeaseLostError).
 */
const LEASE_MS = 60_000;
/** How long a caller waits for another worker's render before leaving it to a retry. */
const WAIT_FOR_RENDER_MS = 5_000;
const POLL_MS = 150;
const MAX_RENDER_ROUNDS = 3;

export class RenderPendingError extends Error {
  readonly code = 'RenderPending';
  constructor(alertId: string) {
    super(`alert ${alertId} is being rendered by another worker; retry later`);
  }
}

export class AlertNotFoundError extends Error {
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
  const lead = await deps.store.changes.getChange(leadLine.id);
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
    const now = deps.clock.now();
    const until = new Date(now.getTime() + LEASE_MS).toISOString();
    if (await deps.store.alerts.acquireLease(alertId, deps.owner, now.toISOString(), until)) {
      try {
        return await renderWhileBehind(deps, alertId, targetRev);
      } finally {
        await deps.store.alerts.releaseLease(alertId, deps.owner);
      }
    }
    const alert = await deps.store.alerts.getAlert(alertId);
    if (!alert) throw new AlertNotFoundError(alertId);
    if (alert.message && alert.renderedRev >= targetRev) return alert;
    if (deps.clock.now().getTime() >= deadline) throw new RenderPendingError(alertId);
    await deps.clock.sleep(POLL_MS);
  }
}

/** Renders until the message shows the latest revision (changes may land while Slack is being called). */
async function renderWhileBehind(deps: AlertDeps, alertId: string, targetRev: number): Promise<AlertRecord> {
  // Renewed before every Slack call, so no other worker can take over while a call is in flight.
  const renew = async () => {
    const now = deps.clock.now();
    const until = new Date(now.getTime() + LEASE_MS).toISOString();
    if (!(await deps.store.alerts.acquireLease(alertId, deps.owner, now.toISOString(), until))) {
      throw new LeaseLostError(alertId);
    }
  };
  for (let round = 0; ; round++) {
    const alert = await deps.store.alerts.getAlert(alertId);
    if (!alert) throw new AlertNotFoundError(alertId);
    if (alert.message && alert.renderedRev >= alert.rev) return alert;
    // Bounded: under a steady stream, later revisions are rendered by the workers that made them.
    if (round === MAX_RENDER_ROUNDS) {
      if (alert.message && alert.renderedRev >= targetRev) return alert;
      throw new RenderPendingError(alertId);
    }

    const content = await loadAlertContent(deps, alert);
    const rendered = deps.render(content);
    let message = alert.message;
    let notifiedSeverity = alert.notifiedSeverity ?? content.severity;
    if (message) {
      await renew();
      await deps.messenger.update(message, rendered);
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
          await deps.store.alerts.markEscalationAttempt(
            alertId,
            deps.owner,
            content.severity,
            deps.clock.now().toISOString(),
          );
          await deps.messenger.notify(
            message,
            (deps.renderEscalation ?? renderEscalation)(content),
            escalation,
          );
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
        await renew();
        await deps.store.alerts.markPostAttempt(alertId, deps.owner, deps.clock.now().toISOString());
        message = await deps.messenger.post(alert.channel, rendered, alertId);
      }
      notifiedSeverity = content.severity;
    }
    await deps.store.alerts.markRendered(alertId, deps.owner, {
      rev: alert.rev,
      message,
      changeCount: content.lines.length,
      headline: rendered.text,
      notifiedSeverity,
    });
  }
}
