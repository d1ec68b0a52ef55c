import { App, LogLevel } from '@slack/bolt';
import {
  quietLogger,
  slackTestToken,
  standinWebClient,
  useStandin,
} from '../../../helpers/slack-standin-client';

const ALERTS = 'C0ALERTS01';
const ALICE = { id: 'U0ALICE001', name: 'alice' };
const BLOCKS = [{ type: 'section', text: { type: 'mrkdwn', text: '*alice* opened tcp/22' } }];
const MODAL = {
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: 'Investigate' },
  blocks: BLOCKS,
};

describe('Slack stand-in', () => {
  const t = useStandin({ users: [ALICE] });

  describe('auth', () => {
    it('answers auth.test with the bot identity', async () => {
      // Act
      const result = await t.client.auth.test();

      // Assess
      expect(result).toMatchObject({
        ok: true,
        team_id: 'T0LOCAL001',
        user_id: 'U0INFRABOT',
        bot_id: 'B0INFRABOT',
        url: 'https://infrawatch-local.slack.com/',
      });
      expect(t.slack.calls).toHaveLength(1);
      expect(t.slack.calls[0]).toMatchObject({ method: 'auth.test', token: slackTestToken, at: t.now });
    });

    it('answers unknown_method for the methods InfraWatch never calls', async () => {
      // Act
      const calls = ['views.update', 'views.push', 'users.info', 'conversations.info'].map((method) =>
        t.client
          .apiCall(method, { view_id: 'V1', user: ALICE.id, channel: ALERTS })
          .catch((error: unknown) => error),
      );

      // Assess
      for (const refused of await Promise.all(calls)) {
        expect(refused).toMatchObject({ data: { ok: false, error: 'unknown_method' } });
      }
    });

    it('refuses a missing token with not_authed and a wrong one with invalid_auth', async () => {
      // Prepare
      const anonymous = standinWebClient(t.slack, { token: '' });
      const wrong = standinWebClient(t.slack, { token: 'xoxb-wrong' });

      // Act & Assess
      await expect(anonymous.auth.test()).rejects.toMatchObject({
        code: 'slack_webapi_platform_error',
        data: { ok: false, error: 'not_authed' },
      });
      await expect(wrong.chat.postMessage({ channel: ALERTS, text: 'hi' })).rejects.toMatchObject({
        data: { error: 'invalid_auth' },
      });
      expect(t.slack.messages(ALERTS)).toEqual([]);
      expect(t.slack.calls.map((c) => c.response.status)).toEqual([200, 200]);
    });

    it('accepts the token as a form field, as Slack does for form posts', async () => {
      // Act
      const response = await fetch(`${t.slack.url}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: slackTestToken, channel: ALERTS, text: 'from a form' }),
      });

      // Assess
      expect(await response.json()).toMatchObject({ ok: true, channel: ALERTS });
      expect(t.slack.calls[0]).toMatchObject({
        token: slackTestToken,
        contentType: 'application/x-www-form-urlencoded',
        args: { channel: ALERTS, text: 'from a form' },
      });
      expect(t.slack.calls[0]?.args).not.toHaveProperty('token');
    });

    it('takes JSON bodies with a Bearer header, and ignores a token inside JSON like Slack', async () => {
      // Prepare
      const blocks = BLOCKS;
      const post = (headers: Record<string, string>, body: Record<string, unknown>) =>
        fetch(`${t.slack.url}chat.postMessage`, {
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
      expect(t.slack.calls[0]).toMatchObject({ contentType: 'application/json', args: { blocks } });
    });

    it('answers invalid_json to a body that is not JSON', async () => {
      // Act
      const response = await fetch(`${t.slack.url}chat.postMessage`, {
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
        clientOptions: { slackApiUrl: t.slack.url, retryConfig: { retries: 0 }, logger: quietLogger },
      });
      const impostor = new App({
        token: 'xoxb-revoked',
        signingSecret: 'local-signing-secret',
        deferInitialization: true,
        logLevel: LogLevel.ERROR,
        clientOptions: { slackApiUrl: t.slack.url, retryConfig: { retries: 0 }, logger: quietLogger },
      });

      // Act
      await app.init();
      const posted = await app.client.chat.postMessage({ channel: ALERTS, text: 'hello from Bolt' });

      // Assess
      expect(t.slack.callsTo('auth.test')).toEqual([expect.objectContaining({ token: slackTestToken })]);
      expect(posted.ts).toBe(t.slack.messages(ALERTS)[0]?.ts);
      await expect(impostor.init()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    });
  });

  describe('failure injection', () => {
    it('answers an injected HTTP 500, then recovers', async () => {
      // Prepare
      t.slack.failNext('chat.postMessage', { status: 500 });

      // Act
      const failed = t.client.chat.postMessage({ channel: ALERTS, text: 'x' });

      // Assess
      await expect(failed).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });
      await expect(t.client.chat.postMessage({ channel: ALERTS, text: 'x' })).resolves.toMatchObject({
        ok: true,
      });
    });

    it('lets the client retry through injected 500s', async () => {
      // Prepare
      t.slack.failNext('chat.postMessage', { status: 503 }, 2);
      const retrying = standinWebClient(t.slack, {
        retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 },
      });

      // Act
      const result = await retrying.chat.postMessage({ channel: ALERTS, text: 'eventually' });

      // Assess
      expect(result.ok).toBe(true);
      expect(t.slack.callsTo('chat.postMessage').map((c) => c.response.status)).toEqual([503, 503, 200]);
      expect(t.slack.messages(ALERTS)).toHaveLength(1);
    });

    it('answers an injected Slack error or 429 on the named method only', async () => {
      // Prepare
      t.slack.failNext('chat.update', { error: 'cant_update_message' });
      t.slack.failNext('views.open', { status: 429, retryAfter: 2 });
      const strict = standinWebClient(t.slack, { rejectRateLimitedCalls: true });
      const posted = await strict.chat.postMessage({ channel: ALERTS, text: 'x' });

      // Act & Assess
      await expect(
        strict.chat.update({ channel: ALERTS, ts: posted.ts ?? '', text: 'y' }),
      ).rejects.toMatchObject({
        data: { error: 'cant_update_message' },
      });
      await expect(
        strict.views.open({ trigger_id: t.slack.issueTriggerId(), view: MODAL }),
      ).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 2 });
      await expect(
        strict.chat.update({ channel: ALERTS, ts: posted.ts ?? '', text: 'y' }),
      ).resolves.toMatchObject({
        ok: true,
      });
    });
  });

  describe('fault plans', () => {
    it('asks the plan about every call, by method and index: a malformed answer after posting, then a hang', async () => {
      // Prepare: the 2nd postMessage posts, then answers with cut-off JSON; the 3rd never answers.
      const seen: string[] = [];
      await t.start({
        faults: ({ method, index }) => {
          seen.push(`${method}#${index}`);
          if (method !== 'chat.postMessage') return undefined;
          if (index === 1) return { status: 200, body: '{"ok":true,"ts":', afterApplying: true };
          return index === 2 ? { hang: true } : undefined;
        },
      });
      const impatient = standinWebClient(t.slack, { timeout: 300 });

      // Act
      await impatient.chat.postMessage({ channel: ALERTS, text: 'first' });
      const malformed = impatient.chat.postMessage({ channel: ALERTS, text: 'second' });
      await expect(malformed).rejects.toThrow();
      const hung = impatient.chat.postMessage({ channel: ALERTS, text: 'third' });

      // Assess: the malformed answer's post happened; the hung one did not, and the client gave up.
      await expect(hung).rejects.toThrow();
      expect(t.slack.messages(ALERTS).map((m) => m.text)).toEqual(['first', 'second']);
      expect(seen).toEqual(['chat.postMessage#0', 'chat.postMessage#1', 'chat.postMessage#2']);
    });

    it('carries out a hung call late, after its client gave up, when told to apply it later', async () => {
      // Prepare: the post gets no answer and lands 400 ms after it arrived.
      t.slack.failNext('chat.postMessage', { hang: true, afterApplying: true, applyAfterMs: 400 });
      const impatient = standinWebClient(t.slack, { timeout: 100 });

      // Act
      await expect(impatient.chat.postMessage({ channel: ALERTS, text: 'late' })).rejects.toThrow();
      const rightAfter = t.slack.messages(ALERTS).length;
      await new Promise((resolve) => setTimeout(resolve, 600));

      // Assess: not there when the client gave up, there later.
      expect(rightAfter).toBe(0);
      expect(t.slack.messages(ALERTS).map((m) => m.text)).toEqual(['late']);
    });
  });

  describe('reset', () => {
    it('forgets everything on reset', async () => {
      // Prepare
      await t.client.chat.postMessage({ channel: ALERTS, text: 'x' });
      await t.client.chat.postEphemeral({ channel: ALERTS, user: ALICE.id, text: 'y' });
      await t.client.views.open({ trigger_id: t.slack.issueTriggerId(), view: MODAL });
      t.slack.failNext('auth.test', { status: 500 });

      // Act
      t.slack.reset();

      // Assess
      expect([t.slack.calls, t.slack.messages(ALERTS), t.slack.ephemerals(), t.slack.views()]).toEqual([
        [],
        [],
        [],
        [],
      ]);
      await expect(t.client.auth.test()).resolves.toMatchObject({ ok: true });
    });
  });
});
