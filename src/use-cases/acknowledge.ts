import { burstKeyOf } from '../changes/burst';
import type { Acknowledgement } from '../model/alert';
import type { AlertRecord } from '../store/ports';
import { isAlertId } from './channel-alert';
import { stopEscalation } from './escalation-steps';
import type { AlertDeps, AlertMessenger } from './ports';
import { syncOrMarkDue } from './sync-alert';

/** Where InfraWatch announces what happened (EventBridge when deployed). */
export interface EventPublisher {
  publish(detailType: string, detail: Record<string, unknown>): Promise<void>;
}

/** EventBridge `detail-type` of the event published for every acknowledgement (`source: "infrawatch"`). */
export const ACKNOWLEDGED_DETAIL_TYPE = 'InfraWatch Change Acknowledged';

/** The `detail` of an acknowledgement event: documented in the README, stable for downstream consumers. */
export interface AcknowledgedEventDetail {
  alertId: string;
  channel: string;
  /** The CloudTrail eventIDs the acknowledgement covers (every change in the alert). */
  eventIds: string[];
  account: string;
  watch: string | null;
  severity: string;
  acknowledgedBy: { userId: string; userName: string };
  /** ISO-8601. */
  acknowledgedAt: string;
  note: string | null;
  /** The Slack message, when it was posted. */
  message: { channel: string; ts: string } | null;
}

/** Something an acknowledgement could not do after it was recorded: said to the clicker, logged with the error. */
export interface AcknowledgeProblem {
  /** In words, for the clicker: "the Slack message could not be updated". */
  what: string;
  error: unknown;
}

/**
 * How long a click waits for another worker's render before leaving it to that worker: Slack wants an
 * answer within 3 s, and the Lambda receiver answers only when the listener is done.
 */
export const INTERACTIVE_WAIT_MS = 1_000;

export interface InteractionDeps extends AlertDeps {
  events: EventPublisher;
}

export type AcknowledgeOutcome =
  | {
      status: 'acknowledged';
      alert: AlertRecord;
      eventIds: string[];
      /** What could not be done after the acknowledgement was recorded (it stands regardless). */
      problems: AcknowledgeProblem[];
    }
  | { status: 'already-acknowledged'; acknowledgement: Acknowledgement }
  /** The message did not show the latest changes yet; a render was started and nothing was acknowledged. */
  | { status: 'changed' }
  | { status: 'not-found' };

/**
 * The messenger a render uses, and `updated`: settled once the render's first Slack update (or post) has
 * been answered, or when `done()` is called (the render ended without one, or failed).
 */
function afterSlackUpdate(messenger: AlertMessenger): {
  messenger: AlertMessenger;
  updated: Promise<void>;
  done: () => void;
} {
  let done = () => {};
  const updated = new Promise<void>((resolve) => {
    done = resolve;
  });
  const settling = <T>(call: Promise<T>) => call.finally(done);
  return {
    messenger: {
      post: (...args) => settling(messenger.post(...args)),
      update: (...args) => settling(messenger.update(...args)),
      notify: (...args) => messenger.notify(...args),
      findPosted: (...args) => messenger.findPosted(...args),
      findNotified: (...args) => messenger.findNotified(...args),
    },
    updated,
    done,
  };
}

/**
 * Records an acknowledgement (first click wins, by a conditional write), ends the alert's burst so later
 * changes start a new message, updates the message for everyone and publishes the acknowledgement event.
 * The Slack update and the event are attempted even if the other fails; failures are returned, not thrown,
 * because the acknowledgement itself is already recorded.
 *
 * A person waits for this (Slack's 3-second budget, and the message should change at once), so it is shaped
 * by round trips: the acknowledgement's one conditional write answers every refusal by itself (already
 * acknowledged, another channel's alert, changes not shown yet) and returns what the event needs; everything
 * after it runs side by side, the render reading the alert's lines beside taking its lease.
 */
export async function acknowledgeAlert(
  deps: InteractionDeps,
  input: {
    alertId: string;
    userId: string;
    userName: string;
    note?: string;
    /** The channel the click came from: only an alert of that channel is acknowledged (see alertOfChannel). */
    channel?: string;
    /**
     * The alert's revision the clicked message showed (its button carries it): only that revision is
     * acknowledged, `changed` otherwise. Absent from buttons rendered before they carried it: those clicks are
     * held to the message showing the latest revision, as before.
     */
    shownRev?: number;
  },
): Promise<AcknowledgeOutcome> {
  if (!isAlertId(input.alertId)) return { status: 'not-found' };
  const acknowledgement: Acknowledgement = {
    userId: input.userId,
    userName: input.userName,
    at: deps.clock.now().toISOString(),
    ...(input.note ? { note: input.note } : {}),
  };
  const result = await deps.store.alerts.acknowledge(input.alertId, acknowledgement, {
    ...(input.channel === undefined ? {} : { channel: input.channel }),
    ...(input.shownRev === undefined ? {} : { shownRev: input.shownRev }),
  });
  if (result.status === 'changed') {
    // Bring the message up to date so the next click acknowledges what it shows; the current holder of the
    // render lease (an events worker) may be doing it already. Losing this error is safe: syncOrMarkDue
    // marked the alert render-due before throwing, so the repair pass (every events invocation and the
    // digest) renders it and logs its own failures; and since nothing was acknowledged, the clicker is told
    // to look again, and their next click tries again.
    const { alert } = result;
    await syncOrMarkDue(deps, alert.id, alert.rev, { waitMs: INTERACTIVE_WAIT_MS, eager: true }).catch(
      () => undefined,
    );
    return { status: 'changed' };
  }
  if (result.status !== 'acknowledged') return result;

  const { alert } = result;
  const eventIds = [...result.lineIds].sort();
  const detail: AcknowledgedEventDetail = {
    alertId: alert.id,
    channel: alert.channel,
    eventIds,
    account: alert.account,
    watch: alert.watch,
    severity: alert.severity,
    acknowledgedBy: { userId: input.userId, userName: input.userName },
    acknowledgedAt: acknowledgement.at,
    note: input.note ?? null,
    message: alert.message ?? null,
  };
  // What the clicker waits for is the message turning acknowledged: the render (lease, lines, chat.update)
  // runs first and alone, and what nobody looks at (the event, the burst, escalation) starts once Slack has
  // the update, beside the render's own last write. The click still awaits all of it before it answers, so on
  // Lambda nothing is left running after the response (at-least-once holds as before).
  const slack = afterSlackUpdate(deps.messenger);
  const rendering = syncOrMarkDue({ ...deps, messenger: slack.messenger }, alert.id, alert.rev, {
    waitMs: INTERACTIVE_WAIT_MS,
    eager: true,
    known: { alert, lineIds: result.lineIds },
  }).finally(slack.done);
  const [render, publish, burst] = await Promise.allSettled([
    // A message that cannot be updated now is marked render-due and repaired later: the store says
    // acknowledged, and the buttons must not stay.
    rendering,
    slack.updated.then(() => deps.events.publish(ACKNOWLEDGED_DETAIL_TYPE, { ...detail })),
    // Later changes of the actor start a new message. Should this fail, the next change still does: an
    // acknowledged alert refuses new lines, which then go to a new alert.
    slack.updated.then(() => deps.store.bursts.close(alert.channel, burstKeyOf(alert), alert.id)),
    // Pending escalation steps can no longer be claimed (a claim requires no acknowledgement); this removes
    // their due entry early. Should it fail, the sweep finds the alert acknowledged and removes it then. An
    // alert the acknowledgement found without steps never gets any (scheduling requires no acknowledgement).
    alert.escalation ? slack.updated.then(() => stopEscalation(deps, alert.id)) : Promise.resolve(),
  ]);
  const problems: AcknowledgeProblem[] = [
    ...(render.status === 'rejected'
      ? [{ what: 'the Slack message could not be updated yet', error: render.reason }]
      : []),
    ...(publish.status === 'rejected'
      ? [{ what: 'the acknowledgement event could not be published', error: publish.reason }]
      : []),
    ...(burst.status === 'rejected'
      ? [
          {
            what: 'the burst could not be closed (its next change starts a new message all the same)',
            error: burst.reason,
          },
        ]
      : []),
  ];
  return { status: 'acknowledged', alert, eventIds, problems };
}
