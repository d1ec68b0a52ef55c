import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { loadConfig } from '../../app/config';
import type { LogPort } from '../../app/events/process-events';
import { createEventsHandler } from '../../app/lambda/events';
import { createSlackHandler } from '../../app/lambda/slack';
import {
  type DynamoDbEngine,
  type DynamoDbEngineName,
  ensureTable,
  startEngine,
} from '../../app/local/dynamodb';
import { type EventBridgeStandin, startEventBridgeStandin } from '../../app/local/eventbridge-standin';
import { type SlackStandin, startSlackStandin } from '../../app/local/slack';
import { type HttpSlackApp, startHttpSlackApp } from '../../app/local/slack-http';
import { createRuntime } from '../../app/runtime';
import { ALERT_METADATA_TYPE } from '../../app/slack/alert-messenger';
import { CapacityMeter, createDynamoDbStore } from '../../src/store/dynamodb';
import type { Store } from '../../src/store/ports';
import { type EventBridgeEvent, lambdaContext, sqsBatch } from './events';
import { BOT_TOKEN } from './pipeline';
import { functionUrlEvent, SIGNING_SECRET, sign, TEAM_ID } from './slack-requests';

export const ALERTS_CHANNEL = 'C0ALERTS';
export const USERS = Array.from({ length: 60 }, (_, i) => ({
  id: `U0USER${String(i).padStart(2, '0')}`,
  name: `user${i}`,
}));
export const ALICE = { userId: 'U0ALICE', userName: 'alice' };
export const BOB = { userId: 'U0BOB', userName: 'bob' };
export const ALICE_EMAIL = 'alice@example.com';
export const ADMIN = { userId: 'U0ADMIN', userName: 'admin' };

export type Via = 'lambda' | 'http';

export interface SlackHarness {
  slack: SlackStandin;
  eventbridge: EventBridgeStandin;
  store: Store;
  /** The engine client behind `store` (a test may Scan the table to compare its state before and after). */
  dynamodb: DynamoDBClient;
  meter: CapacityMeter;
  logs: { level: string; message: string; attributes: Record<string, unknown> }[];
  env: Record<string, string>;
  /** Sends a signed (or deliberately mis-signed) request through one of the two real Bolt receivers. */
  send(
    body: string,
    via: Via,
    options?: { headers?: Record<string, string>; base64?: boolean },
  ): Promise<{ status: number; body: string }>;
  /** Runs CloudTrail events through the real events handler; returns the alert ids posted for them. */
  alertFor(events: readonly (EventBridgeEvent | string)[]): Promise<string[]>;
}

let tableCounter = 0;

/**
 * The Slack side as deployed, minus Slack and AWS: the Bolt app behind AwsLambdaReceiver (Function URL events)
 * and behind HTTPReceiver, sharing one real DynamoDB engine, the Slack stand-in and the EventBridge stand-in.
 */
export function useSlackHarness(engineName: DynamoDbEngineName): {
  /** `env` values that are `undefined` remove the harness's default (e.g. `SLACK_TEAM_ID`, the documented default). */
  start(options?: { env?: Record<string, string | undefined> }): Promise<SlackHarness>;
} {
  let engine: DynamoDbEngine | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    engine = await startEngine(engineName);
  }, 60_000);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  return {
    async start(options = {}) {
      if (!engine) throw new Error('engine not started');
      const slack = await startSlackStandin({
        botToken: BOT_TOKEN,
        teamId: TEAM_ID,
        rateLimit: false,
        // alice has an e-mail address, so a session named alice@example.com is asked "Was this you?".
        users: [ALICE, BOB, ADMIN]
          .map((u) => ({ id: u.userId, name: u.userName, ...(u === ALICE ? { email: ALICE_EMAIL } : {}) }))
          .concat(USERS),
        channels: [
          { id: ALERTS_CHANNEL, name: 'alerts' },
          { id: 'C0OTHER', name: 'other' },
        ],
      });
      const eventbridge = await startEventBridgeStandin();
      cleanups.push(
        () => slack.close(),
        () => eventbridge.close(),
      );
      const client = engine.client();
      cleanups.push(() => client.destroy());
      tableCounter += 1;
      const tableName = `infrawatch-slack-${process.pid}-${tableCounter}`;
      await ensureTable(client, tableName);
      const defaults: Record<string, string | undefined> = {
        TABLE_NAME: tableName,
        DYNAMODB_ENDPOINT: engine.endpoint,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.url,
        SLACK_TEAM_ID: TEAM_ID,
        DEFAULT_CHANNEL: ALERTS_CHANNEL,
        EVENTBRIDGE_ENDPOINT: eventbridge.endpoint,
        SLACK_POST_INTERVAL_MS: '0',
        ...options.env,
      };
      const env = Object.fromEntries(
        Object.entries(defaults).filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      const logs: SlackHarness['logs'] = [];
      const record =
        (level: string) =>
        (message: string, ...attributes: Record<string, unknown>[]) =>
          logs.push({ level, message, attributes: Object.assign({}, ...attributes) });
      const log: LogPort = { info: record('info'), warn: record('warn'), error: record('error') };

      const lambda = createSlackHandler(env, { log });
      const runtime = await createRuntime(loadConfig(env), { log, dynamodb: client });
      const http: HttpSlackApp = await startHttpSlackApp(runtime);
      cleanups.push(() => http.stop());
      const events = createEventsHandler(env, { log });
      const meter = new CapacityMeter();

      return {
        slack,
        eventbridge,
        store: createDynamoDbStore({ client, tableName, meter }),
        dynamodb: client,
        meter,
        logs,
        env,
        async send(body, via, sendOptions = {}) {
          const headers = sendOptions.headers ?? sign(body);
          if (via === 'lambda') {
            const result = await lambda(
              functionUrlEvent({ body, headers }, { base64: sendOptions.base64 ?? true }),
              lambdaContext(),
            );
            const response = typeof result === 'string' ? { statusCode: 200, body: result } : result;
            return { status: response.statusCode ?? 200, body: response.body ?? '' };
          }
          const response = await fetch(http.url, { method: 'POST', headers, body });
          return { status: response.status, body: await response.text() };
        },
        async alertFor(batch) {
          const response = (await events(sqsBatch(batch), lambdaContext())) as SQSBatchResponse;
          if (response.batchItemFailures.length > 0) throw new Error('seeding the alert failed');
          return slack
            .messages(ALERTS_CHANNEL)
            .map(
              (m) => m.metadata as { event_type?: string; event_payload?: { alert_id?: string } } | undefined,
            )
            .filter((meta) => meta?.event_type === ALERT_METADATA_TYPE)
            .map((meta) => meta?.event_payload?.alert_id ?? '');
        },
      };
    },
  };
}
