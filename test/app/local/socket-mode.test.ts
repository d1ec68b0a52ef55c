import { App } from '@slack/bolt';
import { startSlackStandin } from '../../../app/local/slack-standin';
import { createSocketModeApp, socketModeEnv } from '../../../app/local/socket-mode';

describe('Socket Mode (a real workspace without a public URL)', () => {
  const services = { dynamodbEndpoint: 'http://127.0.0.1:1', eventBridgeEndpoint: 'http://127.0.0.1:2' };

  it('says which setting is missing', () => {
    expect(() => socketModeEnv({}, services)).toThrow(/Socket Mode needs SLACK_BOT_TOKEN/);
    expect(() => socketModeEnv({ SLACK_BOT_TOKEN: 'xoxb-1', DEFAULT_CHANNEL: 'C1' }, services)).toThrow(
      /SLACK_APP_TOKEN/,
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
