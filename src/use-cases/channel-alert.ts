import type { AlertRecord, Store } from '../store/ports';

/** Alert ids are ours (hex); anything else in a button value is refused before it reaches the store. */
const ALERT_ID = /^[A-Za-z0-9_-]{1,128}$/;

export const isAlertId = (value: string): boolean => ALERT_ID.test(value);

/**
 * The alert a click refers to, only if it belongs to the channel the click came from: a member of one channel
 * must not act on another channel's alerts through a copied or forwarded button value. The investigate
 * button and the overflow menu ask this first; Acknowledge puts the same check into its conditional write
 * (`acknowledgeAlert` with `channel`), one read less on the click a person waits for.
 */
export async function alertOfChannel(
  deps: { store: Store },
  alertId: string,
  channel: string | undefined,
): Promise<AlertRecord | undefined> {
  if (!isAlertId(alertId) || channel === undefined) return undefined;
  const alert = await deps.store.alerts.get(alertId);
  return alert?.channel === channel ? alert : undefined;
}
