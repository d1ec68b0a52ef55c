import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LogLevel } from '@slack/bolt/dist/App';
// The receiver's own module: Bolt's package index would also load the HTTP, Express and Socket Mode receivers.
import AwsLambdaReceiver from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { loadConfig } from '../config';
import type { LogPort } from '../events/process-events';
import { defaultMetrics, type FlushingMetrics } from '../metrics';
import { createRuntime, oncePerContainer, startFailureMessage } from '../runtime';
import { createSlackApp } from '../slack/app';
import { SLACK_TIMEOUTS } from '../slack/client';
import { withTextBody } from '../slack/request';
import { createSlackRequestVerifier } from '../slack/verify-request';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/**
 * Slack Lambda (Function URL or API Gateway HTTP API): slash commands, button clicks and modal submissions.
 *
 * Bolt's AwsLambdaReceiver answers only once the listener has finished, and Slack gives up after 3 seconds:
 * every listener makes at most a few quick calls, and slow work (digests) is handed to EventBridge.
 * The app is built once per container, after the secrets are loaded. Until it can be built (the secret still
 * holds the stack's placeholder, Secrets Manager unreachable) every request gets a logged reason and a 500,
 * and the next request tries again: Slack shows the user that the app failed, nothing crashes.
 */
export function createSlackHandler(
  env: NodeJS.ProcessEnv = process.env,
  /** `dynamodb`: an existing client (benchmarks count its requests); otherwise one is built from the config. */
  options: { log?: LogPort; metrics?: FlushingMetrics; dynamodb?: DynamoDBClient } = {},
): Handler {
  const logger = new Logger({ serviceName: 'infrawatch-slack' });
  const log = options.log ?? logger;
  const metrics = options.metrics ?? defaultMetrics(env);

  const ready = oncePerContainer(async () => {
    const config = loadConfig(env);
    const runtime = await createRuntime(config, {
      log,
      metrics,
      dynamodb: options.dynamodb,
      slackTimeoutMs: SLACK_TIMEOUTS.interactive,
    });
    if (!runtime.secrets.signingSecret) throw new Error('The Slack signing secret is missing');
    const receiver = new AwsLambdaReceiver({
      signingSecret: runtime.secrets.signingSecret,
      logLevel: LogLevel.WARN,
    });
    const { teamId } = await createSlackApp(runtime, { receiver });
    const verify = createSlackRequestVerifier({ signingSecret: runtime.secrets.signingSecret, teamId });
    return { handle: receiver.toHandler() as Handler, verify };
  });

  return async (event, context) => {
    logger.addContext(context);
    let started: Awaited<ReturnType<typeof ready>>;
    try {
      started = await ready();
    } catch (error) {
      log.error(startFailureMessage(error), { error });
      return { statusCode: 500, body: 'InfraWatch is not ready; see its logs' };
    }
    const { handle, verify } = started;
    try {
      const normalized = withTextBody(event);
      // Signature, timestamp (either way) and team, before Bolt parses anything (see verify-request.ts).
      const refusal = verify(normalized.body ?? '', normalized.headers ?? {});
      if (refusal !== undefined) {
        log.warn('Refused a Slack request', { reason: refusal.reason });
        return { statusCode: refusal.status, body: '' };
      }
      return await handle(normalized, context);
    } finally {
      metrics.flush();
    }
  };
}

export const handler = createSlackHandler();
