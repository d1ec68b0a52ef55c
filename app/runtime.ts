import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { WebClient } from '@slack/web-api';
import { DEFAULT_BURST_POLICY } from '../src/changes/burst';
import type { AlertContent } from '../src/changes/types';
import { CapacityMeter, createDynamoDbStore } from '../src/store/dynamodb';
import type { Store } from '../src/store/ports';
import type { AlertMessenger, AlertRenderer, Clock } from '../src/use-cases/ports';
import { systemClock } from '../src/use-cases/ports';
import type { RecordChangesDeps } from '../src/use-cases/record-changes';
import { renderAlertContent } from '../src/views';
import { loadCatalog } from '../src/watches';
import type { WatchCatalog } from '../src/watches/types';
import type { Config } from './config';
import type { LogPort } from './events/process-events';
import { loadSlackSecrets, type SlackSecrets } from './secrets';
import { createAlertMessenger } from './slack/alert-messenger';
import { createSlackClients } from './slack/client';

/** Everything a Lambda entry or the local stack needs, built once per container / process. */
export interface Runtime {
  config: Config;
  secrets: SlackSecrets;
  store: Store;
  meter: CapacityMeter;
  catalog: WatchCatalog;
  slack: { general: WebClient; posting: WebClient };
  messenger: AlertMessenger;
  render: AlertRenderer;
  clock: Clock;
  log: LogPort;
}

export interface RuntimeOverrides {
  clock?: Clock;
  log: LogPort;
  /** An existing DynamoDB client (tests share one engine). */
  dynamodb?: DynamoDBClient;
}

export function createAlertRenderer(config: Config, catalog: WatchCatalog): AlertRenderer {
  const titles = new Map(catalog.watches.map((watch) => [watch.id, watch.title]));
  return (content: AlertContent) =>
    renderAlertContent(content, {
      alertId: content.id,
      accountAlias: config.ACCOUNT_ALIASES,
      ...(content.watch && titles.has(content.watch) ? { watchTitle: titles.get(content.watch) } : {}),
    });
}

export async function createRuntime(config: Config, overrides: RuntimeOverrides): Promise<Runtime> {
  const clock = overrides.clock ?? systemClock;
  const secrets = await loadSlackSecrets(config);
  const dynamodb =
    overrides.dynamodb ??
    new DynamoDBClient(
      config.DYNAMODB_ENDPOINT
        ? {
            endpoint: config.DYNAMODB_ENDPOINT,
            region: 'us-east-1',
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          }
        : {},
    );
  const meter = new CapacityMeter();
  const store = createDynamoDbStore({ client: dynamodb, tableName: config.TABLE_NAME, meter });
  const catalog = loadCatalog({
    ...(config.WATCHES_DIR ? { watchesDir: config.WATCHES_DIR } : {}),
    ...(config.BUILT_IN_WATCHES ? { builtIn: config.BUILT_IN_WATCHES } : {}),
  });
  const slack = createSlackClients(
    secrets.botToken,
    config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {},
  );
  const messenger = createAlertMessenger(slack, clock, { postIntervalMs: config.SLACK_POST_INTERVAL_MS });
  return {
    config,
    secrets,
    store,
    meter,
    catalog,
    slack,
    messenger,
    render: createAlertRenderer(config, catalog),
    clock,
    log: overrides.log,
  };
}

/** The dependencies of the record-changes use case, from a runtime. */
export function recordDeps(runtime: Runtime, owner: string): RecordChangesDeps {
  return {
    store: runtime.store,
    messenger: runtime.messenger,
    render: runtime.render,
    clock: runtime.clock,
    owner,
    policy: { ...DEFAULT_BURST_POLICY, windowMs: runtime.config.BURST_WINDOW_SECONDS * 1000 },
    accountAliases: runtime.config.ACCOUNT_ALIASES,
    ...(runtime.config.DEFAULT_CHANNEL ? { defaultChannel: runtime.config.DEFAULT_CHANNEL } : {}),
  };
}
