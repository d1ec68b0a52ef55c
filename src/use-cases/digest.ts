import type { OpenAlert, Store } from '../store/ports';
import type { Clock } from './ports';

/** The digest looks back this far: older open alerts are still open, but a digest is about the week. */
export const DIGEST_WINDOW_MS = 7 * 24 * 3600_000;

export interface DigestData {
  channel: string;
  since: string;
  now: string;
  /** Unacknowledged alerts created in the window, oldest first. */
  alerts: OpenAlert[];
  mutedCount: number;
}

/**
 * What nobody acknowledged in a channel: one Query on the sparse open-alerts index (cost grows with the number
 * of open alerts, not with the table) plus a COUNT of muted changes.
 */
export async function collectDigest(
  deps: { store: Store; clock: Clock },
  channel: string,
  windowMs = DIGEST_WINDOW_MS,
): Promise<DigestData> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - windowMs).toISOString();
  const [alerts, mutedCount] = await Promise.all([
    deps.store.alerts.listOpen(channel, since),
    deps.store.deliveries.countMuted(channel, since),
  ]);
  return { channel, since, now: now.toISOString(), alerts, mutedCount };
}

/** Every channel with at least one subscription: the channels a scheduled digest visits. */
export async function digestChannels(deps: { store: Store; clock: Clock }): Promise<string[]> {
  const config = await deps.store.config.load(deps.clock.now().toISOString());
  return [...new Set(config.subscriptions.map((s) => s.channel))].sort();
}
