import type { types } from '@slack/bolt';
import { plainText, SLACK_LIMITS } from './limits';

/**
 * The interactive contract between the alert renderers and the action handlers: action ids, the block id of the
 * actions block, and the values the buttons and the overflow menu carry. Every value names the alert by its id
 * only; handlers load the alert (watch, actor, changes) from the store, so nothing in a value has to be trusted.
 */

/** `action_id`s of the alert's interactive elements. */
export const ACTION_IDS = {
  /** Primary button; `value` is the alert id. */
  acknowledge: 'infrawatch_ack',
  /** Button; `value` is the alert id. */
  investigate: 'infrawatch_investigate',
  /** Overflow menu; each option's `value` is `<kind>:<alertId>`, see {@link OVERFLOW_KINDS}. */
  more: 'infrawatch_more',
} as const;

export type ActionId = (typeof ACTION_IDS)[keyof typeof ACTION_IDS];

/** `block_id` of the actions block (unique in the message, so a handler can find or replace it). */
export const ACTIONS_BLOCK_ID = 'infrawatch_actions';

/** The `<kind>` part of an overflow option value. */
export const OVERFLOW_KINDS = {
  /** Open a modal to acknowledge with a note. */
  acknowledgeWithNote: 'ack_note',
  /** Mute the alert's watch for one hour. */
  muteWatch1h: 'mute_watch_1h',
  /** Mute the alert's watch for 24 hours. */
  muteWatch24h: 'mute_watch_24h',
  /** Mute the alert's actor (on every watch) for 24 hours. */
  muteActor24h: 'mute_actor_24h',
} as const;

export type OverflowKind = (typeof OVERFLOW_KINDS)[keyof typeof OVERFLOW_KINDS];

const HOUR_MS = 60 * 60 * 1000;

/** One overflow option: its label, and for mutes what is muted and for how long. */
export interface OverflowOption {
  kind: OverflowKind;
  label: string;
  mute?: { target: 'watch' | 'actor'; durationMs: number };
}

/** The overflow menu, in display order. Slack allows 2 to 5 options. */
export const OVERFLOW_OPTIONS: readonly OverflowOption[] = [
  { kind: OVERFLOW_KINDS.acknowledgeWithNote, label: 'Acknowledge with note…' },
  {
    kind: OVERFLOW_KINDS.muteWatch1h,
    label: 'Mute this watch for 1h',
    mute: { target: 'watch', durationMs: HOUR_MS },
  },
  {
    kind: OVERFLOW_KINDS.muteWatch24h,
    label: 'Mute this watch for 24h',
    mute: { target: 'watch', durationMs: 24 * HOUR_MS },
  },
  {
    kind: OVERFLOW_KINDS.muteActor24h,
    label: 'Mute this actor for 24h',
    mute: { target: 'actor', durationMs: 24 * HOUR_MS },
  },
];

const KINDS: ReadonlySet<string> = new Set(Object.values(OVERFLOW_KINDS));

/** Longest kind plus the colon: what an option value spends before the alert id. */
const KIND_PREFIX_MAX = Math.max(...[...KINDS].map((kind) => kind.length)) + 1;

/** Slack caps an overflow option's `value` at 150 characters; the alert id must fit after the kind. */
export const MAX_ALERT_ID_LENGTH = SLACK_LIMITS.optionValue - KIND_PREFIX_MAX;

/** A problem with what a renderer was asked to render (not with the change: changes are cut, never refused). */
export class AlertRenderError extends Error {
  readonly code: 'INVALID_ALERT_ID';
  constructor(code: 'INVALID_ALERT_ID', message: string) {
    super(message);
    this.name = 'AlertRenderError';
    this.code = code;
  }
}

/**
 * Checks an alert id before it goes into button and option values. An id cut to fit Slack's limit would point a
 * click at another alert, so a bad id is refused instead of truncated.
 */
export function assertAlertId(alertId: string): void {
  if (alertId === '' || alertId.length > MAX_ALERT_ID_LENGTH || /[\s]/.test(alertId)) {
    throw new AlertRenderError(
      'INVALID_ALERT_ID',
      `alert id must be 1 to ${MAX_ALERT_ID_LENGTH} characters without spaces, got ${JSON.stringify(alertId.slice(0, 40))}${alertId.length > 40 ? '…' : ''}`,
    );
  }
}

/** `mute_watch_1h:<alertId>`: the value of one overflow option. */
export function overflowValue(kind: OverflowKind, alertId: string): string {
  return `${kind}:${alertId}`;
}

/** What an overflow option value asks for. */
export interface OverflowSelection {
  kind: OverflowKind;
  alertId: string;
}

/** Reads an overflow option value back (`<kind>:<alertId>`); null when it is not one of ours. */
export function parseOverflowValue(value: string): OverflowSelection | null {
  const colon = value.indexOf(':');
  if (colon <= 0) return null;
  const kind = value.slice(0, colon);
  const alertId = value.slice(colon + 1);
  if (!isOverflowKind(kind) || alertId === '') return null;
  return { kind, alertId };
}

function isOverflowKind(kind: string): kind is OverflowKind {
  return KINDS.has(kind);
}

/** The Acknowledge / Investigate / ⋯ actions block of an open alert. */
export function alertActionsBlock(alertId: string, acknowledgeLabel = 'Acknowledge'): types.ActionsBlock {
  assertAlertId(alertId);
  return {
    type: 'actions',
    block_id: ACTIONS_BLOCK_ID,
    elements: [
      {
        type: 'button',
        action_id: ACTION_IDS.acknowledge,
        text: plainText(acknowledgeLabel, SLACK_LIMITS.buttonText),
        style: 'primary',
        value: alertId,
      },
      {
        type: 'button',
        action_id: ACTION_IDS.investigate,
        text: plainText('Investigate', SLACK_LIMITS.buttonText),
        value: alertId,
      },
      {
        type: 'overflow',
        action_id: ACTION_IDS.more,
        options: OVERFLOW_OPTIONS.map((option) => ({
          text: plainText(option.label, SLACK_LIMITS.optionText),
          value: overflowValue(option.kind, alertId),
        })),
      },
    ],
  };
}
