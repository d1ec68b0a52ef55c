import { useStandin } from '../../../helpers/slack-standin-client';

const ALERTS = 'C0ALERTS01';
const ALICE = { id: 'U0ALICE001', name: 'alice' };

describe('Slack stand-in', () => {
  const t = useStandin({ users: [ALICE] });

  describe('conversations.history and conversations.replies', () => {
    it('pages through history newest first with has_more and next_cursor, within oldest', async () => {
      // Prepare: 5 messages, one second apart.
      const posted: string[] = [];
      for (let i = 0; i < 5; i++) {
        t.now += 1000;
        posted.push((await t.client.chat.postMessage({ channel: ALERTS, text: `m${i}` })).ts ?? '');
      }

      // Act
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await t.client.conversations.history({
          channel: ALERTS,
          oldest: posted[0],
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...(page.messages ?? []).map((m) => m.ts ?? ''));
        cursor = page.has_more ? page.response_metadata?.next_cursor : undefined;
        pages += 1;
      } while (cursor);

      // Assess: `oldest` is exclusive, like Slack's default.
      expect(seen).toEqual(posted.slice(1).reverse());
      expect(pages).toBe(2);
    });

    it('answers a thread oldest first, parent included, with metadata only when asked', async () => {
      const { ts = '' } = await t.client.chat.postMessage({ channel: ALERTS, text: 'parent' });
      await t.client.chat.postMessage({
        channel: ALERTS,
        thread_ts: ts,
        text: 'reply',
        metadata: { event_type: 'infrawatch_escalation', event_payload: { alert_id: 'a1' } },
      });

      const bare = await t.client.conversations.replies({ channel: ALERTS, ts });
      const full = await t.client.conversations.replies({ channel: ALERTS, ts, include_all_metadata: true });

      expect(bare.messages?.map((m) => m.text)).toEqual(['parent', 'reply']);
      expect(bare.messages?.[1]).not.toHaveProperty('metadata');
      expect(full.messages?.[1]?.metadata).toEqual({
        event_type: 'infrawatch_escalation',
        event_payload: { alert_id: 'a1' },
      });
      await expect(t.client.conversations.replies({ channel: ALERTS, ts: '1.000001' })).rejects.toMatchObject(
        {
          data: { error: 'thread_not_found' },
        },
      );
    });

    it('forgets a message a workspace admin removed', async () => {
      const { ts = '' } = await t.client.chat.postMessage({ channel: ALERTS, text: 'gone soon' });

      expect(t.slack.removeMessage(ALERTS, ts)).toBe(true);

      expect(t.slack.removeMessage(ALERTS, ts)).toBe(false);
      await expect(t.client.chat.update({ channel: ALERTS, ts, text: 'x' })).rejects.toMatchObject({
        data: { error: 'message_not_found' },
      });
    });
  });

  it('creates channels on first use when none are configured, and refuses unknown ones otherwise', async () => {
    // Act
    const autoCreated = await t.client.chat.postMessage({ channel: 'C0NEW00001', text: 'hello' });
    const history = await t.client.conversations.history({ channel: 'C0NEW00001' });
    await t.start({ channels: [{ id: ALERTS, name: 'infra-alerts' }] });
    const unknown = t.client.conversations.history({ channel: 'C0NEW00001' });

    // Assess
    expect(autoCreated.channel).toBe('C0NEW00001');
    expect(history.messages?.map((m) => m.text)).toEqual(['hello']);
    await expect(unknown).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
  });
});
