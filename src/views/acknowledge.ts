import type { ModalView } from '@slack/types';
import type { Acknowledgement } from '../model/alert';
import { type AckNoteMetadata, assertAlertId, VIEW_IDS } from './actions';
import { contextBlock, formatDuration, sectionBlock } from './alert-parts';
import { plainText, SLACK_LIMITS } from './limits';
import { date, decodeEntities, escapeMrkdwn, mention, parseIsoTime, truncate } from './mrkdwn';

/** The longest note the modal accepts (Slack enforces it in the input). */
export const ACK_NOTE_MAX_LENGTH = 500;

/** A text-only reply (an ephemeral message, or a line added to one). */
export interface RenderedText {
  /** mrkdwn, escaped. */
  text: string;
}

const SUMMARY_MAX = 1000;
/** Notes are at most 500 characters from the modal; a note stored another way is cut here. */
const NOTE_SHOWN_MAX = 1000;

/**
 * The Acknowledge-with-note modal: the alert's summary and one required multi-line note of at most 500
 * characters. `callback_id` {@link VIEW_IDS.ackNoteModal}; `private_metadata` is `{"alertId":…,"shownRev":…}` (read it back
 * with `parseAckNoteMetadata`); the note is at `view.state.values[VIEW_IDS.ackNoteBlock][VIEW_IDS.ackNoteInput]`.
 *
 * `summary` may be plain text or the alert's stored headline (escaped mrkdwn): entities are decoded and the text
 * escaped once, so either form shows correctly.
 *
 * @throws AlertRenderError `INVALID_ALERT_ID` when the alert id is empty, has spaces or is too long.
 */
export function renderAckNoteModal(input: {
  alertId: string;
  summary: string;
  /** The revision of the message the modal was opened from: the submission acknowledges only that one. */
  shownRev?: number;
}): ModalView {
  assertAlertId(input.alertId);
  const metadata: AckNoteMetadata = {
    alertId: input.alertId,
    ...(input.shownRev === undefined ? {} : { shownRev: input.shownRev }),
  };
  const summary = decodeEntities(input.summary).trim();
  return {
    type: 'modal',
    callback_id: VIEW_IDS.ackNoteModal,
    private_metadata: JSON.stringify(metadata),
    title: plainText('Acknowledge', SLACK_LIMITS.modalTitle),
    submit: plainText('Acknowledge', SLACK_LIMITS.modalTitle),
    close: plainText('Cancel', SLACK_LIMITS.modalTitle),
    blocks: [
      sectionBlock(
        `*You are acknowledging*\n${summary === '' ? '_an alert without a summary_' : escapeMrkdwn(truncate(summary, SUMMARY_MAX))}`,
      ),
      {
        type: 'input',
        block_id: VIEW_IDS.ackNoteBlock,
        label: plainText('Note', SLACK_LIMITS.inputLabel),
        element: {
          type: 'plain_text_input',
          action_id: VIEW_IDS.ackNoteInput,
          multiline: true,
          max_length: ACK_NOTE_MAX_LENGTH,
          placeholder: plainText('What did you check?', SLACK_LIMITS.placeholder),
        },
      },
      contextBlock('Everyone in the channel will see your name and this note on the alert.'),
    ],
  };
}

/**
 * The ephemeral answer to a click on an alert someone else acknowledged first:
 * `Already acknowledged by <@U1> <!date…> (4 min ago).` and their note on a second line.
 */
export function renderAlreadyAcknowledged(input: {
  acknowledgement: Acknowledgement;
  now: string;
}): RenderedText {
  const { acknowledgement: ack } = input;
  const at = parseIsoTime(ack.at);
  const now = parseIsoTime(input.now);
  const ago = at === null || now === null ? null : formatDuration(now - at);
  const when = `${date(ack.at)}${ago === null ? '' : ` (${ago} ago)`}`;
  const note = ack.note?.trim() ?? '';
  const noteLine =
    note === '' ? '' : `\n📝 ${escapeMrkdwn(truncate(note, NOTE_SHOWN_MAX), { singleLine: true })}`;
  return { text: `Already acknowledged by ${mention(ack.userId, ack.userName)} ${when}.${noteLine}` };
}

/** Why an acknowledgement could not be recorded. */
export type AckFailure = 'not-found' | 'error';

const ACK_FAILURES: Readonly<Record<AckFailure, string>> = {
  'not-found':
    "I can't find this alert any more (it may have expired), so nothing was acknowledged. The change is still in CloudTrail.",
  error:
    'Something went wrong on our side and the acknowledgement was not recorded. Please try again in a minute.',
};

/** The ephemeral answer when an acknowledgement (or another action on an alert) could not be done. */
export function renderAckFailed(reason: AckFailure): RenderedText {
  return { text: ACK_FAILURES[reason] };
}
