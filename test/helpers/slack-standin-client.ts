import { type Logger, LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { type SlackStandin, type SlackStandinOptions, startSlackStandin } from '../../app/local/slack';

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

/** A stand-in per test on a clock the test moves (`standin.now`), with a WebClient on it. */
export interface StandinFixture {
  now: number;
  readonly slack: SlackStandin;
  readonly client: WebClient;
  /** Restarts the stand-in with other options (the defaults: the test token, the clock, `users`). */
  start(options?: Partial<SlackStandinOptions>): Promise<void>;
}

/** Registers beforeEach/afterEach hooks that start a fresh stand-in for every test. */
export function useStandin(defaults: Partial<SlackStandinOptions> = {}): StandinFixture {
  let slack: SlackStandin | undefined;
  let client: WebClient | undefined;
  const fixture: StandinFixture = {
    now: 0,
    get slack() {
      if (!slack) throw new Error('the stand-in runs only inside a test');
      return slack;
    },
    get client() {
      if (!client) throw new Error('the stand-in runs only inside a test');
      return client;
    },
    async start(options = {}) {
      await slack?.close();
      slack = await startSlackStandin({
        botToken: slackTestToken,
        clock: () => fixture.now,
        ...defaults,
        ...options,
      });
      client = standinWebClient(slack);
    },
  };
  beforeEach(async () => {
    fixture.now = 1_700_000_000_000;
    await fixture.start();
  });
  afterEach(async () => {
    await slack?.close();
  });
  return fixture;
}
