import {
  ACK_NOTE_MAX_LENGTH,
  AlertRenderError,
  MAX_ALERT_ID_LENGTH,
  parseAckNoteMetadata,
  renderAckFailed,
  renderAckNoteModal,
  renderAlertContent,
  renderAlreadyAcknowledged,
  SLACK_LIMITS,
  VIEW_IDS,
} from '../../src/views';
import { assertOnlyOwnMarkup } from '../helpers/block-kit';
import { burstOf, sshOpenToWorld } from './changes';
import { allText, assertValidModal, HOSTILE, modalAsMessage, sectionTexts } from './view-assertions';

const ALERT_ID = 'a1b2c3d4e5f6a7b8c9d0e1f2';
const ACK = { userId: 'U0123ABCD', userName: 'alice', at: '2026-11-27T10:00:00Z' };

describe('renderAckNoteModal', () => {
  it('renders the modal for an alert, from its stored headline', () => {
    // Prepare: what the listener passes, the alert's stored headline (the message's escaped fallback text).
    const headline = renderAlertContent(burstOf(sshOpenToWorld(), 1)).text;

    // Act
    const view = renderAckNoteModal({ alertId: ALERT_ID, summary: headline });

    // Assess
    assertValidModal(view);
    assertOnlyOwnMarkup(modalAsMessage(view));
    expect(view).toMatchSnapshot();
  });

  it('has its callback id, the alert id in private_metadata, a short title and an Acknowledge submit', () => {
    const view = renderAckNoteModal({ alertId: ALERT_ID, summary: 's' });
    expect(view.callback_id).toBe('infrawatch_ack_note_modal');
    expect(view.callback_id).toBe(VIEW_IDS.ackNoteModal);
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ alertId: ALERT_ID });
    expect(parseAckNoteMetadata(view.private_metadata ?? '')).toEqual({ alertId: ALERT_ID });
    expect(view.title).toEqual({ type: 'plain_text', text: 'Acknowledge' });
    expect(view.submit).toEqual({ type: 'plain_text', text: 'Acknowledge' });
    expect(view.close).toEqual({ type: 'plain_text', text: 'Cancel' });
  });

  it('asks for one multi-line note of at most 500 characters', () => {
    const view = renderAckNoteModal({ alertId: ALERT_ID, summary: 's' });
    const inputs = view.blocks.filter((block) => block.type === 'input');
    expect(inputs).toEqual([
      {
        type: 'input',
        block_id: 'infrawatch_note',
        label: { type: 'plain_text', text: 'Note' },
        element: {
          type: 'plain_text_input',
          action_id: 'note',
          multiline: true,
          max_length: 500,
          placeholder: { type: 'plain_text', text: 'What did you check?' },
        },
      },
    ]);
    expect(inputs[0]?.block_id).toBe(VIEW_IDS.ackNoteBlock);
    expect(ACK_NOTE_MAX_LENGTH).toBe(500);
  });

  it('shows a plain or an already escaped summary escaped exactly once', () => {
    const plain = renderAckNoteModal({ alertId: ALERT_ID, summary: `alice & bob ${HOSTILE.broadcast}` });
    const stored = renderAckNoteModal({
      alertId: ALERT_ID,
      summary: 'alice &amp; bob &lt;!channel&gt; look',
    });
    for (const view of [plain, stored]) {
      expect(sectionTexts(view.blocks)[0]).toBe(
        '*You are acknowledging*\nalice &amp; bob &lt;!channel&gt; look',
      );
    }
  });

  it('escapes a hostile summary and cuts a huge one', () => {
    const view = renderAckNoteModal({ alertId: ALERT_ID, summary: `${HOSTILE.all}${'<&>'.repeat(50_000)}` });
    assertValidModal(view);
    assertOnlyOwnMarkup(modalAsMessage(view));
    expect(allText(modalAsMessage(view))).not.toContain('<https://evil');
  });

  it('refuses an alert id that cannot round-trip through private_metadata', () => {
    for (const alertId of ['', 'a b', 'x'.repeat(MAX_ALERT_ID_LENGTH + 1)]) {
      expect(() => renderAckNoteModal({ alertId, summary: 's' })).toThrow(AlertRenderError);
    }
    const longest = renderAckNoteModal({ alertId: 'x'.repeat(MAX_ALERT_ID_LENGTH), summary: 's' });
    expect((longest.private_metadata ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.privateMetadata);
  });
});

describe('parseAckNoteMetadata', () => {
  it('reads back only what the modal writes', () => {
    expect(parseAckNoteMetadata('{"alertId":"a1"}')).toEqual({ alertId: 'a1' });
    for (const bad of ['', 'a1', '{}', '{"alertId":1}', '{"alertId":"a b"}', '[]', 'null']) {
      expect(parseAckNoteMetadata(bad)).toBeNull();
    }
  });
});

describe('renderAlreadyAcknowledged', () => {
  it('says who acknowledged and when, in the reader’s time zone and as an age', () => {
    const reply = renderAlreadyAcknowledged({ acknowledgement: ACK, now: '2026-11-27T10:04:30Z' });
    expect(reply).toEqual({
      text: 'Already acknowledged by <@U0123ABCD> <!date^1795773600^{date_short_pretty} at {time}|2026-11-27 10:00 UTC> (4 min ago).',
    });
  });

  it('adds the note, escaped, on one line', () => {
    const reply = renderAlreadyAcknowledged({
      acknowledgement: {
        ...ACK,
        note: `${HOSTILE.bold} checked\n${HOSTILE.broadcast} ${HOSTILE.disguisedLink}`,
      },
      now: '2026-11-27T12:00:00Z',
    });
    expect(reply.text).toBe(
      'Already acknowledged by <@U0123ABCD> <!date^1795773600^{date_short_pretty} at {time}|2026-11-27 10:00 UTC> (2 h ago).\n📝 *bold* checked &lt;!channel&gt; look &lt;https://evil.example|aws.amazon.com&gt;',
    );
    assertOnlyOwnMarkup({ text: reply.text, blocks: [] });
  });

  it('names a forged user id as text, never as markup', () => {
    const reply = renderAlreadyAcknowledged({
      acknowledgement: {
        userId: 'U1>|<!channel',
        userName: HOSTILE.all,
        at: 'yesterday',
        note: 'x'.repeat(5000),
      },
      now: '2026-11-27T12:00:00Z',
    });
    assertOnlyOwnMarkup({ text: reply.text, blocks: [] });
    expect(reply.text.startsWith('Already acknowledged by x &lt;!channel&gt;')).toBe(true);
    expect(reply.text).toContain(' yesterday.\n📝 ');
    expect(reply.text.length).toBeLessThan(2000);
  });
});

describe('renderAckFailed', () => {
  it('explains each failure in plain words', () => {
    expect(renderAckFailed('not-found').text).toBe(
      "I can't find this alert any more (it may have expired), so nothing was acknowledged. The change is still in CloudTrail.",
    );
    expect(renderAckFailed('error').text).toBe(
      'Something went wrong on our side and the acknowledgement was not recorded. Please try again in a minute.',
    );
  });
});
