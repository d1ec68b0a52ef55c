import type { AlertRecord, Store } from '../store/ports';

/** Alert ids are ours (hex); anything else in a button value is refused before it reaches the store. */
const ALERT_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The alert a click refers to, only if it belongs to the channel the click came from: a member of one channel
 * must not act on another channel's alerts through a copied or forwarded button value. Every alert button
 * (acknowledge, investigate, the overflow menu) asks this first.
 */
export async function alertOfChannel(
  deps: { store: Store },
  alertId: string,
  channel: string | undefined,
): Promise<AlertRecord | undefined> {
  if (!ALERT_ID.test(alertId) || channel === undefined) return undefined;
  const alert = await deps.store.alerts.get(alertId);
  return alert?.channel === channel ? alert : undefined;
}
