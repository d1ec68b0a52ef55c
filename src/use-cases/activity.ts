import { dayOf, type PipelineRepository } from '../store/ports/pipeline';
import type { ActivityRecorder, RecordedChange } from './record-changes';

/**
 * A note of an account's activity is refreshed at most this often per container: the heartbeat asks about a
 * day of silence, so an hour of staleness never matters, and a burst of 1,000 changes costs one write instead
 * of 1,000.
 */
export const ACTIVITY_REFRESH_MS = 3_600_000;

/**
 * The watched pipeline's bookkeeping of recorded changes: each account's last-seen time (one item per account
 * and day, written when this container's note of it is older than {@link ACTIVITY_REFRESH_MS} or of another
 * day) and the hour's health counts for the digest footer (one write per batch that stored anything new).
 * Created once per container: its memory of what it noted is what makes it cheap.
 */
export function createActivityRecorder(pipeline: PipelineRepository): ActivityRecorder {
  const noted = new Map<string, number>();
  return {
    async recorded(changes: readonly RecordedChange[], nowIso: string) {
      const now = Date.parse(nowIso);
      const latest = new Map<string, number>();
      for (const { change } of changes) {
        // A clock ahead of ours must not make an account look active in the future.
        const at = Math.min(Date.parse(change.time), now);
        if (!Number.isFinite(at)) continue;
        latest.set(change.account, Math.max(latest.get(change.account) ?? 0, at));
      }
      // One after the other: a batch holds one or a few accounts, and a burst of parallel writes for a batch
      // that spans many would compete with the alerts' own requests for connections.
      for (const [account, at] of latest) {
        const last = noted.get(account);
        const fresh =
          last !== undefined &&
          last >= at - ACTIVITY_REFRESH_MS &&
          dayOf(new Date(last).toISOString()) === dayOf(new Date(at).toISOString());
        if (fresh) continue;
        await pipeline.noteActivity(account, new Date(at).toISOString());
        noted.set(account, Math.max(noted.get(account) ?? 0, at));
      }
      const recorded = changes.filter((c) => c.isNew).length;
      const recovered = changes.filter((c) => c.isNew && c.recovered).length;
      if (recorded > 0) await pipeline.addHealthCounts(nowIso, { recorded, recovered });
    },
  };
}
