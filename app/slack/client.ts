import { type FetchFunction, type Logger, LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { METRICS } from '../../src/metrics';
import { type MetricsPort, noMetrics } from '../metrics';

export interface SlackClientOptions {
  /** The Slack Web API base URL (the local stand-in in tests and `npm start`). */
  slackApiUrl?: string;
  logger?: Logger;
  metrics?: MetricsPort;
  /** How long one attempt may take (default: {@link SLACK_TIMEOUTS}.worker). */
  timeoutMs?: number;
}

/**
 * How long one Slack Web API attempt may take. WebClient's default is no timeout at all, so an unanswered
 * call would hold the invocation until Lambda ends it. The Slack function answers Slack within 3 s and has a
 * 10 s timeout: its calls get little time. The events and digest functions (90 s and more) give a slow Slack
 * more room before they leave the work to a retry.
 */
export const SLACK_TIMEOUTS = { interactive: 2_500, worker: 10_000 } as const;

/** Retries of the `general` client (never the posting one, see below). */
const GENERAL_RETRIES = 2;

/** Longest one call of the `general` client can take: three attempts plus the backoff between them. */
export function slackCallBudgetMs(timeoutMs: number): number {
  return (GENERAL_RETRIES + 1) * timeoutMs + 200 + 400;
}

/**
 * The transport every InfraWatch WebClient uses (Bolt's listener clients too): the platform fetch, counting
 * the 429 answers Slack gives (metric `SlackRateLimited`).
 */
export function countingFetch(metrics: MetricsPort): FetchFunction {
  return async (url, init) => {
    const response = await fetch(url, init);
    if (response.status === 429) metrics.count(METRICS.slackRateLimited);
    return response;
  };
}

/** Options shared by every client: timeout, 429s thrown at once, metrics on retries and rate limits. */
export function slackTransportOptions(
  options: SlackClientOptions,
  retries: number,
): Pick<WebClientOptions, 'slackApiUrl' | 'timeout' | 'rejectRateLimitedCalls' | 'retryConfig' | 'fetch'> {
  const metrics = options.metrics ?? noMetrics;
  // p-retry (WebClient's retry engine) calls onFailedAttempt; WebClient's own type omits it.
  const retryConfig = {
    retries,
    factor: 2,
    minTimeout: 200,
    maxTimeout: 1_000,
    onFailedAttempt: (error: { retriesLeft: number }) => {
      if (error.retriesLeft > 0) metrics.count(METRICS.slackRetries);
    },
  };
  return {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    timeout: options.timeoutMs ?? SLACK_TIMEOUTS.worker,
    rejectRateLimitedCalls: true,
    fetch: countingFetch(metrics),
    retryConfig: retries === 0 ? { retries: 0 } : retryConfig,
  };
}

/**
 * Two WebClients with deliberate retry policies. The library's default (10 retries over ~30 minutes, no
 * timeout) would hold a Lambda for its whole life; instead every attempt times out (see
 * {@link SLACK_TIMEOUTS}) and 429s are thrown at once (`rejectRateLimitedCalls`) so the caller decides to
 * wait briefly or leave it to an SQS retry.
 *
 * `posting` never retries by itself: a chat.postMessage whose answer was lost may have reached Slack, and
 * retrying blindly would post twice. The alert use case records the attempt and looks for the message first.
 */
export function createSlackClients(
  token: string,
  options: SlackClientOptions = {},
): { general: WebClient; posting: WebClient } {
  const logging = options.logger ? { logger: options.logger } : { logLevel: LogLevel.ERROR };
  return {
    general: new WebClient(token, { ...logging, ...slackTransportOptions(options, GENERAL_RETRIES) }),
    posting: new WebClient(token, { ...logging, ...slackTransportOptions(options, 0) }),
  };
}
