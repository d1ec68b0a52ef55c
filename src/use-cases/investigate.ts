import type { AlertContent, ChangeLine } from '../model/alert';
import type { AlertRecord } from '../store/ports';
import type { AlertDeps } from './ports';
import { loadAlertContent, syncOrMarkDue } from './sync-alert';

const RELATED_WINDOW_MS = 24 * 3600_000;
const MAX_RELATED = 50;

export interface Investigation {
  alert: AlertRecord;
  content: AlertContent;
  /** The lead change's raw EventBridge event. */
  raw: string;
  /** Other changes by the same actor in the last 24 h that this channel received (not in this alert), oldest first. */
  related: ChangeLine[];
}

/**
 * Marks the alert as being investigated by the user (unless it is already acknowledged) and gathers what the
 * Investigate modal shows. Reads by key and by the by-actor index only; no Scan. The caller opens the modal
 * first (Slack's trigger_id expires in 3 s) and updates the alert message afterwards.
 */
export async function investigateAlert(
  deps: Pick<AlertDeps, 'store' | 'clock'>,
  input: { alertId: string; userId: string; userName: string },
): Promise<Investigation | undefined> {
  const now = deps.clock.now();
  const alert = await deps.store.alerts.investigate(input.alertId, {
    userId: input.userId,
    userName: input.userName,
    at: now.toISOString(),
  });
  if (!alert) return undefined;
  const content = await loadAlertContent(deps, alert);
  const [stored, byActor] = await Promise.all([
    deps.store.changes.get(content.lead.id),
    deps.store.changes.byActor(
      alert.account,
      alert.actorKey,
      new Date(now.getTime() - RELATED_WINDOW_MS).toISOString(),
      now.toISOString(),
      MAX_RELATED + content.lines.length,
    ),
  ]);
  const own = new Set(content.lines.map((line) => line.id));
  const candidates = byActor.filter((line) => !own.has(line.id));
  // Only changes this channel was sent (or had muted): the actor's changes on watches the channel does not
  // subscribe to are other channels' business.
  const visible = await deps.store.deliveries.deliveredIn(
    alert.channel,
    candidates.map((line) => line.id),
  );
  const related = candidates.filter((line) => visible.has(line.id)).slice(-MAX_RELATED);
  return { alert, content, raw: stored?.raw ?? '', related };
}

/**
 * After the modal is open (Slack's trigger_id does not wait): the alert's message shows who is investigating,
 * unless the alert was acknowledged. A failed update marks the alert render-due for the repair pass and is
 * thrown (see {@link syncOrMarkDue}).
 */
export async function showInvestigation(deps: AlertDeps, investigation: Investigation): Promise<void> {
  if (!investigation.alert.acknowledgement)
    await syncOrMarkDue(deps, investigation.alert.id, investigation.alert.rev);
}
