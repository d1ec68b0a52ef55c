import { type Logger, LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import type { SlackStandin } from '../../app/local/slack-standin';

const noop = (): void => undefined;

/** A logger that drops everything: the WebClient logs every refused call, which tests provoke on purpose. */
export const quietLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  setLevel: noop,
  getLevel: () => LogLevel.ERROR,
  setName: noop,
};

/**
 * The real WebClient pointed at the stand-in. No retries unless asked: a test that wants Slack's
 * retry behaviour passes its own `retryConfig`.
 */
export function standinWebClient(
  slack: SlackStandin,
  options: WebClientOptions & { token?: string } = {},
): WebClient {
  const { token = slackTestToken, ...rest } = options;
  return new WebClient(token, {
    slackApiUrl: slack.url,
    retryConfig: { retries: 0 },
    logger: quietLogger,
    ...rest,
  });
}

/** The bot token tests start the stand-in with. */
export const slackTestToken = 'xoxb-0000000000-0000000000000-infrawatchlocaltoken';
