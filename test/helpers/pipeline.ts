import type { LogPort } from '../../app/events/process-events';
import { createEventsHandler, type EventsHandler } from '../../app/lambda/events';
import {
  type DynamoDbEngine,
  type DynamoDbEngineName,
  ensureTable,
  startEngine,
} from '../../app/local/dynamodb';
import { type SlackStandin, type SlackStandinOptions, startSlackStandin } from '../../app/local/slack';
import { CapacityMeter, createDynamoDbStore } from '../../src/store/dynamodb';
import { createDynamoDbPipeline } from '../../src/store/dynamodb/pipeline';
import type { Store } from '../../src/store/ports';
import type { PipelineRepository } from '../../src/store/ports/pipeline';

export const BOT_TOKEN = 'xoxb-test-0000-infrawatch';
export const CHANNELS = ['C0ALERTS', 'C0SECURITY', 'C0NETWORK', 'C0IAM'] as const;

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  attributes: Record<string, unknown>;
}

export interface Pipeline {
  handler: EventsHandler;
  slack: SlackStandin;
  /** The same table, for assertions (with its own capacity meter). */
  store: Store;
  /** The pipeline's own items (activity per account, heartbeat notices, health counts). */
  pipelineStore: PipelineRepository;
  meter: CapacityMeter;
  logs: LogLine[];
  tableName: string;
  /** The engine's endpoint, for other handlers on the same table. */
  dynamodbEndpoint: string;
  /** Another events handler on the same table and stand-in: a second Lambda container (its own runtime). */
  instance(): EventsHandler;
  /** The handlers' environment (for other functions on the same table and stand-in). */
  env: Record<string, string>;
  /** Where the handlers log. */
  log: LogPort;
}

let tableCounter = 0;

/**
 * The events pipeline as deployed, minus AWS: the real handler (config from an environment, the real
 * DynamoDB adapter and WebClient) against a real DynamoDB engine and the Slack stand-in.
 */
export function usePipeline(engineName: DynamoDbEngineName): {
  start(options?: { env?: Record<string, string>; slack?: Partial<SlackStandinOptions> }): Promise<Pipeline>;
} {
  let engine: DynamoDbEngine | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    engine = await startEngine(engineName);
  }, 60_000);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  return {
    async start(options = {}) {
      if (!engine) throw new Error('engine not started');
      const slack = await startSlackStandin({
        botToken: BOT_TOKEN,
        rateLimit: false,
        channels: CHANNELS.map((id) => ({ id, name: id.toLowerCase() })),
        ...options.slack,
      });
      const client = engine.client();
      cleanups.push(
        () => client.destroy(),
        () => slack.close(),
      );
      tableCounter += 1;
      const tableName = `infrawatch-e2e-${process.pid}-${tableCounter}`;
      await ensureTable(client, tableName);
      const logs: LogLine[] = [];
      const log =
        (level: LogLine['level']) =>
        (message: string, ...attributes: Record<string, unknown>[]) =>
          logs.push({ level, message, attributes: Object.assign({}, ...attributes) });
      const logPort: LogPort = { info: log('info'), warn: log('warn'), error: log('error') };
      const env = {
        TABLE_NAME: tableName,
        DYNAMODB_ENDPOINT: engine.endpoint,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: slack.url,
        DEFAULT_CHANNEL: CHANNELS[0],
        SLACK_POST_INTERVAL_MS: '0',
        ...options.env,
      };
      const instance = () => createEventsHandler(env, { log: logPort });
      const meter = new CapacityMeter();
      return {
        handler: instance(),
        instance,
        env,
        log: logPort,
        slack,
        store: createDynamoDbStore({ client, tableName, meter }),
        pipelineStore: createDynamoDbPipeline({ client, tableName, meter }),
        meter,
        logs,
        tableName,
        dynamodbEndpoint: engine.endpoint,
      };
    },
  };
}
