/**
 * `npm run start:socket`: InfraWatch against a real Slack workspace from this machine, without a public URL.
 * Bolt connects out over Socket Mode (SLACK_APP_TOKEN, an app-level `xapp-` token with connections:write);
 * alerts are posted with SLACK_BOT_TOKEN to DEFAULT_CHANNEL; DynamoDB is embedded (dynalite, data in
 * .infrawatch/socket). Send events with `curl -X POST --data @event.json http://127.0.0.1:3000/events`.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { App } from '@slack/bolt';
import { listWords } from '../../src/words';
import { ConfigError, loadConfig } from '../config';
import type { LogPort } from '../events/process-events';
import { createDigestHandler } from '../lambda/digest';
import { createEventsHandler } from '../lambda/events';
import { createRuntime } from '../runtime';
import { createSlackApp } from '../slack/app';
import { DIGEST_REQUESTED_DETAIL_TYPE } from '../slack/deps';
import { ensureTable, startDynalite } from './dynamodb';
import { startEventBridgeStandin } from './eventbridge-standin';
import { readText } from './http';
import { lambdaContext, sqsEventOf } from './lambda-invocation';

const consoleLog: LogPort = {
  info: () => undefined,
  warn: (message, ...attributes) => console.warn(message, ...attributes),
  error: (message, ...attributes) => console.error(message, ...attributes),
};

/** Token mix-ups Slack's own error ("invalid_auth", or a socket that never opens) does not explain. */
function tokenProblems(env: NodeJS.ProcessEnv): string[] {
  const bot = env.SLACK_BOT_TOKEN;
  const app = env.SLACK_APP_TOKEN;
  if (bot?.startsWith('xapp-') && app?.startsWith('xoxb-')) {
    return [
      'SLACK_BOT_TOKEN and SLACK_APP_TOKEN look swapped: the bot token starts with xoxb-, the app-level token with xapp-',
    ];
  }
  const problems: string[] = [];
  if (bot?.startsWith('xapp-'))
    problems.push(
      'SLACK_BOT_TOKEN is an app-level token (xapp-…); use the bot token (xoxb-…, OAuth & Permissions)',
    );
  if (app?.startsWith('xoxb-'))
    problems.push(
      'SLACK_APP_TOKEN is a bot token (xoxb-…); use an app-level token (xapp-…, Basic Information > App-Level Tokens, scope connections:write)',
    );
  return problems;
}

/** The environment the Socket Mode app runs with: the caller's Slack settings plus the embedded services. */
export function socketModeEnv(
  env: NodeJS.ProcessEnv,
  services: { dynamodbEndpoint: string; eventBridgeEndpoint: string },
): Record<string, string | undefined> {
  const missing = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'DEFAULT_CHANNEL'].filter((name) => !env[name]);
  const problems = [
    ...(missing.length > 0
      ? [`Socket Mode needs ${listWords(missing)} (see README, "Run against a real workspace")`]
      : []),
    ...tokenProblems(env),
  ];
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return {
    ...env,
    TABLE_NAME: 'infrawatch',
    DYNAMODB_ENDPOINT: services.dynamodbEndpoint,
    EVENTBRIDGE_ENDPOINT: services.eventBridgeEndpoint,
  };
}

/** Slack could not be reached, or refused a token: said in words, not as "fetch failed". */
export class SlackConnectionError extends Error {
  readonly code = 'SlackConnection';
}

/** Turns a Web API failure at start-up into a sentence that names the host or the token. */
function explainSlackFailure(error: unknown, slackApiUrl: string | undefined, token: string): unknown {
  const failure = error as { code?: unknown; original?: { message?: unknown }; data?: { error?: unknown } };
  const host = new URL(slackApiUrl ?? 'https://slack.com/api/').host;
  if (failure.code === 'slack_webapi_request_error') {
    const detail =
      typeof failure.original?.message === 'string'
        ? ` (${failure.original.message.replace(/^\w*Error: /, '')})`
        : '';
    return new SlackConnectionError(
      `Slack (${host}) could not be reached${detail}: check this machine's network connection or proxy`,
      { cause: error },
    );
  }
  if (failure.code === 'slack_webapi_platform_error' && typeof failure.data?.error === 'string') {
    return new SlackConnectionError(`Slack refused ${token} (${failure.data.error})`, { cause: error });
  }
  return error;
}

/** Builds (does not start) the Bolt app in Socket Mode from a validated runtime. */
export async function createSocketModeApp(
  env: Record<string, string | undefined>,
  log: LogPort = consoleLog,
): Promise<App> {
  const config = loadConfig(env);
  if (!config.SLACK_APP_TOKEN) throw new ConfigError('SLACK_APP_TOKEN is required for Socket Mode');
  const runtime = await createRuntime(config, { log });
  try {
    return (await createSlackApp(runtime, { socketMode: true, appToken: config.SLACK_APP_TOKEN })).app;
  } catch (error) {
    throw explainSlackFailure(error, config.SLACK_API_URL, 'SLACK_BOT_TOKEN');
  }
}

/** Opens the Socket Mode connection (apps.connections.open with the app-level token, then a WebSocket). */
async function startSocketModeApp(app: App, slackApiUrl: string | undefined): Promise<void> {
  try {
    await app.start();
  } catch (error) {
    throw explainSlackFailure(error, slackApiUrl, 'SLACK_APP_TOKEN');
  }
}

async function main(): Promise<void> {
  const dynamodb = await startDynalite({ path: join(process.cwd(), '.infrawatch', 'socket') });
  const client = dynamodb.client();
  await ensureTable(client, 'infrawatch');
  let env: Record<string, string | undefined> = {};
  const eventbridge = await startEventBridgeStandin({
    rules: [
      {
        name: 'digest-requested',
        pattern: { source: ['infrawatch'], 'detail-type': [DIGEST_REQUESTED_DETAIL_TYPE] },
        target: (event) =>
          createDigestHandler(env, { log: consoleLog })(event, lambdaContext('infrawatch-digest')),
      },
    ],
    onTargetError: (error) => console.error('digest failed:', error),
  });
  env = socketModeEnv(process.env, {
    dynamodbEndpoint: dynamodb.endpoint,
    eventBridgeEndpoint: eventbridge.endpoint,
  });
  const app = await createSocketModeApp(env);
  await startSocketModeApp(app, env.SLACK_API_URL);
  const events = createEventsHandler(env, { log: consoleLog });
  const port = Number(process.env.PORT ?? 3000);
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/events') {
      res.writeHead(404).end('POST /events with an EventBridge event\n');
      return;
    }
    try {
      const body = await readText(req);
      JSON.parse(body);
      const result = await events(sqsEventOf([body]), lambdaContext('infrawatch-events'));
      res.writeHead(result?.batchItemFailures.length ? 503 : 202, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result ?? {}));
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  console.log(`InfraWatch in Socket Mode: connected to Slack; alerts go to ${env.DEFAULT_CHANNEL}.
  POST http://127.0.0.1:${port}/events   (an EventBridge CloudTrail event)`);
  const stop = async () => {
    server.close();
    await app.stop();
    client.destroy();
    await eventbridge.close();
    await dynamodb.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`infrawatch: Socket Mode could not start: ${(error as Error).message}`);
    process.exit(1);
  });
}
