import { AWS_CALL_BUDGET_MS, AWS_TIMEOUTS } from '../../app/aws/clients';
import { loadConfig } from '../../app/config';
import type { LogPort } from '../../app/events/process-events';
import { createRuntime } from '../../app/runtime';
import { loadSlackSecrets, SecretsError } from '../../app/secrets';
import { slackAppDeps } from '../../app/slack/app';
import { SLACK_TIMEOUTS, slackCallBudgetMs } from '../../app/slack/client';
import { FUNCTION_TIMEOUTS } from '../../infra/stacks/infrawatch-stack';
import { type BlackHole, startBlackHole } from '../helpers/aws-standins';
import { BOT_TOKEN } from '../helpers/pipeline';

/** The functions' timeouts as the stack sets them: Slack's is the shortest. */
const SLACK_FUNCTION_TIMEOUT_MS = FUNCTION_TIMEOUTS.slack.toMilliseconds();
const EVENTS_FUNCTION_TIMEOUT_MS = FUNCTION_TIMEOUTS.events.toMilliseconds();

const silent: LogPort = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Runs `body` with the given variables set in process.env (the SDK reads them when a client is built). */
async function withEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  try {
    return await body();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe('every client gives up on a black-holed endpoint (accepts, never answers)', () => {
  const holes: Record<'dynamodb' | 'eventbridge' | 'secrets' | 'slack', BlackHole | undefined> = {
    dynamodb: undefined,
    eventbridge: undefined,
    secrets: undefined,
    slack: undefined,
  };
  beforeAll(async () => {
    for (const name of Object.keys(holes) as (keyof typeof holes)[]) holes[name] = await startBlackHole();
  });
  afterAll(async () => {
    for (const hole of Object.values(holes)) await hole?.close();
  });

  it('budgets every call below the shortest function timeout', () => {
    expect(AWS_CALL_BUDGET_MS).toBeLessThan(SLACK_FUNCTION_TIMEOUT_MS);
    expect(slackCallBudgetMs(SLACK_TIMEOUTS.interactive)).toBeLessThan(SLACK_FUNCTION_TIMEOUT_MS);
    expect(slackCallBudgetMs(SLACK_TIMEOUTS.worker)).toBeLessThan(EVENTS_FUNCTION_TIMEOUT_MS / 2);
  });

  it('fails DynamoDB, EventBridge, Secrets Manager and Slack calls with a timeout, after its retries', async () => {
    // Prepare: the deployed configuration (no explicit endpoints), pointed at the black holes the way the
    // SDK allows it: its own AWS_ENDPOINT_URL_<SERVICE> variables. Slack through SLACK_API_URL.
    const url = (name: keyof typeof holes) => holes[name]?.url ?? '';
    await withEnv(
      {
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDBLACKHOLE',
        AWS_SECRET_ACCESS_KEY: 'black-hole',
        AWS_ENDPOINT_URL_DYNAMODB: url('dynamodb'),
        AWS_ENDPOINT_URL_EVENTBRIDGE: url('eventbridge'),
        AWS_ENDPOINT_URL_SECRETS_MANAGER: url('secrets'),
      },
      async () => {
        const config = loadConfig({
          TABLE_NAME: 'infrawatch',
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_API_URL: `${url('slack')}/api/`,
        });
        // The Slack function's clients (the events and digest functions wait longer per attempt).
        const runtime = await createRuntime(config, {
          log: silent,
          slackTimeoutMs: SLACK_TIMEOUTS.interactive,
        });
        const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:infrawatch-slack-AbCdEf';

        // Act: one call per client, all at once (each would hang forever without its timeouts).
        const results = await Promise.allSettled([
          runtime.store.changes.get('some-event'),
          slackAppDeps(runtime).events.publish('InfraWatch Test', { ok: true }),
          loadSlackSecrets({ ...config, SLACK_SECRET_ARN: secretArn }),
          runtime.slack.general.auth.test(),
          runtime.slack.posting.chat.postMessage({ channel: 'C0ALERTS', text: 'hello' }),
        ]);

        // Assess: every call failed with a timeout, after the attempts its policy allows.
        const [dynamodb, eventbridge, secrets, general, posting] = results.map((result) =>
          result.status === 'rejected' ? (result.reason as Error & { original?: Error }) : undefined,
        );
        expect(dynamodb).toMatchObject({ name: 'TimeoutError' });
        expect(eventbridge).toMatchObject({ name: 'TimeoutError' });
        expect(secrets).toBeInstanceOf(SecretsError);
        // Powertools Parameters wraps the SDK's error in a GetParameterError, which keeps it as its cause.
        expect(((secrets?.cause as Error | undefined)?.cause as Error | undefined)?.name).toBe(
          'TimeoutError',
        );
        // WebClient wraps the fetch abort (AbortSignal.timeout) in a request error.
        for (const slack of [general, posting]) {
          expect(slack).toMatchObject({ code: 'slack_webapi_request_error' });
          expect(String(slack?.original)).toMatch(/TimeoutError|aborted due to timeout/);
        }
        expect(holes.dynamodb?.requests).toBe(AWS_TIMEOUTS.maxAttempts);
        expect(holes.eventbridge?.requests).toBe(AWS_TIMEOUTS.maxAttempts);
        expect(holes.secrets?.requests).toBe(AWS_TIMEOUTS.maxAttempts);
        // general retries twice; posting never retries (a lost post answer must not post twice).
        expect(holes.slack?.requests).toBe(3 + 1);
      },
    );
  });
});
