import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AwsLambdaReceiver, LogLevel } from '@slack/bolt';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { loadConfig } from '../config';
import type { LogPort } from '../events/process-events';
import { createRuntime } from '../runtime';
import { createSlackApp } from '../slack/app';
import { teamIdOfRequest } from '../slack/request';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/**
 * Slack Lambda (Function URL or API Gateway HTTP API): slash commands, button clicks and modal submissions.
 *
 * Bolt's AwsLambdaReceiver answers only once the listener has finished, and Slack gives up after 3 seconds:
 * every listener makes at most a few quick calls, and slow work (digests) is handed to EventBridge.
 * The app is built once per container, after the secrets are loaded.
 */
export function createSlackHandler(
  env: NodeJS.ProcessEnv = process.env,
  /** `dynamodb`: an existing client (benchmarks count its requests); otherwise one is built from the config. */
  options: { log?: LogPort; dynamodb?: DynamoDBClient } = {},
): Handler {
  const logger = new Logger({ serviceName: 'infrawatch-slack' });
  const log = options.log ?? logger;
  let ready: Promise<{ handle: Handler; teamId: string | undefined }> | undefined;

  const start = async () => {
    const config = loadConfig(env);
    const runtime = await createRuntime(config, { log, dynamodb: options.dynamodb });
    if (!runtime.secrets.signingSecret) throw new Error('The Slack signing secret is missing');
    const receiver = new AwsLambdaReceiver({
      signingSecret: runtime.secrets.signingSecret,
      logLevel: LogLevel.WARN,
    });
    await createSlackApp(runtime, { receiver });
    return { handle: receiver.toHandler() as Handler, teamId: config.SLACK_TEAM_ID };
  };

  return async (event, context) => {
    logger.addContext(context);
    ready ??= start().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    const { handle, teamId } = await ready;
    // Function URLs deliver form posts base64-encoded; Bolt decodes them as ASCII, which breaks the signature of
    // any non-ASCII text (an "é" in a command). Decode as UTF-8 here, before Bolt verifies the signature.
    const normalized =
      event.isBase64Encoded && event.body !== undefined
        ? { ...event, body: Buffer.from(event.body, 'base64').toString('utf8'), isBase64Encoded: false }
        : event;
    // Refuse other workspaces before Bolt does any work (Bolt's authorize refuses them too).
    if (teamId !== undefined) {
      const requestTeam = teamIdOfRequest(normalized.body ?? '', normalized.headers ?? {});
      if (requestTeam !== teamId) {
        log.warn('Refused a request from another Slack team', { teamId: requestTeam ?? null });
        return { statusCode: 401, body: '' };
      }
    }
    return handle(normalized, context);
  };
}

export const handler = createSlackHandler();
