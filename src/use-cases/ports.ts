import type { KnownBlock } from '@slack/types';
import type { AlertContent } from '../changes/types';
import type { SlackMessageRef, Store } from '../store/ports';

/** A rendered Slack message: fallback text for notifications plus Block Kit blocks. */
export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
}

/**
 * The part of Slack the alert use cases need. The adapter (app/slack/alert-messenger.ts) paces posts per
 * channel, honours Retry-After within a small budget and otherwise throws, so the record is retried later.
 */
export interface AlertMessenger {
  /** Posts a new alert message carrying `alertId` in its metadata (so an uncertain post can be found again). */
  post(channel: string, message: RenderedMessage, alertId: string): Promise<SlackMessageRef>;
  update(ref: SlackMessageRef, message: RenderedMessage): Promise<void>;
  /** Replies in the message's thread, broadcast to the channel: a ping (updates notify nobody). */
  notify(ref: SlackMessageRef, message: RenderedMessage): Promise<void>;
  /** The message posted for `alertId` since `sinceIso`, if Slack has one (recovers a post whose answer was lost). */
  findPosted(channel: string, alertId: string, sinceIso: string): Promise<SlackMessageRef | undefined>;
}

/** Turns an alert's content into a message (views + per-deployment options such as account aliases). */
export type AlertRenderer = (content: AlertContent) => RenderedMessage;

/** The broadcast reply announcing that an alert became more severe after it was posted. */
export type EscalationRenderer = (content: AlertContent) => RenderedMessage;

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What every alert use case needs. */
export interface AlertDeps {
  store: Store;
  messenger: AlertMessenger;
  render: AlertRenderer;
  /** Defaults to the views' renderEscalation. */
  renderEscalation?: EscalationRenderer;
  clock: Clock;
  /** Identifies this worker in render leases (e.g. the Lambda request id). */
  owner: string;
}
