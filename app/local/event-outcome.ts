/**
 * What `POST /events` on the local stack answers: what became of the event, read back from the store after the
 * real events handler ran (the handler itself only answers SQS's `batchItemFailures`, which says nothing to a
 * person trying a rule with curl).
 */
import type { SQSBatchResponse } from 'aws-lambda';
import { describeChange } from '../../src/changes/describe';
import { InvalidEventError } from '../../src/events/cloudtrail';
import type { Store } from '../../src/store/ports';
import type { WatchCatalog } from '../../src/watches/types';

export type ChannelResult =
  | { channel: string; result: 'posted' | 'grouped'; alertId: string; changes: number; ts?: string }
  | { channel: string; result: 'muted'; mute: string };

export interface EventOutcome {
  eventId?: string;
  result:
    | 'posted'
    | 'grouped'
    | 'muted'
    | 'delivered'
    | 'duplicate'
    | 'not-watched'
    | 'unrouted'
    | 'rejected'
    | 'failed';
  /** One sentence for a person. */
  summary: string;
  reason?: string;
  channels?: ChannelResult[];
}

export interface EventOutcomeDeps {
  store: Store;
  catalog: WatchCatalog;
  /** The real events handler, given one SQS message body. */
  process(body: string): Promise<SQSBatchResponse | undefined>;
}

async function channelResults(store: Store, eventId: string): Promise<ChannelResult[]> {
  const results: ChannelResult[] = [];
  for (const delivery of await store.deliveries.allOf(eventId)) {
    if (delivery.kind === 'muted') {
      results.push({ channel: delivery.channel, result: 'muted', mute: delivery.mute });
      continue;
    }
    const [alert, lines] = await Promise.all([
      store.alerts.get(delivery.alertId),
      store.alerts.lines(delivery.alertId),
    ]);
    results.push({
      channel: delivery.channel,
      result: lines.length > 1 ? 'grouped' : 'posted',
      alertId: delivery.alertId,
      changes: lines.length,
      ...(alert?.message ? { ts: alert.message.ts } : {}),
    });
  }
  return results;
}

function sentence(result: ChannelResult): string {
  if (result.result === 'muted') return `muted in ${result.channel} (${result.mute})`;
  if (result.result === 'posted') return `posted in ${result.channel}`;
  return `added to an alert of ${result.changes} changes in ${result.channel}`;
}

/** Runs one event through the events handler and says what happened to it: HTTP status and body. */
export async function ingestEvent(
  event: unknown,
  deps: EventOutcomeDeps,
): Promise<{ status: number; body: EventOutcome }> {
  const body = JSON.stringify(event);
  let change: ReturnType<typeof describeChange> | undefined;
  let reason: string | undefined;
  try {
    change = describeChange(event, deps.catalog);
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    reason = error.message;
  }
  const existed = change === undefined ? false : (await deps.store.changes.get(change.id)) !== undefined;
  const response = await deps.process(body);

  if (change === undefined) {
    return {
      status: 422,
      body: {
        result: 'rejected',
        reason: reason ?? 'not a change',
        summary: `Rejected (stored with the reason): ${reason}`,
      },
    };
  }
  const eventId = change.id;
  if ((response?.batchItemFailures.length ?? 0) > 0) {
    return {
      status: 503,
      body: {
        eventId,
        result: 'failed',
        summary: 'Not finished: deployed, SQS would retry it. The log says why.',
      },
    };
  }
  if (existed) {
    return {
      status: 200,
      body: { eventId, result: 'duplicate', summary: 'Already received: nothing was posted again.' },
    };
  }
  if (change.watches.length === 0) {
    return {
      status: 200,
      body: { eventId, result: 'not-watched', summary: 'Stored; no watch matches it, so no alert.' },
    };
  }
  const channels = await channelResults(deps.store, eventId);
  if (channels.length === 0) {
    return {
      status: 200,
      body: {
        eventId,
        result: 'unrouted',
        summary: `Stored; no channel is subscribed to ${change.watches.join(', ')}.`,
        channels,
      },
    };
  }
  const kinds = new Set(channels.map((c) => c.result));
  const [only] = kinds;
  return {
    status: 200,
    body: {
      eventId,
      result: kinds.size === 1 && only !== undefined ? only : 'delivered',
      summary: `${channels.map(sentence).join('; ')}.`.replace(/^./, (c) => c.toUpperCase()),
      channels,
    },
  };
}
