import type { KnownBlock } from '@slack/types';
import type { AlertContent } from '../model/alert';
import type { EscalationTarget } from '../model/escalation-policy';
import type { Severity } from '../model/severity';
import type { SlackMessageRef, Store } from '../store/ports';
import { UseCaseError } from './errors';

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
  /** @throws MessageNotFoundError when Slack no longer has the message (deleted, or another workspace's). */
  update(ref: SlackMessageRef, message: RenderedMessage): Promise<void>;
  /**
   * Replies in the message's thread, broadcast to the channel: a ping (updates notify nobody). The reply
   * carries the alert id and severity in its metadata, so an uncertain reply can be found again.
   */
  notify(ref: SlackMessageRef, message: RenderedMessage, escalation: Escalation): Promise<void>;
  /**
   * The message posted for `alertId` since its first post attempt (`attemptIso`), if Slack has one: recovers
   * a post whose answer was lost. Searches everything since, however busy the channel.
   */
  findPosted(channel: string, alertId: string, attemptIso: string): Promise<SlackMessageRef | undefined>;
  /** Whether the thread of `ref` has the escalation reply (recovers a reply whose answer was lost). */
  findNotified(ref: SlackMessageRef, escalation: Escalation): Promise<boolean>;
  /**
   * Whether a send (a post, a reply) that failed with `error` may still reach Slack later: no answer came back
   * (the client's timeout, a dropped connection), so the request may still be on its way or being handled,
   * and a search of the history cannot see it yet. Without this method, every failed send is taken as settled
   * (sent or refused by the time its error came back).
   */
  mayLandLater?(error: unknown): boolean;
}

/** Where an escalation step goes, and what marks it (the alert id and the step, in its metadata). */
export interface EscalationStepDelivery {
  alertId: string;
  step: number;
  /** The alert's message: its thread gets the step, broadcast to the channel, unless the target is a channel. */
  alert: SlackMessageRef;
  /** A `channel` target gets the step as a message of its own there; any other is mentioned in the thread. */
  target: EscalationTarget;
}

/**
 * The part of Slack the escalation sweep needs (the Slack adapter implements it with AlertMessenger). Like
 * every send, a step carries metadata so a send whose answer was lost is found again instead of repeated.
 */
export interface EscalationStepMessenger {
  sendEscalationStep(delivery: EscalationStepDelivery, message: RenderedMessage): Promise<void>;
  /** Whether the step is in Slack already (sent since `attemptIso`, its first attempt). */
  findEscalationStep(delivery: EscalationStepDelivery, attemptIso: string): Promise<boolean>;
  /** The message's permalink (a step posted in another channel links to the alert); undefined if Slack has none. */
  permalink(ref: SlackMessageRef): Promise<string | undefined>;
}

/** What a broadcast reply announces: the alert reached this severity. */
export interface Escalation {
  alertId: string;
  severity: Severity;
}

/** Slack no longer has the message (a workspace admin deleted it, or it lived in a Slack that was reset). */
export class MessageNotFoundError extends UseCaseError {
  readonly code = 'MessageNotFound';
  constructor(ref: SlackMessageRef, options?: ErrorOptions) {
    super(`Slack has no message ${ref.ts} in ${ref.channel}`, options);
  }
}

/**
 * Turns an alert's content into what Slack shows (the views, with per-deployment options such as account
 * aliases): injected, so the use cases decide when to show what and never which blocks it is.
 */
export interface AlertRenderer {
  /** The alert's message. */
  alert(content: AlertContent): RenderedMessage;
  /** The alert's fresh message when Slack no longer had the earlier one: it says it replaces it. */
  replacement(content: AlertContent): RenderedMessage;
  /** The broadcast reply announcing that an alert became more severe after it was posted. */
  escalation(content: AlertContent): RenderedMessage;
}

/** Where use cases log (the slice of Powertools Logger used: a message, then structured attributes). */
export interface LogPort {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

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
  clock: Clock;
  /** Identifies this worker in render leases (e.g. the Lambda request id). */
  owner: string;
}
