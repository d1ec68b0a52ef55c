/**
 * The local stack behind `npm start`, and behind the tests of its page: embedded DynamoDB (dynalite), the Slack
 * Web API stand-in, the EventBridge stand-in, the real events and digest handlers, the real Bolt app over HTTP,
 * and the page that plays Slack's client around them. No AWS or Slack account, everything on 127.0.0.1.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SLASH_COMMAND } from '../../src/commands/parse';
import { loadConfig } from '../config';
import type { LogPort } from '../events/process-events';
import { createDigestHandler } from '../lambda/digest';
import { createEventsHandler } from '../lambda/events';
import { createReconcileHandler } from '../lambda/reconcile';
import { createSweepHandler } from '../lambda/sweep';
import { createRuntime } from '../runtime';
import { DIGEST_REQUESTED_DETAIL_TYPE } from '../slack/deps';
import { startCloudTrailStandin } from './cloudtrail-standin';
import { ensureTable, startDynalite } from './dynamodb';
import { ingestEvent } from './event-outcome';
import { startEventBridgeStandin } from './eventbridge-standin';
import { lambdaContext, sqsEventOf } from './lambda-invocation';
import { createLocalWorkspace, type LocalUser, type LocalWorkspace } from './local-workspace';
import { createRenderQueueStandin } from './render-queue-standin';
import { type SlackStandin, startSlackStandin } from './slack';
import { startHttpSlackApp } from './slack-http';
import { createLocalServer, type DigestResult, type ReconcileResult, type ReplayResult } from './ui-server';

/** The local workspace: fixed ids, so a bookmark or a curl command keeps working across restarts. */
export const LOCAL_TEAM_ID = 'T0LOCAL001';
/** Not a secret: the local app and the local Slack both need it, and nothing else accepts it. */
export const LOCAL_SIGNING_SECRET = 'infrawatch-local-signing-secret';
export const LOCAL_BOT_TOKEN = 'xoxb-local-infrawatch';
export const LOCAL_CHANNEL = { id: 'C0INFRAWATCH', name: 'infrawatch' } as const;
export const LOCAL_USERS: readonly LocalUser[] = [
  { id: 'U0ALICE', name: 'alice', realName: 'Alice Martin' },
  { id: 'U0BOB', name: 'bob', realName: 'Bob Okafor' },
  { id: 'U0CAROL', name: 'carol', realName: 'Carol Nguyen' },
];

const TABLE_NAME = 'infrawatch';
const SAMPLES = join(__dirname, 'samples');
/**
 * The sample EventBridge "loses" on purpose: it reaches CloudTrail's event history (the stand-in) but never the
 * events function, so the next reconciliation finds it and posts it marked "Recovered from CloudTrail".
 */
export const LOST_SAMPLE = 'ec2.CreateVpc.json';
/** The Slack stand-in's messages in the data folder (see slack/message-journal.ts). */
export const SLACK_MESSAGES_FILE = 'slack-messages.jsonl';
/** Environment variables a developer may set to shape the local app (see app/config.ts). */
export const PASSED_THROUGH = [
  'ACCOUNT_ALIASES',
  'BURST_WINDOW_SECONDS',
  'DIGEST_TIMEZONE',
  'ADMINS',
  'ESCALATION_TIME_SCALE',
] as const;

/** Options of {@link startLocalStack}. Ports default to 0 (any free port). */
export interface LocalStackOptions {
  /** The page, its API, `POST /events` and `GET /messages`. */
  readonly port?: number;
  /** The Slack Web API stand-in. */
  readonly slackApiPort?: number;
  /** The Bolt app's Slack endpoint (`/slack/events`). */
  readonly slackAppPort?: number;
  /** A folder for dynalite's data and the Slack stand-in's messages; without it, both live in memory. */
  readonly dataDir?: string;
  readonly watchesDir?: string;
  /** Spacing of Slack posts per channel; default 1000 ms, Slack's pace. */
  readonly postIntervalMs?: number;
  /** The stand-in's chat.postMessage limit (1/s per channel, like Slack). Default true. */
  readonly slackRateLimit?: boolean;
  /** Extra configuration for the app, e.g. `{ ACCOUNT_ALIASES: '{"123456789012":"prod"}' }`. */
  readonly env?: Readonly<Partial<Record<(typeof PASSED_THROUGH)[number], string>>>;
  /** Where the handlers log; default: warnings and errors on stderr. */
  readonly log?: LogPort;
}

/** The running stack. */
export interface LocalStack {
  /** The page, e.g. `http://127.0.0.1:3000/`. */
  readonly url: string;
  readonly slackApiUrl: string;
  readonly slackAppUrl: string;
  readonly dynamodbEndpoint: string;
  readonly eventBridgeEndpoint: string;
  readonly channel: { readonly id: string; readonly name: string };
  readonly users: readonly LocalUser[];
  /** The Slack stand-in, for watching the channel (the console output of `npm start`). */
  readonly slack: SlackStandin;
  /** Number of sample events {@link replaySamples} sends. */
  readonly sampleCount: number;
  /** Sends the sample CloudTrail events through the events handler, with fresh ids and times. */
  replaySamples(): Promise<ReplayResult>;
  /** Runs the daily digest as EventBridge Scheduler does. */
  runDigest(): Promise<DigestResult>;
  /** Runs the reconciliation against the CloudTrail stand-in, as its schedule does. */
  runReconcile(): Promise<ReconcileResult>;
  stop(): Promise<void>;
}

function sampleFiles(): string[] {
  return readdirSync(SAMPLES)
    .filter((file) => file.endsWith('.json'))
    .sort();
}

interface SampleEvent {
  id: string;
  time: string;
  account: string;
  region: string;
  detail: Record<string, unknown>;
}

const readSample = (file: string) => JSON.parse(readFileSync(join(SAMPLES, file), 'utf8')) as SampleEvent;

/**
 * What the local reconciliation reads: the lost sample's account and region (other samples name made-up
 * partitions such as ap-isob-central-3r, which the configuration rightly refuses).
 */
function sampleTargets(): { account: string; region: string }[] {
  const { account, region } = readSample(LOST_SAMPLE);
  return [{ account, region }];
}

/** Sample events get fresh ids and current times, as if they had just happened. */
function freshSamples(now: number): { file: string; event: SampleEvent }[] {
  const files = sampleFiles();
  return files.map((file, i) => {
    const event = readSample(file);
    const time = new Date(now - (files.length - i) * 90_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    event.id = randomUUID();
    event.time = time;
    event.detail.eventTime = time;
    if (event.detail.eventID !== undefined) event.detail.eventID = randomUUID();
    return { file, event };
  });
}

const stderrLog: LogPort = {
  info: () => undefined,
  warn: (message, ...attributes) => console.warn(`[warn] ${message}`, ...attributes),
  error: (message, ...attributes) => console.error(`[error] ${message}`, ...attributes),
};

/** How often the local stack sweeps (deployed: every minute). */
const SWEEP_EVERY_MS = 3_000;
/** How often the local stack reconciles (deployed: every 15 minutes). */
const RECONCILE_EVERY_MS = 10_000;

/** Runs `task` every `everyMs`, never two at once; stopped with the returned function. */
function every(everyMs: number, task: () => Promise<void>): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task().finally(() => {
      running = false;
    });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Starts the whole local stack and resolves once every part listens. Samples are not replayed: call
 * {@link LocalStack.replaySamples}. On a start-up failure, whatever had started is stopped again.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? stderrLog;
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const dynamodb = await startDynalite(options.dataDir ? { path: options.dataDir } : {});
    stops.push(() => dynamodb.stop());
    const client = dynamodb.client();
    stops.push(() => client.destroy());
    await ensureTable(client, TABLE_NAME);

    const slack = await startSlackStandin({
      botToken: LOCAL_BOT_TOKEN,
      teamId: LOCAL_TEAM_ID,
      port: options.slackApiPort ?? 0,
      // E-mail addresses for users.lookupByEmail: the samples' SSO session alice@example.com is asked "Was this you?".
      users: LOCAL_USERS.map((u) => ({
        id: u.id,
        name: u.name,
        email: `${u.name}@example.com`,
        ...(u.realName ? { realName: u.realName } : {}),
      })),
      channels: [LOCAL_CHANNEL],
      // Next to dynalite's files (LevelDB leaves files it does not name alone), and only opened once dynalite
      // holds the folder's lock: a second stack on the same folder stops before it could write to this file.
      ...(options.dataDir ? { messagesFile: join(options.dataDir, SLACK_MESSAGES_FILE) } : {}),
      ...(options.slackRateLimit === false ? { rateLimit: false as const } : {}),
    });
    stops.push(() => slack.close());
    const cloudtrail = await startCloudTrailStandin();
    stops.push(() => cloudtrail.close());

    // Problems of background work reach the page once its workspace exists; before that, the log only.
    let report: (problem: string) => void = (problem) => log.error(problem);
    const env: Record<string, string> = {
      TABLE_NAME,
      DYNAMODB_ENDPOINT: dynamodb.endpoint,
      SLACK_BOT_TOKEN: LOCAL_BOT_TOKEN,
      SLACK_SIGNING_SECRET: LOCAL_SIGNING_SECRET,
      SLACK_TEAM_ID: LOCAL_TEAM_ID,
      SLACK_API_URL: slack.url,
      DEFAULT_CHANNEL: LOCAL_CHANNEL.id,
      SLACK_POST_INTERVAL_MS: String(options.postIntervalMs ?? 1000),
      // Escalation locally: "after 15 min" comes after 15 s, so the page shows it happen.
      ESCALATION_TIME_SCALE: '60',
      // Reconciliation against the CloudTrail stand-in: the samples' accounts and regions, the last hour, and
      // no wait for CloudTrail's delivery lag (the stand-in has the event as soon as it happened).
      RECONCILE_TARGETS: JSON.stringify(sampleTargets()),
      CLOUDTRAIL_ENDPOINT: cloudtrail.endpoint,
      RECONCILE_LAG_SECONDS: '0',
      RECONCILE_WINDOW_SECONDS: '3600',
    };
    // A folder that was named must exist (the app fails clearly otherwise); ./watches is used when present.
    const watchesDir = options.watchesDir ?? join(process.cwd(), 'watches');
    if (options.watchesDir !== undefined || existsSync(watchesDir)) env.WATCHES_DIR = watchesDir;
    for (const name of PASSED_THROUGH) {
      const value = options.env?.[name];
      if (value !== undefined) env[name] = value;
    }
    // The workspace hands out response URLs on the page's server, so it is created once that server listens.
    let workspace: LocalWorkspace | undefined;
    const ready = (): LocalWorkspace => {
      if (!workspace) throw new Error('The local Slack is still starting.');
      return workspace;
    };
    const digest = createDigestHandler(env, { log });
    const eventbridge = await startEventBridgeStandin({
      rules: [
        {
          // The deployed rule that routes `/infrawatch digest` requests to the digest function.
          name: 'infrawatch-digest-requested',
          pattern: { source: ['infrawatch'], 'detail-type': [DIGEST_REQUESTED_DETAIL_TYPE] },
          target: async (event) => {
            const started = Date.now();
            const result = await digest(event, lambdaContext('infrawatch-digest-local'));
            ready().record({
              at: new Date(started).toISOString(),
              request: `digest function: '${DIGEST_REQUESTED_DETAIL_TYPE}' (EventBridge rule)`,
              status: 200,
              elapsedMs: Date.now() - started,
              detail: `posted in ${result?.posted.length ?? 0}, quiet in ${result?.quiet.length ?? 0} channel(s)`,
            });
            return result;
          },
        },
      ],
      onTargetError: (error) => report(`The digest function failed: ${(error as Error).message}`),
    });
    stops.push(() => eventbridge.close());
    env.EVENTBRIDGE_ENDPOINT = eventbridge.endpoint;

    // The renders queue: the finishers of render windows (coalesced updates) reach the events handler.
    const renders = createRenderQueueStandin();
    const events = createEventsHandler(env, { log, renderFinisher: renders });
    renders.deliverTo((event) => events(event, lambdaContext('infrawatch-events-local')));
    stops.push(() => renders.stop());
    const runtime = await createRuntime(loadConfig(env), { log, dynamodb: client });
    const app = await startHttpSlackApp(runtime, { port: options.slackAppPort ?? 0 });
    stops.push(() => app.stop());

    const replaySamples = async (): Promise<ReplayResult> => {
      const started = Date.now();
      const samples = freshSamples(started);
      const delivered = samples.filter((sample) => sample.file !== LOST_SAMPLE).map((s) => s.event);
      const result = await events(sqsEventOf(delivered), lambdaContext('infrawatch-events-local'));
      const failed = result?.batchItemFailures.length ?? 0;
      // CloudTrail has every call; its history is written after the deliveries, so a reconciliation that runs
      // meanwhile never takes a delivery still under way for a lost one.
      for (const { event } of samples) cloudtrail.history(event.region).add(event.detail);
      const lost = samples.length - delivered.length;
      ready().record({
        at: new Date(started).toISOString(),
        request: `events function: ${delivered.length} sample CloudTrail events (${lost} lost on the way on purpose: reconciliation recovers it)`,
        status: failed > 0 ? 207 : 200,
        elapsedMs: Date.now() - started,
        ...(failed > 0 ? { detail: `${failed} failed` } : {}),
      });
      return { events: samples.length, lost, failed };
    };
    const runDigest = async (): Promise<DigestResult> => {
      const started = Date.now();
      // EventBridge Scheduler's daily invocation; one digest per channel per day, as deployed.
      const result = await digest({ kind: 'scheduled' }, lambdaContext('infrawatch-digest-local'));
      const outcome = result ?? { posted: [], quiet: [] };
      ready().record({
        at: new Date(started).toISOString(),
        request: 'digest function: daily schedule',
        status: 200,
        elapsedMs: Date.now() - started,
        detail: `posted in ${outcome.posted.length}, quiet in ${outcome.quiet.length} channel(s)`,
      });
      return outcome;
    };

    // EventBridge Scheduler's every-minute sweep, every few seconds here (escalation waits are scaled too).
    const sweep = createSweepHandler(env, { log });
    stops.push(
      every(SWEEP_EVERY_MS, async () => {
        if (!workspace) return;
        const started = Date.now();
        try {
          const summary = await sweep({ kind: 'sweep' }, lambdaContext('infrawatch-sweep-local'));
          if (summary.stepsSent + summary.rendersRepaired === 0) return;
          ready().record({
            at: new Date(started).toISOString(),
            request: 'sweep function: schedule',
            status: 200,
            elapsedMs: Date.now() - started,
            detail: `${summary.stepsSent} escalation step(s), ${summary.rendersRepaired} message(s) repaired`,
          });
        } catch (error) {
          report(`The sweep function failed: ${(error as Error).message}`);
        }
      }),
    );

    // The reconcile function's 15-minute schedule, every few seconds here; POST /reconcile runs it at once.
    const reconcile = createReconcileHandler(env, { log });
    const runReconcile = async (trigger: 'scheduled' | 'requested'): Promise<ReconcileResult> => {
      const started = Date.now();
      const result = await reconcile({ kind: trigger }, lambdaContext('infrawatch-reconcile-local'));
      const outcome = { recovered: result?.recovered ?? 0, silentAccounts: result?.silentAccounts ?? [] };
      if (trigger === 'requested' || outcome.recovered > 0)
        ready().record({
          at: new Date(started).toISOString(),
          request: `reconcile function: ${trigger === 'scheduled' ? 'schedule' : 'POST /reconcile'} (CloudTrail stand-in)`,
          status: 200,
          elapsedMs: Date.now() - started,
          detail: `${outcome.recovered} change(s) recovered from CloudTrail`,
        });
      return outcome;
    };
    stops.push(
      every(RECONCILE_EVERY_MS, async () => {
        if (!workspace) return;
        await runReconcile('scheduled').catch((error: unknown) =>
          report(`The reconcile function failed: ${(error as Error).message}`),
        );
      }),
    );

    const server = createLocalServer({
      get workspace() {
        return ready();
      },
      uiDir: join(__dirname, 'ui'),
      messages: () => slack.messages(LOCAL_CHANNEL.id),
      replaySamples,
      runDigest,
      runReconcile: () => runReconcile('requested'),
      clock: {
        escalationTimeScale: Number(env.ESCALATION_TIME_SCALE),
        sweepEverySeconds: SWEEP_EVERY_MS / 1000,
        reconcileEverySeconds: RECONCILE_EVERY_MS / 1000,
      },
      ingestEvent: (event) =>
        ingestEvent(event, {
          store: runtime.store,
          catalog: runtime.catalog,
          process: (body) => events(sqsEventOf([body]), lambdaContext('infrawatch-events-local')),
        }),
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const baseUrl = `http://127.0.0.1:${await listen(server, options.port ?? 0)}`;
    const local = createLocalWorkspace({
      slack,
      appUrl: app.url,
      signingSecret: LOCAL_SIGNING_SECRET,
      channel: LOCAL_CHANNEL,
      users: LOCAL_USERS,
      command: SLASH_COMMAND,
      responseUrl: `${baseUrl}/slack/response-url`,
      settle: () => eventbridge.idle(),
    });
    workspace = local;
    report = (problem) => {
      log.error(problem);
      local.reportProblem(problem);
    };

    return {
      url: `${baseUrl}/`,
      slackApiUrl: slack.url,
      slackAppUrl: app.url,
      dynamodbEndpoint: dynamodb.endpoint,
      eventBridgeEndpoint: eventbridge.endpoint,
      channel: LOCAL_CHANNEL,
      users: LOCAL_USERS,
      slack,
      sampleCount: sampleFiles().length,
      replaySamples,
      runDigest,
      runReconcile: () => runReconcile('requested'),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
