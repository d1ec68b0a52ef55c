import type { WebClient } from '@slack/web-api';
import type { Store } from '../../src/store/ports';
import type { Clock } from '../../src/use-cases/ports';
import { type ClosedDigestInput, renderDigestClosed } from '../../src/views';
import type { LogPort } from '../events/process-events';
import { isSlackError } from '../slack/alert-messenger';

export interface CloseDigestDeps {
  store: Store;
  clock: Clock;
  slack: WebClient;
}

/**
 * Updates a digest message to say everything it listed is acknowledged (no button left), then records that,
 * in this order: an update whose answer is lost is simply done again (`chat.update` is idempotent), and a record
 * left open makes the next digest run try again.
 */
export async function closeDigestMessage(
  deps: CloseDigestDeps,
  channel: string,
  digest: { ts: string; runKey?: string } & Omit<ClosedDigestInput, 'closedBy'>,
  closedBy?: ClosedDigestInput['closedBy'],
): Promise<void> {
  const rendered = renderDigestClosed({
    since: digest.since,
    until: digest.until,
    ...(closedBy ? { closedBy } : {}),
  });
  await deps.slack.chat.update({ channel, ts: digest.ts, text: rendered.text, blocks: rendered.blocks });
  const runKey =
    digest.runKey ?? (await deps.store.digests.withButton(channel)).find((d) => d.ts === digest.ts)?.runKey;
  if (runKey !== undefined) await deps.store.digests.close(channel, runKey, deps.clock.now().toISOString());
}

/**
 * The channel's earlier digests whose listed alerts were all acknowledged since (one by one, on their own
 * messages) lose their "Acknowledge all listed" button. One Query of the channel's open alerts covers every
 * window. A digest that cannot be updated stays recorded for the next run, except a deleted one.
 * @returns how many digests were updated.
 */
export async function closeAcknowledgedDigests(
  deps: CloseDigestDeps & { log: LogPort },
  channel: string,
): Promise<number> {
  const digests = await deps.store.digests.withButton(channel);
  if (digests.length === 0) return 0;
  // ISO-8601 UTC strings sort as times.
  const oldest = digests.map((d) => d.since).sort()[0] ?? '';
  const open = await deps.store.alerts.listOpen(channel, oldest);
  const done = digests.filter((d) => !open.some((a) => a.createdAt >= d.since && a.createdAt <= d.until));
  let closed = 0;
  for (const digest of done) {
    try {
      await closeDigestMessage(deps, channel, digest);
      closed += 1;
    } catch (error) {
      if (isSlackError(error, 'message_not_found')) {
        // Deleted in Slack: no button is left to show, so nothing is left to repair.
        await deps.store.digests.close(channel, digest.runKey, deps.clock.now().toISOString());
      } else {
        deps.log.warn('An earlier digest still shows its button; the next digest run retries', {
          channel,
          runKey: digest.runKey,
          error,
        });
      }
    }
  }
  return closed;
}
