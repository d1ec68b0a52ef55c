import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LogLevel } from '@slack/bolt/dist/App';
// The receiver's own module: Bolt's package index would also load the HTTP, Express and Socket Mode receivers.
import AwsLambdaReceiver from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { loadConfig } from '../config';
import type { LogPort } from '../events/process-events';
import type { FlushingMetrics } from '../metrics';
import { createRuntime, lambdaEntry } from '../runtime';
import { SecretsError } from '../secrets';
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
  const invoke = lambdaEntry({
    serviceName: 'infrawatch-slack',
    env,
    log: options.log,
    metrics: options.metrics,
    start: async ({ log, metrics }) => {
      const runtime = await createRuntime(loadConfig(env), {
        log,
        metrics,
        dynamodb: options.dynamodb,
        slackTimeoutMs: SLACK_TIMEOUTS.interactive,
      });
      if (!runtime.secrets.signingSecret) throw new SecretsError('The Slack secret has no signingSecret');
      const receiver = new AwsLambdaReceiver({
        signingSecret: runtime.secrets.signingSecret,
        logLevel: LogLevel.WARN,
      });
      const { teamId } = await createSlackApp(runtime, { receiver });
      const verify = createSlackRequestVerifier({ signingSecret: runtime.secrets.signingSecret, teamId });
      return { handle: receiver.toHandler() as Handler, verify };
    },
  });

  return (event, context) =>
    invoke(context, async ({ log, started }) => {
      let ready: Awaited<ReturnType<typeof started>>;
      try {
        ready = await started();
      } catch {
        // Logged by started(); Slack shows the user that the app failed, and the next request tries again.
        return { statusCode: 500, body: 'InfraWatch is not ready; see its logs' };
      }
      const normalized = withTextBody(event);
      // Signature, timestamp (either way) and team, before Bolt parses anything (see verify-request.ts).
      const refusal = ready.verify(normalized.body ?? '', normalized.headers ?? {});
      if (refusal !== undefined) {
        log.warn('Refused a Slack request', { reason: refusal.reason });
        return { statusCode: refusal.status, body: '' };
      }
      return ready.handle(normalized, context);
    });
}

export const handler = createSlackHandler();
