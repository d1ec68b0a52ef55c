import type { ActionsBlock } from '@slack/types';
import { EngineError } from '../events/errors';
import { isRecord } from '../json';
import { plainText, SLACK_LIMITS } from './limits';
import { isSlackChannelId, truncate } from './mrkdwn';

/**
 * The interactive contract between the alert renderers and the action handlers: action ids, the block id of the
 * actions block, and the values the buttons and the overflow menu carry. Every value names the alert by its id
 * (and, where a click acknowledges, the revision the message shows); handlers load the alert (watch, actor,
 * changes) from the store, so nothing in a value has to be trusted.
 */

/** `action_id`s of the alert's interactive elements. */
export const ACTION_IDS = {
  /** Primary button; `value` is {@link alertRefValue}: `<alertId>@<rev>` (or `<alertId>` on older messages). */
  acknowledge: 'infrawatch_ack',
  /** Button; `value` is the alert id. */
  investigate: 'infrawatch_investigate',
  /** Overflow menu; each option's `value` is `<kind>:<alertRefValue>`, see {@link OVERFLOW_KINDS}. */
  more: 'infrawatch_more',
} as const;

export type ActionId = (typeof ACTION_IDS)[keyof typeof ACTION_IDS];

/** `block_id` of the actions block (unique in the message, so a handler can find or replace it). */
export const ACTIONS_BLOCK_ID = 'infrawatch_actions';

/**
 * Ids of the modals and of the digest's interactive parts: what listeners register on (`app.view(…)`,
 * `app.action(…)`) and what a view submission is read back with. One place, so the renderers, the listeners and
 * the manifest contract test cannot drift apart.
 */
export const VIEW_IDS = {
  /** `callback_id` of the Investigate modal. It has no submit button: there is no submission to handle. */
  investigateModal: 'infrawatch_investigate_modal',
  /** `callback_id` of the Acknowledge-with-note modal; `private_metadata` is {@link AckNoteMetadata} as JSON. */
  ackNoteModal: 'infrawatch_ack_note_modal',
  /** `block_id` of the note input: the note is at `view.state.values[ackNoteBlock][ackNoteInput].value`. */
  ackNoteBlock: 'infrawatch_note',
  /** `action_id` of the note's plain_text_input. */
  ackNoteInput: 'note',
  /** `action_id` of the digest's "Acknowledge all listed" button; `value` is {@link DigestAckAllValue} as JSON. */
  digestAckAll: 'infrawatch_digest_ack_all',
  /** `block_id` of the digest's actions block. */
  digestActionsBlock: 'infrawatch_digest_actions',
} as const;

export type ViewId = (typeof VIEW_IDS)[keyof typeof VIEW_IDS];

/**
 * An alert as a click names it: its id and, when the message was rendered with it, the alert's revision that
 * message shows. A click that acknowledges is accepted only while the alert is still at that revision, so a
 * render landing between the person reading the message and clicking cannot make the click cover what it added.
 */
export interface AlertRef {
  alertId: string;
  /** The revision the message showed; absent on messages rendered before buttons carried it. */
  shownRev?: number;
}

/** A revision in a value: a positive safe integer in decimal, no sign, no leading zero. */
const REV_TEXT = /^[1-9][0-9]{0,14}$/;
const REV_SEPARATOR = '@';
/** What `@<rev>` spends of a value at most. */
const REV_SUFFIX_MAX = REV_SEPARATOR.length + 15;

/** `<alertId>@<rev>`, or the alert id alone when no revision is given. */
export function alertRefValue(alertId: string, shownRev?: number): string {
  if (shownRev === undefined) return alertId;
  if (!Number.isSafeInteger(shownRev) || !REV_TEXT.test(String(shownRev))) {
    throw new AlertRenderError('INVALID_REVISION', `revision must be a positive integer, got ${shownRev}`);
  }
  return `${alertId}${REV_SEPARATOR}${shownRev}`;
}

/**
 * Reads {@link alertRefValue} back. A value without `@` is an older message's alert id (no revision); a value
 * with `@` whose revision is not a positive integer is refused (null): it was not rendered by InfraWatch.
 */
export function parseAlertRef(value: string): AlertRef | null {
  const at = value.lastIndexOf(REV_SEPARATOR);
  if (at < 0) return value === '' ? null : { alertId: value };
  const alertId = value.slice(0, at);
  const rev = value.slice(at + 1);
  if (alertId === '' || !REV_TEXT.test(rev)) return null;
  const shownRev = Number(rev);
  return Number.isSafeInteger(shownRev) ? { alertId, shownRev } : null;
}

/** What the Acknowledge-with-note modal carries in `private_metadata` (as JSON). */
export type AckNoteMetadata = AlertRef;

/**
 * What the digest's "Acknowledge all listed" button carries in `value` (as JSON): the digest's query window,
 * never the alert ids.
 *
 * The handler re-queries the channel's open alerts created in `[since, until]` (`AlertRepository.listOpen`
 * then `createdAt <= until`) and acknowledges each one. The ids are left out on purpose: a digest may list more
 * alerts than 2,000 characters of ids can name (about 70), and a scheme that switched representation past that
 * size would have a branch nobody exercises until the day it matters. The window is always ~100 characters.
 * Alerts acknowledged since the digest was posted are simply no longer open; alerts created after `until` are
 * not in the window, so nobody acknowledges what they have not seen listed (or counted as "…and N more").
 * `count` is how many alerts the digest counted, for the reply ("Acknowledged 7 of 7").
 */
export interface DigestAckAllValue {
  /** Slack channel id the digest was posted in. */
  channel: string;
  /** ISO-8601: the start of the digest's window (inclusive). */
  since: string;
  /** ISO-8601: when the digest was built (`now`), the end of the window (inclusive). */
  until: string;
  /** Open alerts the digest counted. */
  count: number;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * Reads the Acknowledge-with-note modal's `private_metadata` back; null when it is not ours or the alert id is
 * not one {@link assertAlertId} accepts.
 */
export function parseAckNoteMetadata(privateMetadata: string): AckNoteMetadata | null {
  const value = jsonObject(privateMetadata);
  const alertId = value?.alertId;
  if (typeof alertId !== 'string' || !isAlertId(alertId)) return null;
  const shownRev = value?.shownRev;
  if (shownRev === undefined) return { alertId };
  if (typeof shownRev !== 'number' || !REV_TEXT.test(String(shownRev)) || !Number.isSafeInteger(shownRev))
    return null;
  return { alertId, shownRev };
}

/**
 * The digest button's `value`: {@link DigestAckAllValue} as JSON, checked by reading it back.
 * @throws AlertRenderError `INVALID_DIGEST_WINDOW` when the channel is not a Slack channel id or a time is not
 * ISO-8601 UTC (what `Date.prototype.toISOString` gives).
 */
export function digestAckAllValue(value: DigestAckAllValue): string {
  const json = JSON.stringify({
    channel: value.channel,
    since: value.since,
    until: value.until,
    count: value.count,
  });
  if (parseDigestAckAllValue(json) === null) {
    throw new AlertRenderError(
      'INVALID_DIGEST_WINDOW',
      `digest window must be a channel id and two ISO-8601 UTC times, got ${truncate(json, 200)}`,
    );
  }
  return json;
}

/** Reads the digest button's `value` back; null unless it has every field of {@link DigestAckAllValue}. */
export function parseDigestAckAllValue(text: string): DigestAckAllValue | null {
  const value = jsonObject(text);
  if (value === null) return null;
  const { channel, since, until, count } = value;
  if (typeof channel !== 'string' || !isSlackChannelId(channel)) return null;
  if (typeof since !== 'string' || !ISO_UTC.test(since)) return null;
  if (typeof until !== 'string' || !ISO_UTC.test(until)) return null;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) return null;
  return { channel, since, until, count };
}

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

/** Slack caps an overflow option's `value` at 150 characters; the alert id and its revision fit after the kind. */
export const MAX_ALERT_ID_LENGTH = SLACK_LIMITS.optionValue - KIND_PREFIX_MAX - REV_SUFFIX_MAX;

/**
 * `INVALID_ALERT_ID`: an alert id that cannot go into a button value or modal metadata.
 * `INVALID_DIGEST_WINDOW`: a digest whose channel id or times cannot make a {@link DigestAckAllValue}.
 * `INVALID_REVISION`: a revision that is not a positive integer.
 */
export type AlertRenderErrorCode = 'INVALID_ALERT_ID' | 'INVALID_DIGEST_WINDOW' | 'INVALID_REVISION';

/** A problem with what a renderer was asked to render (not with the change: changes are cut, never refused). */
export class AlertRenderError extends EngineError {
  readonly code: AlertRenderErrorCode;
  constructor(code: AlertRenderErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Checks an alert id before it goes into button and option values. An id cut to fit Slack's limit would point a
 * click at another alert, so a bad id is refused instead of truncated.
 */
export function assertAlertId(alertId: string): void {
  if (!isAlertId(alertId)) {
    throw new AlertRenderError(
      'INVALID_ALERT_ID',
      `alert id must be 1 to ${MAX_ALERT_ID_LENGTH} characters without spaces, got ${JSON.stringify(alertId.slice(0, 40))}${alertId.length > 40 ? '…' : ''}`,
    );
  }
}

function isAlertId(alertId: string): boolean {
  return alertId !== '' && alertId.length <= MAX_ALERT_ID_LENGTH && !/[\s]/.test(alertId);
}

/** `mute_watch_1h:<alertId>@<rev>`: the value of one overflow option (see {@link alertRefValue}). */
export function overflowValue(kind: OverflowKind, alertId: string, shownRev?: number): string {
  return `${kind}:${alertRefValue(alertId, shownRev)}`;
}

/** What an overflow option value asks for, and of which alert as the message showed it. */
export interface OverflowSelection extends AlertRef {
  kind: OverflowKind;
}

/** Reads an overflow option value back (`<kind>:<alertId>[@<rev>]`); null when it is not one of ours. */
export function parseOverflowValue(value: string): OverflowSelection | null {
  const colon = value.indexOf(':');
  if (colon <= 0) return null;
  const kind = value.slice(0, colon);
  const ref = parseAlertRef(value.slice(colon + 1));
  if (!isOverflowKind(kind) || ref === null) return null;
  return { kind, ...ref };
}

function isOverflowKind(kind: string): kind is OverflowKind {
  return KINDS.has(kind);
}

/**
 * The Acknowledge / Investigate / ⋯ actions block of an open alert. `shownRev` is the alert's revision the
 * message renders: the Acknowledge button and the overflow options carry it (see {@link AlertRef}).
 */
export function alertActionsBlock(
  alertId: string,
  acknowledgeLabel = 'Acknowledge',
  shownRev?: number,
): ActionsBlock {
  assertAlertId(alertId);
  const ref = alertRefValue(alertId, shownRev);
  return {
    type: 'actions',
    block_id: ACTIONS_BLOCK_ID,
    elements: [
      {
        type: 'button',
        action_id: ACTION_IDS.acknowledge,
        text: plainText(acknowledgeLabel, SLACK_LIMITS.buttonText),
        style: 'primary',
        value: ref,
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
          value: overflowValue(option.kind, alertId, shownRev),
        })),
      },
    ],
  };
}
