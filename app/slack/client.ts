import { type Logger, LogLevel, WebClient } from '@slack/web-api';

export interface SlackClientOptions {
  /** The Slack Web API base URL (the local stand-in in tests and `npm start`). */
  slackApiUrl?: string;
  logger?: Logger;
}

/**
 * Two WebClients with deliberate retry policies. The library's default (10 retries over ~30 minutes, no
 * timeout) would hold a Lambda for its whole life; instead every call times out after 5 s and 429s are
 * thrown at once (`rejectRateLimitedCalls`) so the caller decides to wait briefly or leave it to an SQS retry.
 *
 * `posting` never retries by itself: a chat.postMessage whose answer was lost may have reached Slack, and
 * retrying blindly would post twice. The alert use case records the attempt and looks for the message first.
 */
export function createSlackClients(
  token: string,
  options: SlackClientOptions = {},
): { general: WebClient; posting: WebClient } {
  const common = {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    ...(options.logger ? { logger: options.logger } : { logLevel: LogLevel.ERROR }),
    timeout: 5_000,
    rejectRateLimitedCalls: true,
  };
  return {
    general: new WebClient(token, {
      ...common,
      retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
    }),
    posting: new WebClient(token, { ...common, retryConfig: { retries: 0 } }),
  };
}
