import type { AlertRecord } from '../store/ports';
import type { AlertDeps } from './ports';
import { AlertNotFoundError, syncOrMarkDue } from './sync-alert';

/*
 * Coalescing an alert's Slack renders across invocations. Twenty actors' interleaved bursts touch twenty
 * alerts in every SQS batch: one chat.update per alert per batch is 1,000 calls for 1,000 changes, far beyond
 * Slack's pace for chat.update (Tier 3, ~50 a minute). Instead, a render opens a short window on its alert; a
 * change joining the alert while the window is open does not call Slack but makes sure one finisher, delayed
 * until the window closes, renders the alert's latest revision, which carries every line that arrived
 * meanwhile. The first render of an alert (its post) is never deferred. A finisher opens the next window
 * before it renders, twice as long as the last (RENDER_WINDOWS_MS): an alert that keeps changing is updated
 * every few seconds, one that went quiet is rendered at once again.
 *
 * Guarantees under at-least-once delivery:
 * - Every change is shown: a change's record succeeds only after its line is committed and either rendered
 *   or covered by a finisher that is in the queue. The finisher is sent before it is marked (a crash between
 *   the two sends a second finisher, never none), and it clears its mark before it reads the alert, so a
 *   change that saw the mark was appended before the finisher's read.
 * - No lost update and no double post: the finisher renders through syncAlertMessage (the render lease, the
 *   revision check, the post-attempt search), so a redelivered or duplicate finisher renders nothing twice.
 * - Never behind for long: at most the longest window plus the queue's delivery time. A finisher that
 *   fails is retried by its queue and leaves a render-due mark for the every-minute sweep. One that never
 *   runs at all (dead-lettered after failed deliveries, a queue that lost it) is covered too: scheduling it
 *   also leaves a render-due mark that repairs take only RENDER_REPAIR_AFTER_MS after its window closes, and
 *   the finisher clears it once it rendered; so coalescing is untouched, and a lost finisher delays the
 *   message by that much, not until someone looks.
 */

/**
 * How long the alert's next changes wait for one finisher instead of calling Slack: after a render, then
 * after each finisher in a row (the last value repeats). SQS delays by whole seconds.
 */
export const RENDER_WINDOWS_MS = [2_000, 4_000, 6_000] as const;

/**
 * How long after its window closed a finisher that never reported back is given up on: its alert's
 * render-due mark becomes due, and the next repair (the every-minute sweep, any events invocation) renders
 * it. Longer than the renders queue takes to deliver a delayed message and the finisher to render.
 */
export const RENDER_REPAIR_AFTER_MS = 60_000;

/** The length of the window after `streak` finishers in a row. */
export function windowMsOf(streak: number, windows: readonly number[] = RENDER_WINDOWS_MS): number {
  return windows[Math.min(streak, windows.length - 1)] ?? RENDER_WINDOWS_MS[0];
}

/** Asks for the alert's render after a delay (app: an SQS message with DelaySeconds; locally, a timer). */
export interface RenderFinisher {
  schedule(request: RenderRequest, delayMs: number): Promise<void>;
}

/** What a finisher carries: the alert, a revision to reach at least, and the window it finishes. */
export interface RenderRequest {
  alertId: string;
  rev: number;
  windowUntil: string;
  /** The finished window's streak (see RenderWindow): the next one is longer. */
  streak: number;
}

export interface CoalesceDeps extends Pick<AlertDeps, 'store' | 'clock'> {
  finisher: RenderFinisher;
  /** Default RENDER_WINDOWS_MS. */
  windowsMs?: readonly number[];
  /** Default RENDER_REPAIR_AFTER_MS. */
  repairAfterMs?: number;
}

/**
 * Decides who renders revision `rev` of an alert a change just joined: `now` (the caller; this opened the
 * alert's window) or `later` (a finisher is in the queue for the open window, scheduled by this call or an
 * earlier one that has not started yet).
 */
export async function renderNowOrLater(
  deps: CoalesceDeps,
  alertId: string,
  rev: number,
): Promise<'now' | 'later'> {
  const now = deps.clock.now();
  const open = await deps.store.renderWindows.open(
    alertId,
    now.toISOString(),
    new Date(now.getTime() + windowMsOf(0, deps.windowsMs)).toISOString(),
  );
  if (!open) return 'now';
  if (open.finisherFor === open.until) return 'later';
  const repairFrom = Date.parse(open.until) + (deps.repairAfterMs ?? RENDER_REPAIR_AFTER_MS);
  await Promise.all([
    deps.finisher.schedule(
      { alertId, rev, windowUntil: open.until, streak: open.streak },
      Date.parse(open.until) - now.getTime(),
    ),
    // The safety net, beside the message: it is harmless whether or not the finisher was sent.
    deps.store.renders.markDue(alertId, rev, now.toISOString(), {
      notBefore: new Date(repairFrom).toISOString(),
    }),
  ]);
  await deps.store.renderWindows.markFinisher(alertId, open.until);
  return 'later';
}

/**
 * The finisher: renders the alert's latest revision (at least `request.rev`), then runs `afterRender` on it
 * (record-changes' afterRender: escalation clock, "was this you?"). @throws when the render failed (the queue
 * retries it; a render-due mark is left for the sweep). An alert that no longer exists needs nothing.
 */
export async function finishRender(
  deps: AlertDeps & { renderWindowsMs?: readonly number[] },
  request: RenderRequest,
  afterRender: (alert: AlertRecord) => Promise<void>,
): Promise<void> {
  const streak = request.streak + 1;
  const until = deps.clock.now().getTime() + windowMsOf(streak, deps.renderWindowsMs);
  await deps.store.renderWindows.continueWindow(
    request.alertId,
    request.windowUntil,
    new Date(until).toISOString(),
    streak,
  );
  let alert: AlertRecord;
  try {
    alert = await syncOrMarkDue(deps, request.alertId, request.rev);
  } catch (error) {
    if (error instanceof AlertNotFoundError) {
      await deps.store.renders.clearDue(request.alertId, request.rev);
      return;
    }
    throw error;
  }
  // The safety net its scheduler left is not needed: cleared unless a later revision asks for it again.
  await Promise.all([deps.store.renders.clearDue(request.alertId, alert.renderedRev), afterRender(alert)]);
}
