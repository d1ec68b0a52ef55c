import { App, LogLevel, type types, verifySlackRequest } from '@slack/bolt';
import { type WebClient, WebClientEvent } from '@slack/web-api';
import {
  type SlackStandin,
  SlackStandinError,
  type SlackStandinOptions,
  startSlackStandin,
} from '../../../app/local/slack-standin';
import { quietLogger, slackTestToken, standinWebClient } from '../../helpers/slack-standin-client';

const ALERTS = 'C0ALERTS01';
const ALICE = {
  id: 'U0ALICE001',
  name: 'alice',
  realName: 'Alice Martin',
  displayName: 'alice.m',
  tz: 'Europe/Paris',
  tzOffset: 3600,
};

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

function investigateModal(overrides: Partial<types.ModalView> = {}): types.ModalView {
  return {
    type: 'modal',
    callback_id: 'infrawatch_investigate',
    title: { type: 'plain_text', text: 'Investigate change' },
    submit: { type: 'plain_text', text: 'Save' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: 'Who did what' } },
      {
        type: 'input',
        block_id: 'note',
        label: { type: 'plain_text', text: 'Note' },
        element: { type: 'plain_text_input', action_id: 'note_input', multiline: true },
      },
    ],
    ...overrides,
  };
}

describe('Slack stand-in', () => {
  let now: number;
  let slack: SlackStandin;
  let client: WebClient;

  async function start(options: Partial<SlackStandinOptions> = {}): Promise<void> {
    await slack?.close();
    slack = await startSlackStandin({
      botToken: slackTestToken,
      clock: () => now,
      users: [ALICE],
      ...options,
    });
    client = standinWebClient(slack);
  }

  beforeEach(async () => {
    now = 1_700_000_000_000;
    await start();
  });

  afterEach(async () => {
    await slack.close();
  });

  describe('auth', () => {
    it('answers auth.test with the bot identity', async () => {
      // Act
      const result = await client.auth.test();

      // Assess
      expect(result).toMatchObject({
        ok: true,
        team_id: 'T0LOCAL001',
        user_id: 'U0INFRABOT',
        bot_id: 'B0INFRABOT',
        url: 'https://infrawatch-local.slack.com/',
      });
      expect(slack.calls).toHaveLength(1);
      expect(slack.calls[0]).toMatchObject({ method: 'auth.test', token: slackTestToken, at: now });
    });

    it('refuses a missing token with not_authed and a wrong one with invalid_auth', async () => {
      // Prepare
      const anonymous = standinWebClient(slack, { token: '' });
      const wrong = standinWebClient(slack, { token: 'xoxb-wrong' });

      // Act & Assess
      await expect(anonymous.auth.test()).rejects.toMatchObject({
        code: 'slack_webapi_platform_error',
        data: { ok: false, error: 'not_authed' },
      });
      await expect(wrong.chat.postMessage({ channel: ALERTS, text: 'hi' })).rejects.toMatchObject({
        data: { error: 'invalid_auth' },
      });
      expect(slack.messages(ALERTS)).toEqual([]);
      expect(slack.calls.map((c) => c.response.status)).toEqual([200, 200]);
    });

    it('accepts the token as a form field, as Slack does for form posts', async () => {
      // Act
      const response = await fetch(`${slack.url}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: slackTestToken, channel: ALERTS, text: 'from a form' }),
      });

      // Assess
      expect(await response.json()).toMatchObject({ ok: true, channel: ALERTS });
      expect(slack.calls[0]).toMatchObject({
        token: slackTestToken,
        contentType: 'application/x-www-form-urlencoded',
        args: { channel: ALERTS, text: 'from a form' },
      });
      expect(slack.calls[0]?.args).not.toHaveProperty('token');
    });

    it('takes JSON bodies with a Bearer header, and ignores a token inside JSON like Slack', async () => {
      // Prepare
      const blocks = alertBlocks();
      const post = (headers: Record<string, string>, body: Record<string, unknown>) =>
        fetch(`${slack.url}chat.postMessage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
          body: JSON.stringify(body),
        }).then((r) => r.json() as Promise<Record<string, unknown>>);

      // Act
      const withHeader = await post(
        { authorization: `Bearer ${slackTestToken}` },
        { channel: ALERTS, text: 't', blocks },
      );
      const tokenInBody = await post({}, { token: slackTestToken, channel: ALERTS, text: 't' });

      // Assess
      expect(withHeader).toMatchObject({ ok: true, message: { blocks } });
      expect(tokenInBody).toEqual({ ok: false, error: 'not_authed' });
      expect(slack.calls[0]).toMatchObject({ contentType: 'application/json', args: { blocks } });
    });

    it('answers invalid_json to a body that is not JSON', async () => {
      // Act
      const response = await fetch(`${slack.url}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${slackTestToken}` },
        body: '{"channel": ',
      });

      // Assess
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: false, error: 'invalid_json' });
    });

    it('lets the real Bolt App initialise against it (auth.test with the bot token)', async () => {
      // Prepare
      const app = new App({
        token: slackTestToken,
        signingSecret: 'local-signing-secret',
        deferInitialization: true,
        logLevel: LogLevel.ERROR,
        clientOptions: { slackApiUrl: slack.url, retryConfig: { retries: 0 }, logger: quietLogger },
      });
      const impostor = new App({
        token: 'xoxb-revoked',
        signingSecret: 'local-signing-secret',
        deferInitialization: true,
        logLevel: LogLevel.ERROR,
        clientOptions: { slackApiUrl: slack.url, retryConfig: { retries: 0 }, logger: quietLogger },
      });

      // Act
      await app.init();
      const posted = await app.client.chat.postMessage({ channel: ALERTS, text: 'hello from Bolt' });

      // Assess
      expect(slack.callsTo('auth.test')).toEqual([expect.objectContaining({ token: slackTestToken })]);
      expect(posted.ts).toBe(slack.messages(ALERTS)[0]?.ts);
      await expect(impostor.init()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    });
  });

  describe('chat.postMessage', () => {
    it('stores the message and answers with channel, ts and message like Slack', async () => {
      // Prepare
      const blocks = alertBlocks();

      // Act
      const result = await client.chat.postMessage({
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
      expect(slack.messages(ALERTS)).toEqual([
        expect.objectContaining({ channel: ALERTS, ts: result.ts, text: 'Security group opened', blocks }),
      ]);
      // The form body's JSON-encoded blocks are recorded decoded.
      expect(slack.calls[0]?.args.blocks).toEqual(blocks);
      expect(slack.calls[0]?.contentType).toBe('application/x-www-form-urlencoded');
    });

    it('gives every message a unique, increasing ts even when the clock stands still', async () => {
      // Prepare
      await start({ rateLimit: false });

      // Act
      const first = await client.chat.postMessage({ channel: ALERTS, text: 'one' });
      const second = await client.chat.postMessage({ channel: ALERTS, text: 'two' });
      now += 2500;
      const third = await client.chat.postMessage({ channel: 'C0OTHER001', text: 'three' });

      // Assess
      expect([first.ts, second.ts, third.ts]).toEqual([
        '1700000000.000000',
        '1700000000.000001',
        '1700000002.500000',
      ]);
    });

    it('threads a reply under its parent and counts it', async () => {
      // Prepare
      const parent = await client.chat.postMessage({ channel: ALERTS, text: 'parent' });
      now += 1000;

      // Act
      const reply = await client.chat.postMessage({ channel: ALERTS, text: 'reply', thread_ts: parent.ts });

      // Assess
      expect(reply.message).toMatchObject({ thread_ts: parent.ts });
      expect(slack.message(ALERTS, parent.ts ?? '')).toMatchObject({ reply_count: 1, thread_ts: parent.ts });
      expect(slack.replies(ALERTS, parent.ts ?? '').map((m) => m.text)).toEqual(['reply']);
    });

    it('refuses an empty message with no_text and text over 40,000 characters with msg_too_long', async () => {
      // Act & Assess
      await expect(client.chat.postMessage({ channel: ALERTS, text: '' })).rejects.toMatchObject({
        data: { error: 'no_text' },
      });
      await expect(
        client.chat.postMessage({ channel: ALERTS, text: 'x'.repeat(40_001) }),
      ).rejects.toMatchObject({
        data: { error: 'msg_too_long' },
      });
      await expect(
        client.chat.postMessage({ channel: ALERTS, text: 'x'.repeat(40_000) }),
      ).resolves.toMatchObject({
        ok: true,
      });
    });

    it('answers invalid_arguments when a required argument is missing', async () => {
      // Act
      const result = client.apiCall('chat.postMessage', { text: 'nowhere' });

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
      const response = await fetch(`${slack.url}chat.postMessage`, {
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

    it('resolves channel names and posts to a user ID in the bot DM', async () => {
      // Prepare
      await start({ channels: [{ id: ALERTS, name: 'infra-alerts' }] });

      // Act
      const byName = await client.chat.postMessage({ channel: '#infra-alerts', text: 'by name' });
      const dm = await client.chat.postMessage({ channel: ALICE.id, text: 'digest' });

      // Assess
      expect(byName.channel).toBe(ALERTS);
      expect(slack.messages('infra-alerts').map((m) => m.text)).toEqual(['by name']);
      expect(dm.channel).toBe('D0ALICE001');
      expect(slack.messages('D0ALICE001').map((m) => m.text)).toEqual(['digest']);
    });

    it('refuses unknown, archived and not-joined channels when a channel list is configured', async () => {
      // Prepare
      await start({
        channels: [
          { id: ALERTS, name: 'infra-alerts' },
          { id: 'C0OLD00001', name: 'old', isArchived: true },
          { id: 'G0SECRET01', name: 'secret', isPrivate: true, isMember: false },
        ],
      });

      // Act & Assess
      await expect(client.chat.postMessage({ channel: 'C0NOPE0001', text: 't' })).rejects.toMatchObject({
        data: { error: 'channel_not_found' },
      });
      await expect(client.chat.postMessage({ channel: 'C0OLD00001', text: 't' })).rejects.toMatchObject({
        data: { error: 'is_archived' },
      });
      await expect(client.chat.postMessage({ channel: 'G0SECRET01', text: 't' })).rejects.toMatchObject({
        data: { error: 'not_in_channel' },
      });
    });
  });

  describe('chat.update', () => {
    it('replaces text and blocks of an existing message and marks it edited', async () => {
      // Prepare
      const posted = await client.chat.postMessage({ channel: ALERTS, text: 'open', blocks: alertBlocks() });
      const acknowledged = [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: ':white_check_mark: Acknowledged by <@U0ALICE001>' },
        },
      ];
      now += 5000;

      // Act
      const result = await client.chat.update({
        channel: ALERTS,
        ts: posted.ts ?? '',
        text: 'acked',
        blocks: acknowledged,
      });

      // Assess
      expect(result).toMatchObject({ ok: true, channel: ALERTS, ts: posted.ts, text: 'acked' });
      expect(slack.messages(ALERTS)).toEqual([
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
      const posted = await client.chat.postMessage({ channel: ALERTS, text: 'open', blocks: alertBlocks() });
      const ts = posted.ts ?? '';

      // Act
      await client.chat.update({ channel: ALERTS, ts, text: 'new text' });
      const kept = slack.message(ALERTS, ts);
      await client.chat.update({ channel: ALERTS, ts, text: 'no blocks', blocks: [] });

      // Assess
      expect(kept?.blocks).toEqual(alertBlocks());
      expect(slack.message(ALERTS, ts)).not.toHaveProperty('blocks');
    });

    it('answers message_not_found for an unknown ts', async () => {
      // Act & Assess
      await expect(
        client.chat.update({ channel: ALERTS, ts: '1700000000.999999', text: 'x' }),
      ).rejects.toMatchObject({
        data: { error: 'message_not_found' },
      });
    });

    it('validates the new blocks like chat.postMessage', async () => {
      // Prepare
      const posted = await client.chat.postMessage({ channel: ALERTS, text: 'open' });

      // Act
      const result = client.chat.update({
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
      expect(slack.message(ALERTS, posted.ts ?? '')?.text).toBe('open');
    });
  });

  describe('chat.postEphemeral and chat.getPermalink', () => {
    it('records an ephemeral per user and channel, outside the channel history', async () => {
      // Act
      const result = await client.chat.postEphemeral({
        channel: ALERTS,
        user: ALICE.id,
        text: 'Only you can see this',
      });

      // Assess
      expect(result).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d{10}\.\d{6}$/) });
      expect(slack.ephemerals({ user: ALICE.id })).toEqual([
        { channel: ALERTS, user: ALICE.id, message_ts: result.message_ts, text: 'Only you can see this' },
      ]);
      expect(slack.ephemerals({ channel: 'C0OTHER001' })).toEqual([]);
      expect(slack.messages(ALERTS)).toEqual([]);
    });

    it('refuses an ephemeral to someone who is not a workspace member', async () => {
      // Act & Assess
      await expect(
        client.chat.postEphemeral({ channel: ALERTS, user: 'U0NOBODY01', text: 'x' }),
      ).rejects.toMatchObject({
        data: { error: 'user_not_in_channel' },
      });
    });

    it('builds permalinks like Slack, with thread_ts for replies', async () => {
      // Prepare
      const parent = await client.chat.postMessage({ channel: ALERTS, text: 'parent' });
      now += 1000;
      const reply = await client.chat.postMessage({ channel: ALERTS, text: 'reply', thread_ts: parent.ts });

      // Act
      const parentLink = await client.chat.getPermalink({ channel: ALERTS, message_ts: parent.ts ?? '' });
      const replyLink = await client.chat.getPermalink({ channel: ALERTS, message_ts: reply.ts ?? '' });

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
        client.chat.getPermalink({ channel: ALERTS, message_ts: '1.000001' }),
      ).rejects.toMatchObject({
        data: { error: 'message_not_found' },
      });
    });
  });

  describe('views', () => {
    it('opens a modal with a minted trigger_id and records who it was opened for', async () => {
      // Prepare
      const triggerId = slack.issueTriggerId({ userId: ALICE.id });

      // Act
      const result = await client.views.open({ trigger_id: triggerId, view: investigateModal() });

      // Assess
      expect(result).toMatchObject({
        ok: true,
        view: {
          id: expect.stringMatching(/^V[0-9A-Z]+$/),
          team_id: 'T0LOCAL001',
          type: 'modal',
          callback_id: 'infrawatch_investigate',
          previous_view_id: null,
          state: { values: {} },
        },
      });
      expect(result.view?.root_view_id).toBe(result.view?.id);
      expect(slack.views()).toEqual([
        expect.objectContaining({ userId: ALICE.id, openedBy: 'views.open', view: result.view }),
      ]);
    });

    it('refuses unknown, reused and expired trigger_ids', async () => {
      // Prepare
      const used = slack.issueTriggerId();
      await client.views.open({ trigger_id: used, view: investigateModal() });
      const stale = slack.issueTriggerId();
      now += 3001;

      // Act & Assess
      await expect(
        client.views.open({ trigger_id: '1.2.abc', view: investigateModal() }),
      ).rejects.toMatchObject({
        data: { error: 'invalid_trigger_id' },
      });
      await expect(client.views.open({ trigger_id: used, view: investigateModal() })).rejects.toMatchObject({
        data: { error: 'exchanged_trigger_id' },
      });
      await expect(client.views.open({ trigger_id: stale, view: investigateModal() })).rejects.toMatchObject({
        data: { error: 'expired_trigger_id' },
      });
      expect(slack.views()).toHaveLength(1);
    });

    it('updates a view by view_id or external_id, checking the hash', async () => {
      // Prepare
      const opened = await client.views.open({
        trigger_id: slack.issueTriggerId(),
        view: investigateModal({ external_id: 'investigate-evt-1' }),
      });
      const id = opened.view?.id ?? '';

      // Act
      const byId = await client.views.update({
        view_id: id,
        hash: opened.view?.hash,
        view: investigateModal({ title: { type: 'plain_text', text: 'Saved' } }),
      });
      const byExternalId = await client.views.update({
        external_id: 'investigate-evt-1',
        view: investigateModal({ private_metadata: 'evt-1' }),
      });

      // Assess
      expect(byId.view).toMatchObject({ id, title: { text: 'Saved' } });
      expect(byExternalId.view).toMatchObject({ id, private_metadata: 'evt-1' });
      expect(slack.view(id)).toMatchObject({ updates: 2, view: { private_metadata: 'evt-1' } });
      await expect(
        client.views.update({ view_id: id, hash: 'stale', view: investigateModal() }),
      ).rejects.toMatchObject({ data: { error: 'hash_conflict' } });
      await expect(
        client.views.update({ view_id: 'V0NOPE', view: investigateModal() }),
      ).rejects.toMatchObject({
        data: { error: 'not_found' },
      });
    });

    it('pushes onto the open modal stack, up to three views', async () => {
      // Prepare
      const root = await client.views.open({
        trigger_id: slack.issueTriggerId(),
        view: investigateModal(),
      });
      const rootId = root.view?.id ?? '';

      // Act
      const second = await client.views.push({
        trigger_id: slack.issueTriggerId({ viewId: rootId }),
        view: investigateModal(),
      });
      const third = await client.views.push({
        trigger_id: slack.issueTriggerId({ viewId: second.view?.id }),
        view: investigateModal(),
      });
      const fourth = client.views.push({
        trigger_id: slack.issueTriggerId({ viewId: third.view?.id }),
        view: investigateModal(),
      });

      // Assess
      expect(second.view).toMatchObject({ root_view_id: rootId, previous_view_id: rootId });
      expect(third.view).toMatchObject({ root_view_id: rootId, previous_view_id: second.view?.id });
      await expect(fourth).rejects.toMatchObject({ data: { error: 'push_limit_reached' } });
      expect(slack.views().map((v) => v.openedBy)).toEqual(['views.open', 'views.push', 'views.push']);
    });

    it('refuses an invalid modal with invalid_arguments and Slack-style messages', async () => {
      // Prepare
      const view = investigateModal({
        title: { type: 'plain_text', text: 'An investigation title too long' },
        submit: undefined,
      });

      // Act
      const result = client.views.open({ trigger_id: slack.issueTriggerId(), view });

      // Assess
      await expect(result).rejects.toMatchObject({
        data: {
          error: 'invalid_arguments',
          response_metadata: {
            messages: [
              '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
              '[ERROR] must define `submit` to use an `input` block in modals [json-pointer:/view/blocks/1/input]',
            ],
          },
        },
      });
      expect(slack.views()).toEqual([]);
    });

    it('accepts 100 blocks in a modal and refuses 101', async () => {
      // Prepare
      const divider = { type: 'divider' };
      const hundred = investigateModal({ blocks: Array.from({ length: 100 }, () => divider) });
      const hundredOne = investigateModal({ blocks: Array.from({ length: 101 }, () => divider) });

      // Act & Assess
      await expect(
        client.views.open({ trigger_id: slack.issueTriggerId(), view: hundred }),
      ).resolves.toMatchObject({
        ok: true,
      });
      await expect(
        client.views.open({ trigger_id: slack.issueTriggerId(), view: hundredOne }),
      ).rejects.toMatchObject({
        data: {
          response_metadata: {
            messages: ['[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]'],
          },
        },
      });
    });
  });

  describe('users.info and conversations.info', () => {
    it('describes a configured user like Slack', async () => {
      // Act
      const result = await client.users.info({ user: ALICE.id });

      // Assess
      expect(result.user).toMatchObject({
        id: ALICE.id,
        name: 'alice',
        real_name: 'Alice Martin',
        tz: 'Europe/Paris',
        tz_offset: 3600,
        profile: { display_name: 'alice.m', real_name: 'Alice Martin' },
      });
      await expect(client.users.info({ user: 'U0NOBODY01' })).rejects.toMatchObject({
        data: { error: 'user_not_found' },
      });
    });

    it('creates channels on first use when none are configured, and refuses unknown ones otherwise', async () => {
      // Act
      const autoCreated = await client.conversations.info({ channel: 'C0NEW00001' });
      const byUserId = client.conversations.info({ channel: ALICE.id });
      await expect(byUserId).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
      await start({ channels: [{ id: ALERTS, name: 'infra-alerts', isPrivate: true }] });
      const configured = await client.conversations.info({ channel: ALERTS });

      // Assess
      expect(autoCreated.channel).toMatchObject({ id: 'C0NEW00001', is_member: true, is_archived: false });
      expect(configured.channel).toMatchObject({ id: ALERTS, name: 'infra-alerts', is_private: true });
      await expect(client.conversations.info({ channel: 'C0NEW00001' })).rejects.toMatchObject({
        data: { error: 'channel_not_found' },
      });
    });
  });

  describe('conversations.history and conversations.replies', () => {
    it('pages through history newest first with has_more and next_cursor, within oldest', async () => {
      // Prepare: 5 messages, one second apart.
      const posted: string[] = [];
      for (let i = 0; i < 5; i++) {
        now += 1000;
        posted.push((await client.chat.postMessage({ channel: ALERTS, text: `m${i}` })).ts ?? '');
      }

      // Act
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await client.conversations.history({
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
      const { ts = '' } = await client.chat.postMessage({ channel: ALERTS, text: 'parent' });
      await client.chat.postMessage({
        channel: ALERTS,
        thread_ts: ts,
        text: 'reply',
        metadata: { event_type: 'infrawatch_escalation', event_payload: { alert_id: 'a1' } },
      });

      const bare = await client.conversations.replies({ channel: ALERTS, ts });
      const full = await client.conversations.replies({ channel: ALERTS, ts, include_all_metadata: true });

      expect(bare.messages?.map((m) => m.text)).toEqual(['parent', 'reply']);
      expect(bare.messages?.[1]).not.toHaveProperty('metadata');
      expect(full.messages?.[1]?.metadata).toEqual({
        event_type: 'infrawatch_escalation',
        event_payload: { alert_id: 'a1' },
      });
      await expect(client.conversations.replies({ channel: ALERTS, ts: '1.000001' })).rejects.toMatchObject({
        data: { error: 'thread_not_found' },
      });
    });

    it('forgets a message a workspace admin removed', async () => {
      const { ts = '' } = await client.chat.postMessage({ channel: ALERTS, text: 'gone soon' });

      expect(slack.removeMessage(ALERTS, ts)).toBe(true);

      expect(slack.removeMessage(ALERTS, ts)).toBe(false);
      await expect(client.chat.update({ channel: ALERTS, ts, text: 'x' })).rejects.toMatchObject({
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
      const result = client.chat.postMessage({ channel: ALERTS, text: 'fallback', blocks: blocks as never });

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
      expect(slack.messages(ALERTS)).toEqual([]);
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
      const result = await client.chat.postMessage({ channel: ALERTS, text: 'fallback', blocks });

      // Assess
      expect(blocks).toHaveLength(50);
      expect(result.ok).toBe(true);
    });
  });

  describe('rate limiting', () => {
    it('answers 429 with Retry-After past the burst, seen by the client as a rate-limited error', async () => {
      // Prepare
      const strict = standinWebClient(slack, { rejectRateLimitedCalls: true });
      for (const text of ['1', '2', '3']) await strict.chat.postMessage({ channel: ALERTS, text });

      // Act
      const fourth = strict.chat.postMessage({ channel: ALERTS, text: '4' });

      // Assess
      await expect(fourth).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 1 });
      expect(slack.calls.at(-1)?.response).toEqual({
        status: 429,
        headers: expect.objectContaining({ 'retry-after': '1' }),
        body: { ok: false, error: 'ratelimited' },
      });
      // Other channels have their own budget; this one refills at one message per second.
      await expect(strict.chat.postMessage({ channel: 'C0OTHER001', text: 'x' })).resolves.toMatchObject({
        ok: true,
      });
      now += 1000;
      await expect(strict.chat.postMessage({ channel: ALERTS, text: '4' })).resolves.toMatchObject({
        ok: true,
      });
      await expect(strict.chat.postMessage({ channel: ALERTS, text: '5' })).rejects.toMatchObject({
        retryAfter: 1,
      });
    });

    it('asks for a longer wait when the configured rate is slower', async () => {
      // Prepare
      await start({ rateLimit: { perChannelPerSecond: 0.25, burst: 1 } });
      const strict = standinWebClient(slack, { rejectRateLimitedCalls: true });
      await strict.chat.postMessage({ channel: ALERTS, text: '1' });
      now += 1000;

      // Act
      const second = strict.chat.postMessage({ channel: ALERTS, text: '2' });

      // Assess
      await expect(second).rejects.toMatchObject({ retryAfter: 3 });
    });

    it('lets a retrying client through once Retry-After has passed', async () => {
      // Prepare
      await start({ rateLimit: { perChannelPerSecond: 1, burst: 1 } });
      const retrying = standinWebClient(slack, { retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 } });
      // The client sleeps Retry-After in real time; the stand-in's clock moves when it is told to wait.
      retrying.on(WebClientEvent.RATE_LIMITED, (retryAfterSeconds: number) => {
        now += retryAfterSeconds * 1000;
      });
      await retrying.chat.postMessage({ channel: ALERTS, text: 'first' });

      // Act
      const second = await retrying.chat.postMessage({ channel: ALERTS, text: 'second' });

      // Assess
      expect(second.ok).toBe(true);
      expect(slack.callsTo('chat.postMessage').map((c) => c.response.status)).toEqual([200, 429, 200]);
      expect(slack.messages(ALERTS).map((m) => m.text)).toEqual(['first', 'second']);
    });

    it('does not limit when turned off', async () => {
      // Prepare
      await start({ rateLimit: false });

      // Act
      for (let i = 0; i < 10; i++) await client.chat.postMessage({ channel: ALERTS, text: `${i}` });

      // Assess
      expect(slack.messages(ALERTS)).toHaveLength(10);
    });
  });

  describe('failure injection', () => {
    it('answers an injected HTTP 500, then recovers', async () => {
      // Prepare
      slack.failNext('chat.postMessage', { status: 500 });

      // Act
      const failed = client.chat.postMessage({ channel: ALERTS, text: 'x' });

      // Assess
      await expect(failed).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });
      await expect(client.chat.postMessage({ channel: ALERTS, text: 'x' })).resolves.toMatchObject({
        ok: true,
      });
    });

    it('lets the client retry through injected 500s', async () => {
      // Prepare
      slack.failNext('chat.postMessage', { status: 503 }, 2);
      const retrying = standinWebClient(slack, { retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 } });

      // Act
      const result = await retrying.chat.postMessage({ channel: ALERTS, text: 'eventually' });

      // Assess
      expect(result.ok).toBe(true);
      expect(slack.callsTo('chat.postMessage').map((c) => c.response.status)).toEqual([503, 503, 200]);
      expect(slack.messages(ALERTS)).toHaveLength(1);
    });

    it('answers an injected Slack error or 429 on the named method only', async () => {
      // Prepare
      slack.failNext('chat.update', { error: 'cant_update_message' });
      slack.failNext('views.open', { status: 429, retryAfter: 2 });
      const strict = standinWebClient(slack, { rejectRateLimitedCalls: true });
      const posted = await strict.chat.postMessage({ channel: ALERTS, text: 'x' });

      // Act & Assess
      await expect(
        strict.chat.update({ channel: ALERTS, ts: posted.ts ?? '', text: 'y' }),
      ).rejects.toMatchObject({
        data: { error: 'cant_update_message' },
      });
      await expect(
        strict.views.open({ trigger_id: slack.issueTriggerId(), view: investigateModal() }),
      ).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 2 });
      await expect(
        strict.chat.update({ channel: ALERTS, ts: posted.ts ?? '', text: 'y' }),
      ).resolves.toMatchObject({
        ok: true,
      });
    });
  });

  describe('signing and reset', () => {
    it('signs request bodies the way Bolt verifies them', async () => {
      // Prepare
      await start({ signingSecret: 'local-signing-secret' });
      const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';

      // Act
      const headers = slack.signRequest(body);

      // Assess
      expect(() =>
        verifySlackRequest({
          signingSecret: 'local-signing-secret',
          body,
          headers: {
            'x-slack-signature': headers['x-slack-signature'],
            'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
          },
          nowMilliseconds: now,
        }),
      ).not.toThrow();
      expect(() =>
        verifySlackRequest({
          signingSecret: 'another-secret',
          body,
          headers: {
            'x-slack-signature': headers['x-slack-signature'],
            'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
          },
          nowMilliseconds: now,
        }),
      ).toThrow();
    });

    it('refuses to sign without a signing secret', () => {
      // Act & Assess
      expect(() => slack.signRequest('x')).toThrow(SlackStandinError);
    });

    it('forgets everything on reset', async () => {
      // Prepare
      await client.chat.postMessage({ channel: ALERTS, text: 'x' });
      await client.chat.postEphemeral({ channel: ALERTS, user: ALICE.id, text: 'y' });
      await client.views.open({ trigger_id: slack.issueTriggerId(), view: investigateModal() });
      slack.failNext('auth.test', { status: 500 });

      // Act
      slack.reset();

      // Assess
      expect([slack.calls, slack.messages(ALERTS), slack.ephemerals(), slack.views()]).toEqual([
        [],
        [],
        [],
        [],
      ]);
      await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    });
  });
});
