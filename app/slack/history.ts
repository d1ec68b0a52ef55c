import type { WebClient } from '@slack/web-api';
import { AppError } from '../errors';

/**
 * Finding a message InfraWatch sent, by its metadata, after the answer to the send was lost (a timeout, a
 * 5xx after Slack posted, a crash between the send and the write that records it). Every send carries
 * metadata naming what it is for, so the search is exact; it pages through Slack's whole answer, because a
 * busy channel easily has more than one page of messages since the send was attempted.
 */

/** Slack's largest page for conversations.history / conversations.replies. */
const PAGE_SIZE = 200;
/**
 * A search that would need more pages than this gives up with an error (the record is retried later, and
 * nothing is sent twice) instead of holding the invocation: 10,000 messages since one attempt is not a
 * channel anybody reads.
 */
const MAX_PAGES = 50;
/**
 * How far before the recorded attempt the history is searched: Slack stamps a message with its own clock,
 * which may be a little behind ours. The search pages through everything since, so the margin costs a few
 * messages, never a miss.
 */
const CLOCK_SKEW_MARGIN_MS = 10_000;

export interface MetadataQuery {
  eventType: string;
  /** Every entry must equal the payload's field of the same name. */
  payload: Readonly<Record<string, string>>;
}

export class MessageSearchTooLongError extends AppError {
  readonly code = 'MessageSearchTooLong';
  constructor(method: string, channel: string) {
    super(`${method} in ${channel}: more than ${MAX_PAGES * PAGE_SIZE} messages to search; retry later`);
  }
}

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: unknown };
}

function matches(message: HistoryMessage, query: MetadataQuery): boolean {
  if (message.metadata?.event_type !== query.eventType) return false;
  const payload = (message.metadata.event_payload ?? {}) as Record<string, unknown>;
  return Object.entries(query.payload).every(([name, value]) => payload[name] === value);
}

type Page = {
  messages?: HistoryMessage[];
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
};

async function search(
  method: string,
  channel: string,
  query: MetadataQuery,
  fetchPage: (cursor: string | undefined) => Promise<Page>,
): Promise<string | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await fetchPage(cursor);
    const found = (response.messages ?? []).find((m) => matches(m, query));
    if (found?.ts) return found.ts;
    cursor = response.response_metadata?.next_cursor || undefined;
    if (!response.has_more || !cursor) return undefined;
  }
  throw new MessageSearchTooLongError(method, channel);
}

/**
 * The ts of the channel's top-level message with this metadata, sent since the first attempt to send it
 * (`attemptIso`, recorded before that attempt), if there is one. `call` wraps each request (rate limits).
 */
export function findInHistory(
  client: WebClient,
  channel: string,
  attemptIso: string,
  query: MetadataQuery,
  call: <T>(method: string, request: () => Promise<T>) => Promise<T> = (_method, request) => request(),
): Promise<string | undefined> {
  const oldest = ((Date.parse(attemptIso) - CLOCK_SKEW_MARGIN_MS) / 1000).toFixed(6);
  return search('conversations.history', channel, query, (cursor) =>
    call('conversations.history', () =>
      client.conversations.history({
        channel,
        oldest,
        include_all_metadata: true,
        limit: PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      }),
    ),
  );
}

/** The ts of the reply with this metadata in the thread of `threadTs`, if there is one. */
export function findInThread(
  client: WebClient,
  channel: string,
  threadTs: string,
  query: MetadataQuery,
  call: <T>(method: string, request: () => Promise<T>) => Promise<T> = (_method, request) => request(),
): Promise<string | undefined> {
  return search('conversations.replies', channel, query, (cursor) =>
    call('conversations.replies', () =>
      client.conversations.replies({
        channel,
        ts: threadTs,
        include_all_metadata: true,
        limit: PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      }),
    ),
  );
}
