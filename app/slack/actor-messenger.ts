import type { WebClient } from '@slack/web-api';
import type { SlackMessageRef } from '../../src/store/ports';
import {
  type ActorDirectory,
  type ActorQuestionMessenger,
  ActorUnreachableError,
} from '../../src/use-cases/actor-check';
import type { Clock } from '../../src/use-cases/ports';
import { isSlackError } from './alert-messenger';
import { findInHistory, findInThread } from './history';

/** Slack's metadata event type of a "Was this you?" DM: how a DM whose answer was lost is found again. */
export const ACTOR_QUESTION_METADATA_TYPE = 'infrawatch_actor_question';
/** The metadata event type of the channel reply of a "No". */
export const ACTOR_DENIED_METADATA_TYPE = 'infrawatch_actor_denied';

/** Slack errors that mean this user can never get a DM from the app: asking again would fail the same way. */
const UNREACHABLE = ['user_not_found', 'user_disabled', 'cannot_dm_bot', 'user_not_visible', 'missing_scope'];

const marker = (eventType: string, alertId: string) => ({ eventType, payload: { alert_id: alertId } });

/**
 * The Slack adapter of the question: DMs go to the channel conversations.open gives for the user (the same
 * one every time, so the search after a lost answer looks where the DM went); the "not theirs" reply goes in
 * the alert's thread, broadcast. Every send carries metadata naming the alert. `posting` never retries by
 * itself (a retried post after a timeout could post twice): the use case looks for a lost send first.
 */
export function createActorQuestionMessenger(clients: {
  general: WebClient;
  posting: WebClient;
}): ActorQuestionMessenger {
  async function dmChannel(userId: string): Promise<string> {
    try {
      const opened = await clients.general.conversations.open({ users: userId });
      const id = opened.channel?.id;
      if (!id) throw new Error('conversations.open answered without a channel');
      return id;
    } catch (error) {
      if (UNREACHABLE.some((code) => isSlackError(error, code)))
        throw new ActorUnreachableError(userId, { cause: error });
      throw error;
    }
  }

  return {
    async askActor(userId, message, alertId) {
      const channel = await dmChannel(userId);
      const response = await clients.posting.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        metadata: { event_type: ACTOR_QUESTION_METADATA_TYPE, event_payload: { alert_id: alertId } },
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!response.ts || !response.channel) throw new Error('chat.postMessage answered without channel/ts');
      return { channel: response.channel, ts: response.ts };
    },
    async findActorQuestion(userId, alertId, attemptIso) {
      const channel = await dmChannel(userId);
      const ts = await findInHistory(
        clients.general,
        channel,
        attemptIso,
        marker(ACTOR_QUESTION_METADATA_TYPE, alertId),
      );
      return ts ? { channel, ts } : undefined;
    },
    async sendActorDenied(alert: SlackMessageRef, message, alertId) {
      await clients.posting.chat.postMessage({
        channel: alert.channel,
        thread_ts: alert.ts,
        reply_broadcast: true,
        text: message.text,
        blocks: message.blocks,
        metadata: { event_type: ACTOR_DENIED_METADATA_TYPE, event_payload: { alert_id: alertId } },
        unfurl_links: false,
        unfurl_media: false,
      });
    },
    async findActorDenied(alert, alertId) {
      const ts = await findInThread(
        clients.general,
        alert.channel,
        alert.ts,
        marker(ACTOR_DENIED_METADATA_TYPE, alertId),
      );
      return ts !== undefined;
    },
  };
}

/** How long a lookup is trusted: people rarely change e-mail; a new colleague is found within the hour. */
const FOUND_TTL_MS = 60 * 60_000;
const NOT_FOUND_TTL_MS = 10 * 60_000;
const MAX_CACHED = 1_000;

/**
 * users.lookupByEmail (scope `users:read.email`), cached per container: a burst of changes by one person asks
 * Slack once, and Slack's Tier 4 limit stays far away. `users_not_found` means nobody is asked.
 */
export function createActorDirectory(client: WebClient, clock: Clock): ActorDirectory {
  const cache = new Map<string, { userId: string | undefined; until: number }>();
  return {
    async userIdByEmail(email) {
      const now = clock.now().getTime();
      const cached = cache.get(email);
      if (cached && cached.until > now) return cached.userId;
      let userId: string | undefined;
      try {
        userId = (await client.users.lookupByEmail({ email })).user?.id;
      } catch (error) {
        if (isSlackError(error, 'missing_scope')) throw new ActorUnreachableError(email, { cause: error });
        if (!isSlackError(error, 'users_not_found')) throw error;
      }
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
      cache.set(email, { userId, until: now + (userId ? FOUND_TTL_MS : NOT_FOUND_TTL_MS) });
      return userId;
    },
  };
}
