/** chat.postMessage, chat.update, chat.postEphemeral and chat.getPermalink, checked the way Slack checks them. */
import {
  type Args,
  type Body,
  type MethodHandler,
  optionalString,
  RateLimitedError,
  requiredString,
  SlackMethodError,
} from './args';
import { formatIssue, validateMessageBlocks } from './block-kit';
import type { ChannelRateLimiter } from './rate-limit';
import type { StandinState } from './state';
import type { StandinBlock, StandinMessage } from './types';

/** Longest message text chat.* accept; longer answers `msg_too_long`. */
const MAX_TEXT_LENGTH = 40_000;

/** A message as chat.* and conversations.* answer it: without the channel field the stand-in keeps. */
export function responseMessage(message: StandinMessage): Body {
  const { channel: _channel, ...rest } = message;
  return structuredClone(rest);
}

/** text and blocks of a chat.* call; chat.update keeps the blocks it leaves out, and an empty array removes them. */
function messageContent(args: Args, previous?: StandinMessage): { text: string; blocks?: StandinBlock[] } {
  const text = optionalString(args, 'text') ?? '';
  let blocks = args.blocks === undefined ? previous?.blocks : args.blocks;
  if (blocks !== undefined && !Array.isArray(blocks)) throw new SlackMethodError('invalid_blocks_format');
  if (blocks?.length === 0) blocks = undefined;
  if (!text && !blocks) throw new SlackMethodError('no_text');
  if (text.length > MAX_TEXT_LENGTH) throw new SlackMethodError('msg_too_long');
  if (blocks && args.blocks !== undefined) {
    const issues = validateMessageBlocks(blocks).map(formatIssue);
    if (issues.length > 0) {
      throw new SlackMethodError('invalid_blocks', {
        errors: issues,
        response_metadata: { messages: issues.map((issue) => `[ERROR] ${issue}`) },
      });
    }
  }
  return { text, ...(blocks ? { blocks: structuredClone(blocks) as StandinBlock[] } : {}) };
}

/** The chat.* methods; posts are limited per channel by `limiter` (none: unlimited). */
export function chatMethods(
  state: StandinState,
  limiter: ChannelRateLimiter | undefined,
): Record<string, MethodHandler> {
  const { identity } = state;
  const authorship = {
    user: identity.botUserId,
    bot_id: identity.botId,
    app_id: identity.appId,
    team: identity.teamId,
  };
  return {
    'chat.postMessage': (args) => {
      const channel = state.channel(requiredString(args, 'channel'));
      const retryAfter = limiter?.retryAfterSeconds(channel.id) ?? 0;
      if (retryAfter > 0) throw new RateLimitedError(retryAfter);
      const content = messageContent(args);
      const threadTs = optionalString(args, 'thread_ts');
      // Form posts carry booleans as strings.
      const broadcast = threadTs !== undefined && String(args.reply_broadcast) === 'true';
      const message: StandinMessage = {
        ...authorship,
        type: 'message',
        channel: channel.id,
        ts: state.nextTs(),
        ...content,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(broadcast ? { subtype: 'thread_broadcast' as const } : {}),
        ...(args.metadata !== undefined ? { metadata: args.metadata } : {}),
      };
      state.put(message);
      const parent = threadTs ? state.message(channel.id, threadTs) : undefined;
      if (parent) state.put({ ...parent, thread_ts: parent.ts, reply_count: (parent.reply_count ?? 0) + 1 });
      limiter?.take(channel.id);
      return { channel: channel.id, ts: message.ts, message: responseMessage(message) };
    },

    'chat.update': (args) => {
      const channel = state.channel(requiredString(args, 'channel'));
      const ts = requiredString(args, 'ts');
      const current = state.message(channel.id, ts);
      if (current === undefined) throw new SlackMethodError('message_not_found');
      const { blocks: _blocks, ...unchanged } = current;
      const next: StandinMessage = {
        ...unchanged,
        ...messageContent(args, current),
        ...(args.metadata !== undefined ? { metadata: args.metadata } : {}),
        edited: { user: identity.botUserId, ts: state.nextTs() },
      };
      state.put(next);
      return { channel: channel.id, ts, text: next.text, message: responseMessage(next) };
    },

    'chat.postEphemeral': (args) => {
      const channel = state.channel(requiredString(args, 'channel'));
      const user = requiredString(args, 'user');
      if (!state.users.has(user)) throw new SlackMethodError('user_not_in_channel');
      const ephemeral = { channel: channel.id, user, message_ts: state.nextTs(), ...messageContent(args) };
      state.ephemerals.push(ephemeral);
      return { message_ts: ephemeral.message_ts };
    },

    'chat.getPermalink': (args) => {
      const channel = state.channel(requiredString(args, 'channel'));
      const ts = requiredString(args, 'message_ts');
      const message = state.message(channel.id, ts);
      if (!message) throw new SlackMethodError('message_not_found');
      const base = `https://${identity.teamDomain}.slack.com/archives/${channel.id}/p${ts.replace('.', '')}`;
      const isReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
      return {
        channel: channel.id,
        permalink: isReply ? `${base}?thread_ts=${message.thread_ts}&cid=${channel.id}` : base,
      };
    },
  };
}
