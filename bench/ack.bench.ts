/**
 * Acknowledge latency through the real Slack Lambda handler (AwsLambdaReceiver, signature check, the Bolt
 * app, DynamoDB, the Slack and EventBridge stand-ins): p50/p99 over 200 clicks, 50 at a time, as ratios to a
 * no-op Bolt action served by the same receiver in the same run.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, AwsLambdaReceiver, LogLevel } from '@slack/bolt';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { LogPort } from '../app/events/process-events';
import { createEventsHandler } from '../app/lambda/events';
import { createSlackHandler } from '../app/lambda/slack';
import { type DynamoDbEngine, ensureTable, startDynalite, startDynamoDbLocal } from '../app/local/dynamodb';
import { startEventBridgeStandin } from '../app/local/eventbridge-standin';
import { lambdaContext, sqsEventOf } from '../app/local/lambda-invocation';
import { blockAction, functionUrlEvent, sign } from '../app/local/slack-requests';
import { startSlackStandin } from '../app/local/slack-standin';
import { ALERT_METADATA_TYPE } from '../app/slack/alert-messenger';
import { percentile, type Report } from './measure';

const CLICKS = 200;
const CONCURRENCY = 50;
const TEAM = 'T0BENCH';
const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench';
const CHANNEL = 'C0BENCH';
const silent: LogPort = { info: () => undefined, warn: () => undefined, error: () => undefined };

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** Sends `bodies` through `handler`, CONCURRENCY at a time; returns each request's latency in ms. */
async function clicks(handler: Handler, bodies: readonly string[]): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < bodies.length; i += CONCURRENCY) {
    await Promise.all(
      bodies.slice(i, i + CONCURRENCY).map(async (body) => {
        const event = functionUrlEvent({ body, headers: sign(body, { secret: SECRET }) }, { base64: true });
        const start = process.hrtime.bigint();
        const response = await handler(event, lambdaContext('infrawatch-slack'));
        latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
        const status = typeof response === 'string' ? 200 : response.statusCode;
        if (status !== 200) throw new Error(`click answered ${status}`);
      }),
    );
  }
  return latencies.sort((a, b) => a - b);
}

/** A Bolt app whose only listener acks and does nothing: the receiver's and Bolt's own cost. */
async function noopHandler(slackApiUrl: string): Promise<Handler> {
  const receiver = new AwsLambdaReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR });
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: TOKEN, botId: 'B0BENCH', botUserId: 'U0BOT' }),
    clientOptions: { slackApiUrl },
    logLevel: LogLevel.ERROR,
  });
  app.action('infrawatch_noop', async ({ ack }) => {
    await ack();
  });
  return receiver.toHandler() as Handler;
}

export async function runAckBench(): Promise<Report> {
  let engine: DynamoDbEngine;
  let engineName = 'DynamoDB Local';
  try {
    engine = await startDynamoDbLocal();
  } catch {
    engine = await startDynalite();
    engineName = 'dynalite (no Java found)';
  }
  const users = Array.from({ length: CLICKS }, (_, i) => ({
    id: `U0B${String(i).padStart(4, '0')}`,
    name: `user${i}`,
  }));
  const slack = await startSlackStandin({
    botToken: TOKEN,
    signingSecret: SECRET,
    teamId: TEAM,
    rateLimit: false,
    users,
  });
  const eventbridge = await startEventBridgeStandin();
  const client = engine.client();
  try {
    const tableName = `bench-ack-${Date.now()}`;
    await ensureTable(client, tableName);
    const env = {
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: engine.endpoint,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      SLACK_TEAM_ID: TEAM,
      DEFAULT_CHANNEL: CHANNEL,
      EVENTBRIDGE_ENDPOINT: eventbridge.endpoint,
      SLACK_POST_INTERVAL_MS: '0',
    };

    // 200 alerts, one per actor, posted by the real events handler.
    const base = JSON.parse(
      readFileSync(join(process.cwd(), 'test', 'fixtures', 'cloudtrail', 'iam.CreateAccessKey.json'), 'utf8'),
    ) as { id: string; detail: Record<string, unknown> };
    const events = users.map((_, i) => {
      const event = structuredClone(base);
      event.id = randomUUID();
      event.detail.eventID = randomUUID();
      (event.detail.userIdentity as Record<string, unknown>).arn = `arn:aws:iam::123456789012:user/bench${i}`;
      return event;
    });
    const ingest = createEventsHandler(env, { log: silent });
    for (let i = 0; i < events.length; i += 10) {
      await ingest(sqsEventOf(events.slice(i, i + 10)), lambdaContext('infrawatch-events'));
    }
    const alertIds = slack
      .messages(CHANNEL)
      .map((m) => m.metadata as { event_type?: string; event_payload?: { alert_id?: string } } | undefined)
      .filter((meta) => meta?.event_type === ALERT_METADATA_TYPE)
      .map((meta) => meta?.event_payload?.alert_id ?? '');
    if (alertIds.length !== CLICKS) throw new Error(`expected ${CLICKS} alerts, got ${alertIds.length}`);

    const ack = createSlackHandler(env, { log: silent });
    const noop = await noopHandler(slack.url);
    const who = (i: number) => ({
      userId: users[i]?.id ?? 'U0X',
      userName: users[i]?.name ?? 'x',
      teamId: TEAM,
    });
    // Warm both containers (first request builds the app), outside the measurement.
    await clicks(noop, [blockAction({ action_id: 'infrawatch_noop', value: 'x' }, who(0), CHANNEL)]);
    await clicks(ack, [blockAction({ action_id: 'infrawatch_noop', value: 'x' }, who(0), CHANNEL)]).catch(
      () => undefined,
    );

    const baseline = await clicks(
      noop,
      users.map((_, i) => blockAction({ action_id: 'infrawatch_noop', value: 'x' }, who(i), CHANNEL)),
    );
    const distinct = await clicks(
      ack,
      alertIds.map((alertId, i) =>
        blockAction({ action_id: 'infrawatch_ack', value: alertId }, who(i), CHANNEL),
      ),
    );
    // 200 more clicks on 4 of the (now acknowledged) alerts: the "already acknowledged" path.
    const contended = await clicks(
      ack,
      users.map((_, i) =>
        blockAction({ action_id: 'infrawatch_ack', value: alertIds[i % 4] ?? '' }, who(i), CHANNEL),
      ),
    );

    const row = (label: string, values: number[]) => {
      const p50 = percentile(values, 50);
      const p99 = percentile(values, 99);
      return [
        label,
        `${p50.toFixed(1)} ms`,
        `${p99.toFixed(1)} ms`,
        `${(p50 / percentile(baseline, 50)).toFixed(1)}x`,
        `${(p99 / percentile(baseline, 99)).toFixed(1)}x`,
      ];
    };
    return {
      title: `Acknowledge latency: ${CLICKS} clicks, ${CONCURRENCY} concurrent, Lambda receiver + ${engineName}`,
      rows: [
        ['clicks', 'p50', 'p99', 'p50 vs no-op', 'p99 vs no-op'],
        row('no-op Bolt action (baseline)', baseline),
        row('Acknowledge, 200 different alerts', distinct),
        row('Acknowledge, already acknowledged', contended),
      ],
      notes: [
        'one winning click = conditional write + lines query + render lease + chat.update + PutEvents; losers = one ephemeral',
        `${eventbridge.events.length} acknowledgement events published (expected ${CLICKS})`,
      ],
    };
  } finally {
    client.destroy();
    await slack.close();
    await eventbridge.close();
    await engine.stop();
  }
}
