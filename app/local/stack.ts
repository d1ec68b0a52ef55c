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
import { createSweepHandler } from '../lambda/sweep';
import { createRuntime } from '../runtime';
import { DIGEST_REQUESTED_DETAIL_TYPE } from '../slack/deps';
import { ensureTable, startDynalite } from './dynamodb';
import { ingestEvent } from './event-outcome';
import { startEventBridgeStandin } from './eventbridge-standin';
import { lambdaContext, sqsEventOf } from './lambda-invocation';
import { createLocalWorkspace, type LocalUser, type LocalWorkspace } from './local-workspace';
import { createRenderQueueStandin } from './render-queue-standin';
import { type SlackStandin, startSlackStandin } from './slack';
import { startHttpSlackApp } from './slack-http';
import { createLocalServer, type DigestResult, type ReplayResult } from './ui-server';

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
  stop(): Promise<void>;
}

function sampleFiles(): string[] {
  return readdirSync(SAMPLES)
    .filter((file) => file.endsWith('.json'))
    .sort();
}

/** Sample events get fresh ids and current times, as if they had just happened. */
function freshSamples(now: number): object[] {
  const files = sampleFiles();
  return files.map((file, i) => {
    const event = JSON.parse(readFileSync(join(SAMPLES, file), 'utf8')) as {
      id: string;
      time: string;
      detail: Record<string, unknown>;
    };
    const time = new Date(now - (files.length - i) * 90_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    event.id = randomUUID();
    event.time = time;
    event.detail.eventTime = time;
    if (event.detail.eventID !== undefined) event.detail.eventID = randomUUID();
    return event;
  });
}

const stderrLog: LogPort = {
  info: () => undefined,
  warn: (message, ...attributes) => console.warn(`[warn] ${message}`, ...attributes),
  error: (message, ...attributes) => console.error(`[error] ${message}`, ...attributes),
};

/** How often the local stack sweeps (deployed: every minute). */
const SWEEP_EVERY_MS = 3_000;

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
      const result = await events(sqsEventOf(samples), lambdaContext('infrawatch-events-local'));
      const failed = result?.batchItemFailures.length ?? 0;
      ready().record({
        at: new Date(started).toISOString(),
        request: `events function: ${samples.length} sample CloudTrail events`,
        status: failed > 0 ? 207 : 200,
        elapsedMs: Date.now() - started,
        ...(failed > 0 ? { detail: `${failed} failed` } : {}),
      });
      return { events: samples.length, failed };
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
    let sweeping = false;
    const sweepTimer = setInterval(() => {
      if (sweeping || !workspace) return;
      sweeping = true;
      const started = Date.now();
      sweep({ kind: 'sweep' }, lambdaContext('infrawatch-sweep-local'))
        .then((summary) => {
          if (summary.stepsSent + summary.rendersRepaired === 0) return;
          ready().record({
            at: new Date(started).toISOString(),
            request: 'sweep function: schedule',
            status: 200,
            elapsedMs: Date.now() - started,
            detail: `${summary.stepsSent} escalation step(s), ${summary.rendersRepaired} message(s) repaired`,
          });
        })
        .catch((error: unknown) => report(`The sweep function failed: ${(error as Error).message}`))
        .finally(() => {
          sweeping = false;
        });
    }, SWEEP_EVERY_MS);
    sweepTimer.unref();
    stops.push(() => clearInterval(sweepTimer));

    const server = createLocalServer({
      get workspace() {
        return ready();
      },
      uiDir: join(__dirname, 'ui'),
      messages: () => slack.messages(LOCAL_CHANNEL.id),
      replaySamples,
      runDigest,
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
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
