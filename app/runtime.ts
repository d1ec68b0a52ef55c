import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { WebClient } from '@slack/web-api';
import type { Context } from 'aws-lambda';
import { DEFAULT_BURST_POLICY } from '../src/changes/burst';
import type { AlertContent } from '../src/model/alert';
import type { CapacityMeter } from '../src/store/dynamodb';
import type { Store } from '../src/store/ports';
import type { PipelineRepository } from '../src/store/ports/pipeline';
import { createActivityRecorder } from '../src/use-cases/activity';
import type { ActorDirectory, ActorQuestionMessenger } from '../src/use-cases/actor-check';
import type { EscalationDeps } from '../src/use-cases/escalation-steps';
import type { AlertMessenger, AlertRenderer, Clock, EscalationStepMessenger } from '../src/use-cases/ports';
import { systemClock } from '../src/use-cases/ports';
import type { ActivityRecorder, RecordChangesDeps } from '../src/use-cases/record-changes';
import { renderAlertContent, renderEscalation, withReplacementNote } from '../src/views';
import { loadCatalog } from '../src/watches/loader';
import type { WatchCatalog } from '../src/watches/types';
import { awsClientConfig } from './aws/clients';
import { type Config, consoleAccessOf } from './config';
import type { LogPort } from './events/process-events';
import {
  defaultMetrics,
  type FlushingMetrics,
  instrumentMessenger,
  instrumentStore,
  type MetricsPort,
  noMetrics,
} from './metrics';
import { loadSlackSecrets, type SlackSecrets } from './secrets';
import { createActorDirectory, createActorQuestionMessenger } from './slack/actor-messenger';
import { createAlertMessenger } from './slack/alert-messenger';
import { createSlackClients } from './slack/client';

/** Everything a Lambda entry or the local stack needs, built once per container / process. */
export interface Runtime {
  config: Config;
  secrets: SlackSecrets;
  store: Store;
  /** The watched pipeline's items (reconciliation windows, account activity, notices, health counts). */
  pipeline: PipelineRepository;
  /** Told about every stored change; one per container (its memory is what keeps it cheap). */
  activity: ActivityRecorder;
  meter: CapacityMeter;
  catalog: WatchCatalog;
  slack: { general: WebClient; posting: WebClient };
  messenger: AlertMessenger & EscalationStepMessenger;
  /** "Was this you?": the DM and the "not theirs" reply, and who an e-mail address is in Slack (cached). */
  actorQuestions: ActorQuestionMessenger;
  actorDirectory: ActorDirectory;
  render: AlertRenderer;
  clock: Clock;
  log: LogPort;
  metrics: MetricsPort;
}

export interface RuntimeOverrides {
  clock?: Clock;
  log: LogPort;
  /** An existing DynamoDB client (tests share one engine). */
  dynamodb?: DynamoDBClient;
  /** Where counts go (the Lambda entries flush them per invocation); none by default. */
  metrics?: MetricsPort;
  /** Per-attempt timeout of the Slack clients (default: the events/digest functions' more patient one). */
  slackTimeoutMs?: number;
}

/**
 * The DynamoDB SDK and store, loaded when the runtime is built rather than at module load: the first
 * invocation reads the Slack secret at the same time, so loading them (~25 ms of CPU) overlaps that round trip
 * to Secrets Manager instead of adding to the function's init.
 */
async function loadDynamoDb(config: Config, existing: DynamoDBClient | undefined) {
  const [{ DynamoDBClient }, { CapacityMeter, createDynamoDbStore }, { createDynamoDbPipeline }] =
    await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../src/store/dynamodb'),
      import('../src/store/dynamodb/pipeline'),
    ]);
  const client = existing ?? new DynamoDBClient(awsClientConfig(config.DYNAMODB_ENDPOINT));
  const meter = new CapacityMeter();
  const tableName = config.TABLE_NAME;
  return {
    meter,
    store: createDynamoDbStore({ client, tableName, meter }),
    pipeline: createDynamoDbPipeline({ client, tableName, meter }),
  };
}

/** The views with this deployment's account aliases, console access and watch titles. */
export function createAlertRenderer(config: Config, catalog: WatchCatalog): AlertRenderer {
  const titles = new Map(catalog.watches.map((watch) => [watch.id, watch.title]));
  const consoleAccess = consoleAccessOf(config);
  const alert = (content: AlertContent) =>
    renderAlertContent(content, {
      alertId: content.id,
      accountAlias: config.ACCOUNT_ALIASES,
      consoleAccess,
      ...(content.watch && titles.has(content.watch) ? { watchTitle: titles.get(content.watch) } : {}),
    });
  return {
    alert,
    replacement: (content) => withReplacementNote(alert(content)),
    escalation: renderEscalation,
  };
}

export async function createRuntime(config: Config, overrides: RuntimeOverrides): Promise<Runtime> {
  const clock = overrides.clock ?? systemClock;
  const metrics = overrides.metrics ?? noMetrics;
  const [secrets, dynamodb] = await Promise.all([
    loadSlackSecrets(config),
    loadDynamoDb(config, overrides.dynamodb),
  ]);
  const catalog = loadCatalog({
    ...(config.WATCHES_DIR ? { watchesDir: config.WATCHES_DIR } : {}),
    ...(config.BUILT_IN_WATCHES ? { builtIn: config.BUILT_IN_WATCHES } : {}),
  });
  const slack = createSlackClients(secrets.botToken, {
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    metrics,
    ...(overrides.slackTimeoutMs ? { timeoutMs: overrides.slackTimeoutMs } : {}),
  });
  const messenger = instrumentMessenger(
    createAlertMessenger(slack, clock, { postIntervalMs: config.SLACK_POST_INTERVAL_MS }),
    metrics,
  );
  return {
    config,
    secrets,
    store: instrumentStore(dynamodb.store, metrics),
    pipeline: dynamodb.pipeline,
    activity: createActivityRecorder(dynamodb.pipeline),
    meter: dynamodb.meter,
    catalog,
    slack,
    messenger,
    actorQuestions: createActorQuestionMessenger(slack),
    actorDirectory: createActorDirectory(slack.general, clock),
    render: createAlertRenderer(config, catalog),
    clock,
    log: overrides.log,
    metrics,
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
    escalationTimeScale: runtime.config.ESCALATION_TIME_SCALE,
    renderRepairAfterMs: runtime.config.RENDER_REPAIR_AFTER_SECONDS * 1000,
    activity: runtime.activity,
    ask: {
      directory: runtime.actorDirectory,
      questions: runtime.actorQuestions,
      actorMap: runtime.config.ACTOR_SLACK_USERS,
      accountAliases: runtime.config.ACCOUNT_ALIASES,
    },
    ...(runtime.config.DEFAULT_CHANNEL ? { defaultChannel: runtime.config.DEFAULT_CHANNEL } : {}),
  };
}

/** The dependencies of the escalation sweep, from a runtime. */
export function escalationDeps(runtime: Runtime, owner: string): EscalationDeps {
  return {
    store: runtime.store,
    messenger: runtime.messenger,
    render: runtime.render,
    clock: runtime.clock,
    owner,
    accountAliases: runtime.config.ACCOUNT_ALIASES,
    timeScale: runtime.config.ESCALATION_TIME_SCALE,
  };
}

/** What a Lambda entry's per-container start-up gets: where to log and count. */
export interface EntryParts {
  log: LogPort;
  metrics: FlushingMetrics;
}

/** What a Lambda entry gets to serve one invocation. */
export interface Invocation<Started> extends EntryParts {
  /**
   * What the entry built, on first use per container and shared by later invocations. A failed start is
   * logged (what is wrong, in words, with the error for the stack), forgotten so the next invocation tries
   * again, and thrown.
   */
  started(): Promise<Started>;
}

/**
 * The start-up every Lambda entry shares: a Powertools logger named for the function (with the invocation's
 * context), metrics flushed after each invocation whatever it did, and the lazy per-container start.
 */
export function lambdaEntry<Started>(options: {
  serviceName: string;
  env: NodeJS.ProcessEnv;
  log?: LogPort | undefined;
  metrics?: FlushingMetrics | undefined;
  start(parts: EntryParts): Promise<Started>;
}): <R>(context: Context, serve: (invocation: Invocation<Started>) => Promise<R>) => Promise<R> {
  const logger = new Logger({ serviceName: options.serviceName });
  const log = options.log ?? logger;
  const metrics = options.metrics ?? defaultMetrics(options.env);
  const ready = oncePerContainer(() => options.start({ log, metrics }));
  const started = () =>
    ready().catch((error: unknown) => {
      log.error(startFailureMessage(error), { error });
      throw error;
    });
  return async (context, serve) => {
    logger.addContext(context);
    try {
      return await serve({ log, metrics, started });
    } finally {
      metrics.flush();
    }
  };
}

/**
 * Builds something once per container, on first use, and shares it between invocations; a failed start
 * (a secret not set yet, Secrets Manager unreachable) is forgotten, so the next invocation tries again.
 */
function oncePerContainer<T>(start: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | undefined;
  return () => {
    started ??= start().catch((error: unknown) => {
      started = undefined;
      throw error;
    });
    return started;
  };
}

/** The line an entry logs when it cannot start: what is wrong, in words, with the error for the stack. */
function startFailureMessage(error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `InfraWatch could not start: ${reason}`;
}
