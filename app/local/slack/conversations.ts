/**
 * conversations.history and conversations.replies: how InfraWatch finds a message again after a lost answer
 * (message metadata), a page of `limit` at a time with Slack's cursors.
 */
import {
  type Args,
  type Body,
  type MethodHandler,
  optionalString,
  requiredString,
  SlackMethodError,
} from './args';
import { responseMessage } from './chat';
import type { StandinState } from './state';
import type { StandinMessage } from './types';

/** One page of `messages` (already in answer order), metadata only with `include_all_metadata`, as Slack does. */
function pageOf(messages: readonly StandinMessage[], args: Args): Body {
  const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
  const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
  const page = messages.slice(0, limit).map((m) => {
    const { metadata, ...rest } = responseMessage(m);
    return withMetadata && metadata !== undefined ? { ...rest, metadata } : rest;
  });
  const last = messages[page.length - 1];
  const hasMore = messages.length > limit && last !== undefined;
  return {
    messages: page,
    has_more: hasMore,
    pin_count: 0,
    // Slack's cursors are opaque; this one is base64 of "next_ts:<ts>", the edge of the next page.
    ...(hasMore
      ? { response_metadata: { next_cursor: Buffer.from(`next_ts:${last.ts}`).toString('base64') } }
      : {}),
  };
}

/** The ts a cursor from {@link pageOf} points at, or undefined (no cursor). */
function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const match = /^next_ts:(\d+\.\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match) throw new SlackMethodError('invalid_cursor');
  return Number(match[1]);
}

export function conversationsMethods(state: StandinState): Record<string, MethodHandler> {
  return {
    /** Top-level messages, newest first, between `oldest` and `latest` (exclusive, like Slack's defaults). */
    'conversations.history': (args) => {
      const channel = state.channel(requiredString(args, 'channel'));
      const oldest = Number(optionalString(args, 'oldest') ?? '0');
      const cursor = decodeCursor(optionalString(args, 'cursor'));
      const latest = Math.min(Number(optionalString(args, 'latest') ?? 'Infinity'), cursor ?? Infinity);
      const found = state
        .messages(channel.id)
        .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)
        .filter((m) => Number(m.ts) > oldest && Number(m.ts) < latest)
        .reverse();
      return pageOf(found, args);
    },

    /** A thread, oldest first: its parent, then its replies. */
    'conversations.replies': (args) => {
      const channel = state.channel(requiredString(args, 'channel'));
      const ts = requiredString(args, 'ts');
      const inThread = state.messages(channel.id).filter((m) => m.ts === ts || m.thread_ts === ts);
      if (inThread.length === 0) throw new SlackMethodError('thread_not_found');
      const after = decodeCursor(optionalString(args, 'cursor')) ?? -Infinity;
      return pageOf(
        inThread.filter((m) => Number(m.ts) > after),
        args,
      );
    },
  };
}
