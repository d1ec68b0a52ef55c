import { ErrorCode, type WebClient } from '@slack/web-api';
import type { SlackMessageRef } from '../../src/store/ports';
import {
  type AlertMessenger,
  type Clock,
  type EscalationStepDelivery,
  type EscalationStepMessenger,
  MessageNotFoundError,
  type RenderedMessage,
} from '../../src/use-cases/ports';
import { AppError } from '../errors';
import { findInHistory, findInThread } from './history';

/** Slack's metadata event type on every alert message: how a lost post is found again. */
export const ALERT_METADATA_TYPE = 'infrawatch_alert';
/** The metadata event type of the broadcast reply announcing that an alert became more severe. */
export const ESCALATION_METADATA_TYPE = 'infrawatch_escalation';
/** The metadata event type of an escalation step (an alert nobody acknowledged in time). */
export const ESCALATION_STEP_METADATA_TYPE = 'infrawatch_escalation_step';

/** The metadata marking one escalation step: Slack's payload values are matched as strings. */
const stepMarker = (delivery: EscalationStepDelivery) => ({
  eventType: ESCALATION_STEP_METADATA_TYPE,
  payload: { alert_id: delivery.alertId, step: String(delivery.step) },
});

export class SlackRateLimitedError extends AppError {
  readonly code = 'SlackRateLimited';
  constructor(
    readonly method: string,
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(`Slack rate-limited ${method}; retry after ${retryAfterSeconds} s`, options);
  }
}

export interface AlertMessengerOptions {
  /** Slack allows about one message per second per channel; posts from this process are spaced this far apart. */
  postIntervalMs?: number;
  /** A 429 whose Retry-After fits in this budget is waited out; a longer one fails the call (and the record). */
  maxRetryAfterMs?: number;
  /** A post that would wait longer than this for its channel's slot fails (and is retried) instead. */
  maxPaceWaitMs?: number;
}

function isRateLimited(error: unknown): error is { retryAfter: number } {
  return (error as { code?: string }).code === ErrorCode.RateLimitedError;
}

/** A Slack API error (`{ ok: false, error }`) with this error string. */
export function isSlackError(error: unknown, slackError: string): boolean {
  const { code, data } = error as { code?: string; data?: { error?: string } };
  return code === ErrorCode.PlatformError && data?.error === slackError;
}

/** Slack errors meaning a channel cannot take a message from the app, whatever the retry. */
const UNREACHABLE_CHANNEL_ERRORS = [
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
];

function unreachableReason(error: unknown): string | undefined {
  return UNREACHABLE_CHANNEL_ERRORS.find((slackError) => isSlackError(error, slackError));
}

/** An escalation step for an unreachable channel, as said in the alert's thread instead. */
function withUnreachableNote(message: RenderedMessage, channel: string, reason: string): RenderedMessage {
  const note = `:warning: This escalation could not be posted in <#${channel}> (Slack said \`${reason}\`): invite the app there or change the target with \`/infrawatch escalate\`.`;
  return {
    text: `${note}\n${message.text}`,
    blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: note }] }, ...message.blocks],
  };
}

/**
 * The Slack adapter of the AlertMessenger port. Posts carry the alert id in message metadata; the channel's
 * history is searched for it when an earlier post's outcome is unknown.
 */
export function createAlertMessenger(
  clients: { general: WebClient; posting: WebClient },
  clock: Clock,
  options: AlertMessengerOptions = {},
): AlertMessenger & EscalationStepMessenger {
  const postIntervalMs = options.postIntervalMs ?? 1_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 3_000;
  const maxPaceWaitMs = options.maxPaceWaitMs ?? 10_000;
  const nextPostAt = new Map<string, number>();

  async function withRateLimit<T>(method: string, call: () => Promise<T>): Promise<T> {
    let waited = 0;
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if (!isRateLimited(error)) throw error;
        // At least a second per attempt: a Retry-After of 0 must not turn into a tight loop.
        const waitMs = Math.max(1, error.retryAfter) * 1000;
        if (waited + waitMs > maxRetryAfterMs)
          throw new SlackRateLimitedError(method, error.retryAfter, { cause: error });
        waited += waitMs;
        await clock.sleep(waitMs);
      }
    }
  }

  /**
   * Spaces posts per channel; the slot is reserved before waiting so concurrent posts queue up. A Lambda must
   * not sleep for minutes behind a long queue: past the budget the post fails and SQS retries it later.
   */
  async function pace(channel: string): Promise<void> {
    const now = clock.now().getTime();
    const slot = Math.max(now, nextPostAt.get(channel) ?? 0);
    if (slot - now > maxPaceWaitMs)
      throw new SlackRateLimitedError('chat.postMessage', Math.ceil((slot - now) / 1000));
    nextPostAt.set(channel, slot + postIntervalMs);
    if (slot > now) await clock.sleep(slot - now);
  }

  return {
    async post(channel, message: RenderedMessage, alertId) {
      await pace(channel);
      const response = await withRateLimit('chat.postMessage', () =>
        clients.posting.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          metadata: { event_type: ALERT_METADATA_TYPE, event_payload: { alert_id: alertId } },
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      if (!response.ts || !response.channel) throw new Error('chat.postMessage answered without channel/ts');
      return { channel: response.channel, ts: response.ts };
    },

    // A WebAPIRequestError is a call that got no answer (timeout, connection lost): Slack may still carry it
    // out. An HTTP error status, a Slack error or a 429 is an answer: whatever happened has happened.
    mayLandLater: (error) => (error as { code?: unknown }).code === ErrorCode.RequestError,

    async update(ref: SlackMessageRef, message: RenderedMessage) {
      try {
        await withRateLimit('chat.update', () =>
          clients.general.chat.update({
            channel: ref.channel,
            ts: ref.ts,
            text: message.text,
            blocks: message.blocks,
          }),
        );
      } catch (error) {
        if (isSlackError(error, 'message_not_found')) throw new MessageNotFoundError(ref, { cause: error });
        throw error;
      }
    },

    async notify(ref: SlackMessageRef, message: RenderedMessage, escalation) {
      await pace(ref.channel);
      await withRateLimit('chat.postMessage', () =>
        clients.posting.chat.postMessage({
          channel: ref.channel,
          thread_ts: ref.ts,
          reply_broadcast: true,
          text: message.text,
          blocks: message.blocks,
          metadata: {
            event_type: ESCALATION_METADATA_TYPE,
            event_payload: { alert_id: escalation.alertId, severity: escalation.severity },
          },
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
    },

    async findPosted(channel, alertId, attemptIso) {
      const ts = await findInHistory(
        clients.general,
        channel,
        attemptIso,
        { eventType: ALERT_METADATA_TYPE, payload: { alert_id: alertId } },
        withRateLimit,
      );
      return ts ? { channel, ts } : undefined;
    },

    async sendEscalationStep(delivery, message) {
      // A channel target gets a message of its own (linking to the alert); anyone else is mentioned in the
      // alert's thread, broadcast so the channel sees it too.
      const marker = stepMarker(delivery);
      const common = {
        metadata: { event_type: marker.eventType, event_payload: marker.payload },
        unfurl_links: false,
        unfurl_media: false,
      };
      const inThread = async (shown: RenderedMessage) => {
        await pace(delivery.alert.channel);
        await withRateLimit('chat.postMessage', () =>
          clients.posting.chat.postMessage({
            channel: delivery.alert.channel,
            thread_ts: delivery.alert.ts,
            reply_broadcast: true,
            text: shown.text,
            blocks: shown.blocks,
            ...common,
          }),
        );
      };
      if (delivery.target.kind !== 'channel') return inThread(message);
      const target = delivery.target.id;
      try {
        await pace(target);
        await withRateLimit('chat.postMessage', () =>
          clients.posting.chat.postMessage({
            channel: target,
            text: message.text,
            blocks: message.blocks,
            ...common,
          }),
        );
      } catch (error) {
        const reason = unreachableReason(error);
        if (!reason) throw error;
        // The configured channel cannot take the step (deleted, archived, the app not invited): the step is
        // not dropped but said in the alert's own thread, with why, so the channel sees that its escalation
        // target is broken.
        await inThread(withUnreachableNote(message, target, reason));
      }
    },

    async findEscalationStep(delivery, attemptIso) {
      const marker = stepMarker(delivery);
      const inThread = () =>
        findInThread(clients.general, delivery.alert.channel, delivery.alert.ts, marker, withRateLimit);
      if (delivery.target.kind !== 'channel') return (await inThread()) !== undefined;
      const target = delivery.target.id;
      const inTarget = await findInHistory(clients.general, target, attemptIso, marker, withRateLimit).catch(
        (error: unknown) => {
          if (unreachableReason(error)) return undefined;
          throw error;
        },
      );
      // An earlier attempt may have fallen back to the alert's thread (see sendEscalationStep).
      return inTarget !== undefined || (await inThread()) !== undefined;
    },

    async permalink(ref) {
      try {
        const response = await withRateLimit('chat.getPermalink', () =>
          clients.general.chat.getPermalink({ channel: ref.channel, message_ts: ref.ts }),
        );
        return response.permalink;
      } catch (error) {
        if (isSlackError(error, 'message_not_found') || isSlackError(error, 'channel_not_found'))
          return undefined;
        throw error;
      }
    },

    async findNotified(ref, escalation) {
      const ts = await findInThread(
        clients.general,
        ref.channel,
        ref.ts,
        {
          eventType: ESCALATION_METADATA_TYPE,
          payload: { alert_id: escalation.alertId, severity: escalation.severity },
        },
        withRateLimit,
      );
      return ts !== undefined;
    },
  };
}
