import { App } from '@slack/bolt';
import { startSlackStandin } from '../../../app/local/slack';
import { createSocketModeApp, socketModeEnv } from '../../../app/local/socket-mode';

describe('Socket Mode (a real workspace without a public URL)', () => {
  const services = { dynamodbEndpoint: 'http://127.0.0.1:1', eventBridgeEndpoint: 'http://127.0.0.1:2' };

  it('says which setting is missing', () => {
    expect(() => socketModeEnv({}, services)).toThrow(/Socket Mode needs SLACK_BOT_TOKEN/);
    expect(() => socketModeEnv({ SLACK_BOT_TOKEN: 'xoxb-1', DEFAULT_CHANNEL: 'C1' }, services)).toThrow(
      /SLACK_APP_TOKEN/,
    );
  });

  it('reports every missing setting at once, and notices swapped tokens', () => {
    expect(() => socketModeEnv({}, services)).toThrow(
      'Socket Mode needs SLACK_BOT_TOKEN, SLACK_APP_TOKEN and DEFAULT_CHANNEL (see README, "Run against a real workspace")',
    );
    expect(() =>
      socketModeEnv({ SLACK_BOT_TOKEN: 'xapp-1-A0-1-abc', SLACK_APP_TOKEN: 'xoxb-1-2-abc' }, services),
    ).toThrow(
      /^Socket Mode needs DEFAULT_CHANNEL .*; SLACK_BOT_TOKEN and SLACK_APP_TOKEN look swapped: the bot token starts with xoxb-, the app-level token with xapp-/,
    );
    expect(() =>
      socketModeEnv(
        { SLACK_BOT_TOKEN: 'xapp-1-A0', SLACK_APP_TOKEN: 'xapp-1-A1', DEFAULT_CHANNEL: 'C1' },
        services,
      ),
    ).toThrow(/SLACK_BOT_TOKEN is an app-level token \(xapp-…\); use the bot token \(xoxb-…/);
  });

  it('says that Slack could not be reached, not "fetch failed"', async () => {
    const env = socketModeEnv(
      {
        SLACK_BOT_TOKEN: 'xoxb-socket-test',
        SLACK_APP_TOKEN: 'xapp-1-test',
        DEFAULT_CHANNEL: 'C0SOCKET',
        SLACK_API_URL: 'http://127.0.0.1:1/api/',
      },
      services,
    );
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    await expect(createSocketModeApp(env, quiet)).rejects.toThrow(
      /^Slack \(127\.0\.0\.1:1\) could not be reached \(fetch failed\): check this machine's network connection or proxy/,
    );
  });

  it('builds the same Bolt app with the Socket Mode receiver (not started: that needs Slack)', async () => {
    const slack = await startSlackStandin({ botToken: 'xoxb-socket-test', rateLimit: false });
    try {
      const env = socketModeEnv(
        {
          SLACK_BOT_TOKEN: 'xoxb-socket-test',
          SLACK_APP_TOKEN: 'xapp-1-test',
          DEFAULT_CHANNEL: 'C0SOCKET',
          SLACK_API_URL: slack.url,
        },
        services,
      );
      const app = await createSocketModeApp(env, {
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      });
      expect(app).toBeInstanceOf(App);
      expect(
        (app as unknown as { receiver: { constructor: { name: string } } }).receiver.constructor.name,
      ).toBe('SocketModeReceiver');
      expect(slack.callsTo('auth.test')).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });
});
