import {
  ACTION_IDS,
  ACTIONS_BLOCK_ID,
  channelMention,
  decodeEntities,
  escapeMrkdwn,
  isSlackChannelId,
  SLACK_LIMITS,
  VIEW_IDS,
} from '../../src/views';

describe('VIEW_IDS', () => {
  it('holds the ids listeners and the manifest contract rely on', () => {
    expect(VIEW_IDS).toEqual({
      investigateModal: 'infrawatch_investigate_modal',
      ackNoteModal: 'infrawatch_ack_note_modal',
      ackNoteBlock: 'infrawatch_note',
      ackNoteInput: 'note',
      digestAckAll: 'infrawatch_digest_ack_all',
      digestActionsBlock: 'infrawatch_digest_actions',
    });
  });

  it('never reuses an alert action id or block id, and fits Slack’s id limit', () => {
    const alertIds = new Set<string>([...Object.values(ACTION_IDS), ACTIONS_BLOCK_ID]);
    for (const id of Object.values(VIEW_IDS)) {
      expect(alertIds.has(id)).toBe(false);
      expect(id.length).toBeLessThanOrEqual(SLACK_LIMITS.id);
    }
  });
});

describe('channelMention', () => {
  it('links a channel id and names anything else as text', () => {
    expect(channelMention('C0123456789')).toBe('<#C0123456789>');
    expect(channelMention('G01ABCDEF')).toBe('<#G01ABCDEF>');
    expect(isSlackChannelId('D0123ABC')).toBe(true);
    expect(channelMention('C1>|<!channel')).toBe('this channel');
    expect(channelMention('general', '<!here>')).toBe('&lt;!here&gt;');
    expect(isSlackChannelId('U0123ABC')).toBe(false);
  });
});

describe('decodeEntities', () => {
  it('undoes escapeMrkdwn’s entities, one level only', () => {
    const text = 'a & b <!channel> &lt; >';
    expect(decodeEntities(escapeMrkdwn(text))).toBe(text);
    expect(decodeEntities('&amp;lt;')).toBe('&lt;');
    expect(escapeMrkdwn(decodeEntities(escapeMrkdwn(text)))).toBe(escapeMrkdwn(text));
  });
});
