import type { types } from '@slack/bolt';
import { WebClientEvent } from '@slack/web-api';
import { slackTestToken, standinWebClient, useStandin } from '../../../helpers/slack-standin-client';

const ALERTS = 'C0ALERTS01';
const ALICE = { id: 'U0ALICE001', name: 'alice' };

/** An alert-shaped message: header, fields, context, and the Acknowledge/Investigate buttons. */
function alertBlocks(): types.KnownBlock[] {
  return [
    { type: 'header', text: { type: 'plain_text', text: 'Security group opened to the world' } },
    {
      type: 'section',
      block_id: 'change',
      text: { type: 'mrkdwn', text: '*alice* ran `AuthorizeSecurityGroupIngress` on `sg-0123`' },
      fields: [
        { type: 'mrkdwn', text: '*Account*\n123456789012' },
        { type: 'mrkdwn', text: '*Region*\neu-west-1' },
      ],
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'CloudTrail event `4b2c…`' }] },
    {
      type: 'actions',
      block_id: 'alert_actions',
      elements: [
        {
          type: 'button',
          action_id: 'infrawatch_ack',
          style: 'primary',
          text: { type: 'plain_text', text: 'Acknowledge' },
          value: 'evt-1',
        },
        {
          type: 'button',
          action_id: 'infrawatch_investigate',
          text: { type: 'plain_text', text: 'Investigate' },
        },
      ],
    },
  ];
}

describe('Slack stand-in', () => {
  const t = useStandin({ users: [ALICE] });

  describe('chat.postMessage', () => {
    it('stores the message and answers with channel, ts and message like Slack', async () => {
      // Prepare
      const blocks = alertBlocks();

      // Act
      const result = await t.client.chat.postMessage({
        channel: ALERTS,
        text: 'Security group opened',
        blocks,
      });

      // Assess
      expect(result).toMatchObject({
        ok: true,
        channel: ALERTS,
        ts: '1700000000.000000',
        message: {
          type: 'message',
          text: 'Security group opened',
          bot_id: 'B0INFRABOT',
          user: 'U0INFRABOT',
          blocks,
        },
      });
      expect(t.slack.messages(ALERTS)).toEqual([
        expect.objectContaining({ channel: ALERTS, ts: result.ts, text: 'Security group opened', blocks }),
      ]);
      // The form body's JSON-encoded blocks are recorded decoded.
      expect(t.slack.calls[0]?.args.blocks).toEqual(blocks);
      expect(t.slack.calls[0]?.contentType).toBe('application/x-www-form-urlencoded');
    });

    it('gives every message a unique, increasing ts even when the clock stands still', async () => {
      // Prepare
      await t.start({ rateLimit: false });

      // Act
      const first = await t.client.chat.postMessage({ channel: ALERTS, text: 'one' });
      const second = await t.client.chat.postMessage({ channel: ALERTS, text: 'two' });
      t.now += 2500;
      const third = await t.client.chat.postMessage({ channel: 'C0OTHER001', text: 'three' });

      // Assess
      expect([first.ts, second.ts, third.ts]).toEqual([
        '1700000000.000000',
        '1700000000.000001',
        '1700000002.500000',
      ]);
    });

    it('threads a reply under its parent and counts it', async () => {
      // Prepare
      const parent = await t.client.chat.postMessage({ channel: ALERTS, text: 'parent' });
      t.now += 1000;

      // Act
      const reply = await t.client.chat.postMessage({ channel: ALERTS, text: 'reply', thread_ts: parent.ts });

      // Assess
      expect(reply.message).toMatchObject({ thread_ts: parent.ts });
      expect(t.slack.message(ALERTS, parent.ts ?? '')).toMatchObject({
        reply_count: 1,
        thread_ts: parent.ts,
      });
      expect(t.slack.replies(ALERTS, parent.ts ?? '').map((m) => m.text)).toEqual(['reply']);
    });

    it('marks a reply also sent to the channel thread_broadcast, as Slack does, and only that one', async () => {
      // Prepare
      const parent = await t.client.chat.postMessage({ channel: ALERTS, text: 'parent' });

      // Act
      const quiet = await t.client.chat.postMessage({ channel: ALERTS, text: 'quiet', thread_ts: parent.ts });
      const loud = await t.client.chat.postMessage({
        channel: ALERTS,
        text: 'loud',
        thread_ts: parent.ts ?? '',
        reply_broadcast: true,
      });

      // Assess
      expect(loud.message).toMatchObject({ subtype: 'thread_broadcast', thread_ts: parent.ts });
      expect(quiet.message?.subtype).toBeUndefined();
      expect(t.slack.replies(ALERTS, parent.ts ?? '').map((m) => [m.text, m.subtype])).toEqual([
        ['quiet', undefined],
        ['loud', 'thread_broadcast'],
      ]);
    });

    it('refuses an empty message with no_text and text over 40,000 characters with msg_too_long', async () => {
      // Act & Assess
      await expect(t.client.chat.postMessage({ channel: ALERTS, text: '' })).rejects.toMatchObject({
        data: { error: 'no_text' },
      });
      await expect(
        t.client.chat.postMessage({ channel: ALERTS, text: 'x'.repeat(40_001) }),
      ).rejects.toMatchObject({
        data: { error: 'msg_too_long' },
      });
      await expect(
        t.client.chat.postMessage({ channel: ALERTS, text: 'x'.repeat(40_000) }),
      ).resolves.toMatchObject({
        ok: true,
      });
    });

    it('answers invalid_arguments when a required argument is missing', async () => {
      // Act
      const result = t.client.apiCall('chat.postMessage', { text: 'nowhere' });

      // Assess
      await expect(result).rejects.toMatchObject({
        data: {
          error: 'invalid_arguments',
          response_metadata: { messages: ['[ERROR] missing required field: channel'] },
        },
      });
    });

    it('answers invalid_blocks_format when blocks is not a JSON array', async () => {
      // Act
      const response = await fetch(`${t.slack.url}chat.postMessage`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Bearer ${slackTestToken}`,
        },
        body: new URLSearchParams({ channel: ALERTS, text: 't', blocks: '[{"type": "divider"' }),
      });

      // Assess
      expect(await response.json()).toEqual({ ok: false, error: 'invalid_blocks_format' });
    });

    it('resolves channel names, and refuses unknown channels when a channel list is configured', async () => {
      // Prepare
      await t.start({ channels: [{ id: ALERTS, name: 'infra-alerts' }] });

      // Act
      const byName = await t.client.chat.postMessage({ channel: '#infra-alerts', text: 'by name' });
      const unknown = t.client.chat.postMessage({ channel: 'C0NOPE0001', text: 't' });

      // Assess
      expect(byName.channel).toBe(ALERTS);
      expect(t.slack.messages('infra-alerts').map((m) => m.text)).toEqual(['by name']);
      await expect(unknown).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
    });
  });

  describe('chat.update', () => {
    it('replaces text and blocks of an existing message and marks it edited', async () => {
      // Prepare
      const posted = await t.client.chat.postMessage({
        channel: ALERTS,
        text: 'open',
        blocks: alertBlocks(),
      });
      const acknowledged = [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: ':white_check_mark: Acknowledged by <@U0ALICE001>' },
        },
      ];
      t.now += 5000;

      // Act
      const result = await t.client.chat.update({
        channel: ALERTS,
        ts: posted.ts ?? '',
        text: 'acked',
        blocks: acknowledged,
      });

      // Assess
      expect(result).toMatchObject({ ok: true, channel: ALERTS, ts: posted.ts, text: 'acked' });
      expect(t.slack.messages(ALERTS)).toEqual([
        expect.objectContaining({
          ts: posted.ts,
          text: 'acked',
          blocks: acknowledged,
          edited: expect.anything(),
        }),
      ]);
    });

    it('keeps the blocks when the update leaves them out, and removes them with an empty array', async () => {
      // Prepare
      const posted = await t.client.chat.postMessage({
        channel: ALERTS,
        text: 'open',
        blocks: alertBlocks(),
      });
      const ts = posted.ts ?? '';

      // Act
      await t.client.chat.update({ channel: ALERTS, ts, text: 'new text' });
      const kept = t.slack.message(ALERTS, ts);
      await t.client.chat.update({ channel: ALERTS, ts, text: 'no blocks', blocks: [] });

      // Assess
      expect(kept?.blocks).toEqual(alertBlocks());
      expect(t.slack.message(ALERTS, ts)).not.toHaveProperty('blocks');
    });

    it('answers message_not_found for an unknown ts', async () => {
      // Act & Assess
      await expect(
        t.client.chat.update({ channel: ALERTS, ts: '1700000000.999999', text: 'x' }),
      ).rejects.toMatchObject({
        data: { error: 'message_not_found' },
      });
    });

    it('validates the new blocks like chat.postMessage', async () => {
      // Prepare
      const posted = await t.client.chat.postMessage({ channel: ALERTS, text: 'open' });

      // Act
      const result = t.client.chat.update({
        channel: ALERTS,
        ts: posted.ts ?? '',
        text: 'x',
        blocks: [{ type: 'header', text: { type: 'mrkdwn', text: '*bold*' } }] as never,
      });

      // Assess
      await expect(result).rejects.toMatchObject({
        data: {
          error: 'invalid_blocks',
          errors: ['must be a valid enum value [json-pointer:/blocks/0/text/type]'],
        },
      });
      expect(t.slack.message(ALERTS, posted.ts ?? '')?.text).toBe('open');
    });
  });

  describe('chat.postEphemeral and chat.getPermalink', () => {
    it('records an ephemeral per user and channel, outside the channel history', async () => {
      // Act
      const result = await t.client.chat.postEphemeral({
        channel: ALERTS,
        user: ALICE.id,
        text: 'Only you can see this',
      });

      // Assess
      expect(result).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d{10}\.\d{6}$/) });
      expect(t.slack.ephemerals({ user: ALICE.id })).toEqual([
        { channel: ALERTS, user: ALICE.id, message_ts: result.message_ts, text: 'Only you can see this' },
      ]);
      expect(t.slack.ephemerals({ channel: 'C0OTHER001' })).toEqual([]);
      expect(t.slack.messages(ALERTS)).toEqual([]);
    });

    it('refuses an ephemeral to someone who is not a workspace member', async () => {
      // Act & Assess
      await expect(
        t.client.chat.postEphemeral({ channel: ALERTS, user: 'U0NOBODY01', text: 'x' }),
      ).rejects.toMatchObject({
        data: { error: 'user_not_in_channel' },
      });
    });

    it('builds permalinks like Slack, with thread_ts for replies', async () => {
      // Prepare
      const parent = await t.client.chat.postMessage({ channel: ALERTS, text: 'parent' });
      t.now += 1000;
      const reply = await t.client.chat.postMessage({ channel: ALERTS, text: 'reply', thread_ts: parent.ts });

      // Act
      const parentLink = await t.client.chat.getPermalink({ channel: ALERTS, message_ts: parent.ts ?? '' });
      const replyLink = await t.client.chat.getPermalink({ channel: ALERTS, message_ts: reply.ts ?? '' });

      // Assess
      expect(parentLink).toMatchObject({
        ok: true,
        channel: ALERTS,
        permalink: 'https://infrawatch-local.slack.com/archives/C0ALERTS01/p1700000000000000',
      });
      expect(replyLink.permalink).toBe(
        'https://infrawatch-local.slack.com/archives/C0ALERTS01/p1700000001000000?thread_ts=1700000000.000000&cid=C0ALERTS01',
      );
      await expect(
        t.client.chat.getPermalink({ channel: ALERTS, message_ts: '1.000001' }),
      ).rejects.toMatchObject({
        data: { error: 'message_not_found' },
      });
    });
  });

  describe('Block Kit validation', () => {
    const button = (overrides: Record<string, unknown> = {}) => ({
      type: 'button',
      text: { type: 'plain_text', text: 'Go' },
      ...overrides,
    });
    const option = (n: number, type = 'plain_text') => ({
      text: { type, text: `Option ${n}` },
      value: `v${n}`,
    });
    const overflow = (count: number, type?: string) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: 'More' },
      accessory: { type: 'overflow', options: Array.from({ length: count }, (_, i) => option(i, type)) },
    });
    const cases: [string, Record<string, unknown>[], string[]][] = [
      [
        'more than 50 blocks',
        Array.from({ length: 51 }, () => ({ type: 'divider' })),
        ['no more than 50 items allowed [json-pointer:/blocks]'],
      ],
      [
        'an unknown block type',
        [{ type: 'sectoin' }],
        ['unsupported type: sectoin [json-pointer:/blocks/0/type]'],
      ],
      [
        'section text over 3000 characters',
        [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }],
        ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
      ],
      [
        'more than 10 section fields',
        [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }],
        ['no more than 10 items allowed [json-pointer:/blocks/0/fields]'],
      ],
      [
        'a section field over 2000 characters',
        [{ type: 'section', fields: [{ type: 'plain_text', text: 'x'.repeat(2001) }] }],
        ['must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]'],
      ],
      [
        'a section with neither text nor fields',
        [{ type: 'section', block_id: 'empty' }],
        ['missing required field: text or fields [json-pointer:/blocks/0]'],
      ],
      [
        'header over 150 characters',
        [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }],
        ['must be less than 151 characters [json-pointer:/blocks/0/text/text]'],
      ],
      [
        'a mrkdwn header',
        [{ type: 'header', text: { type: 'mrkdwn', text: '*Alert*' } }],
        ['must be a valid enum value [json-pointer:/blocks/0/text/type]'],
      ],
      [
        'a header without text',
        [{ type: 'header' }],
        ['missing required field: text [json-pointer:/blocks/0]'],
      ],
      [
        'button text over 75 characters',
        [{ type: 'actions', elements: [button({ text: { type: 'plain_text', text: 'x'.repeat(76) } })] }],
        ['must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]'],
      ],
      [
        'a mrkdwn button label',
        [{ type: 'actions', elements: [button({ text: { type: 'mrkdwn', text: '*Go*' } })] }],
        ['must be a valid enum value [json-pointer:/blocks/0/elements/0/text/type]'],
      ],
      [
        'button value over 2000 characters',
        [{ type: 'actions', elements: [button({ value: 'v'.repeat(2001) })] }],
        ['must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]'],
      ],
      [
        'action_id over 255 characters',
        [{ type: 'actions', elements: [button({ action_id: 'a'.repeat(256) })] }],
        ['must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]'],
      ],
      [
        'block_id over 255 characters',
        [{ type: 'divider', block_id: 'b'.repeat(256) }],
        ['must be less than 256 characters [json-pointer:/blocks/0/block_id]'],
      ],
      [
        'a duplicate block_id',
        [
          { type: 'divider', block_id: 'same' },
          { type: 'divider', block_id: 'same' },
        ],
        ['duplicate block_id: same [json-pointer:/blocks/1/block_id]'],
      ],
      [
        'a duplicate action_id in one block',
        [{ type: 'actions', elements: [button({ action_id: 'ack' }), button({ action_id: 'ack' })] }],
        ['duplicate action_id: ack [json-pointer:/blocks/0/elements/1/action_id]'],
      ],
      [
        'more than 10 context elements',
        [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }],
        ['no more than 10 items allowed [json-pointer:/blocks/0/elements]'],
      ],
      [
        'more than 25 action elements',
        [{ type: 'actions', elements: Array.from({ length: 26 }, () => button()) }],
        ['no more than 25 items allowed [json-pointer:/blocks/0/elements]'],
      ],
      [
        'an overflow with one option',
        [overflow(1)],
        ['must provide at least 2 items [json-pointer:/blocks/0/accessory/options]'],
      ],
      [
        'an overflow with six options',
        [overflow(6)],
        ['no more than 5 items allowed [json-pointer:/blocks/0/accessory/options]'],
      ],
      [
        'mrkdwn overflow option text',
        [overflow(2, 'mrkdwn')],
        [
          'must be a valid enum value [json-pointer:/blocks/0/accessory/options/0/text/type]',
          'must be a valid enum value [json-pointer:/blocks/0/accessory/options/1/text/type]',
        ],
      ],
      [
        'a button without text',
        [{ type: 'actions', elements: [{ type: 'button', action_id: 'x' }] }],
        ['missing required field: text [json-pointer:/blocks/0/elements/0]'],
      ],
      [
        'an input element inside actions',
        [{ type: 'actions', elements: [{ type: 'plain_text_input', action_id: 'x' }] }],
        ['failed to match all allowed schemas [json-pointer:/blocks/0/elements/0]'],
      ],
      [
        'an empty text',
        [{ type: 'section', text: { type: 'mrkdwn', text: '' } }],
        ['must be more than 0 characters [json-pointer:/blocks/0/text/text]'],
      ],
    ];

    it.each(cases)('refuses %s with invalid_blocks', async (_name, blocks, errors) => {
      // Act: `as never` sends what the Block Kit types would stop at compile time, as untyped callers can.
      const result = t.client.chat.postMessage({
        channel: ALERTS,
        text: 'fallback',
        blocks: blocks as never,
      });

      // Assess
      await expect(result).rejects.toMatchObject({
        code: 'slack_webapi_platform_error',
        data: {
          ok: false,
          error: 'invalid_blocks',
          errors,
          response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
        },
      });
      expect(t.slack.messages(ALERTS)).toEqual([]);
    });

    it('accepts an alert with 50 blocks, and the same action_id in different blocks', async () => {
      // Prepare
      const perChange = (n: number): types.ActionsBlock => ({
        type: 'actions',
        block_id: `change_${n}`,
        elements: [
          {
            type: 'button',
            action_id: 'infrawatch_ack',
            text: { type: 'plain_text', text: 'Ack' },
            value: `evt-${n}`,
          },
        ],
      });
      const blocks = [...alertBlocks(), ...Array.from({ length: 46 }, (_, n) => perChange(n))];

      // Act
      const result = await t.client.chat.postMessage({ channel: ALERTS, text: 'fallback', blocks });

      // Assess
      expect(blocks).toHaveLength(50);
      expect(result.ok).toBe(true);
    });
  });

  describe('rate limiting', () => {
    it('answers 429 with Retry-After past the burst, seen by the client as a rate-limited error', async () => {
      // Prepare
      const strict = standinWebClient(t.slack, { rejectRateLimitedCalls: true });
      for (const text of ['1', '2', '3']) await strict.chat.postMessage({ channel: ALERTS, text });

      // Act
      const fourth = strict.chat.postMessage({ channel: ALERTS, text: '4' });

      // Assess
      await expect(fourth).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 1 });
      expect(t.slack.calls.at(-1)?.response).toEqual({
        status: 429,
        headers: expect.objectContaining({ 'retry-after': '1' }),
        body: { ok: false, error: 'ratelimited' },
      });
      // Other channels have their own budget; this one refills at one message per second.
      await expect(strict.chat.postMessage({ channel: 'C0OTHER001', text: 'x' })).resolves.toMatchObject({
        ok: true,
      });
      t.now += 1000;
      await expect(strict.chat.postMessage({ channel: ALERTS, text: '4' })).resolves.toMatchObject({
        ok: true,
      });
      await expect(strict.chat.postMessage({ channel: ALERTS, text: '5' })).rejects.toMatchObject({
        retryAfter: 1,
      });
    });

    it('asks for a longer wait when the configured rate is slower', async () => {
      // Prepare
      await t.start({ rateLimit: { perChannelPerSecond: 0.25, burst: 1 } });
      const strict = standinWebClient(t.slack, { rejectRateLimitedCalls: true });
      await strict.chat.postMessage({ channel: ALERTS, text: '1' });
      t.now += 1000;

      // Act
      const second = strict.chat.postMessage({ channel: ALERTS, text: '2' });

      // Assess
      await expect(second).rejects.toMatchObject({ retryAfter: 3 });
    });

    it('lets a retrying client through once Retry-After has passed', async () => {
      // Prepare
      await t.start({ rateLimit: { perChannelPerSecond: 1, burst: 1 } });
      const retrying = standinWebClient(t.slack, {
        retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 },
      });
      // The client sleeps Retry-After in real time; the stand-in's clock moves when it is told to wait.
      retrying.on(WebClientEvent.RATE_LIMITED, (retryAfterSeconds: number) => {
        t.now += retryAfterSeconds * 1000;
      });
      await retrying.chat.postMessage({ channel: ALERTS, text: 'first' });

      // Act
      const second = await retrying.chat.postMessage({ channel: ALERTS, text: 'second' });

      // Assess
      expect(second.ok).toBe(true);
      expect(t.slack.callsTo('chat.postMessage').map((c) => c.response.status)).toEqual([200, 429, 200]);
      expect(t.slack.messages(ALERTS).map((m) => m.text)).toEqual(['first', 'second']);
    });

    it('does not limit when turned off', async () => {
      // Prepare
      await t.start({ rateLimit: false });

      // Act
      for (let i = 0; i < 10; i++) await t.client.chat.postMessage({ channel: ALERTS, text: `${i}` });

      // Assess
      expect(t.slack.messages(ALERTS)).toHaveLength(10);
    });
  });
});
