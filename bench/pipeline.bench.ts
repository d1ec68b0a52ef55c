/**
 * The alert pipeline under a 1,000-event burst: Slack API calls and messages, and DynamoDB capacity per change,
 * through the real events handler code (processEvents), the DynamoDB adapter and the Slack stand-in.
 * Baselines measured in the same run: one message per event (what a plain EventBridge -> SNS -> Slack rule
 * sends) and the capacity of storing each change once, alone.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../app/config';
import type { LogPort } from '../app/events/process-events';
import { processEvents } from '../app/events/process-events';
import { type DynamoDbEngine, ensureTable, startDynalite, startDynamoDbLocal } from '../app/local/dynamodb';
import { sqsEventOf } from '../app/local/lambda-invocation';
import { startSlackStandin } from '../app/local/slack-standin';
import { createRuntime, recordDeps } from '../app/runtime';
import { describeChange } from '../src/changes/describe';
import { CapacityMeter, createDynamoDbStore } from '../src/store/dynamodb';
import type { Report } from './measure';

const ROOT = process.cwd();
const EVENTS = 1000;
const CHANNEL = 'C0BENCH';
const TOKEN = 'xoxb-bench';
const silent: LogPort = { info: () => undefined, warn: () => undefined, error: () => undefined };

type Event = { id: string; time: string; detail: Record<string, unknown> };

function fixture(name: string): Event {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'cloudtrail', name), 'utf8')) as Event;
}

/** `count` calls starting at `start`, `spacingMs` apart; `actors` > 1 spreads them over several IAM users. */
function burst(base: Event, count: number, spacingMs: number, actors: number): Event[] {
  const start = Date.parse('2026-11-27T09:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const event = structuredClone(base);
    const time = new Date(start + i * spacingMs).toISOString();
    event.id = randomUUID();
    event.time = time;
    event.detail.eventID = randomUUID();
    event.detail.eventTime = time;
    const identity = event.detail.userIdentity as Record<string, unknown>;
    const user = `deployer-${i % actors}`;
    identity.userName = user;
    identity.arn = `arn:aws:iam::123456789012:user/${user}`;
    return event;
  });
}

interface BurstResult {
  calls: number;
  posts: number;
  messages: number;
  read: number;
  write: number;
}

async function runBurst(
  engine: DynamoDbEngine,
  events: readonly Event[],
  label: string,
  batchSize: number,
): Promise<BurstResult> {
  const slack = await startSlackStandin({ botToken: TOKEN, rateLimit: false });
  const client = engine.client();
  const tableName = `bench-${label}-${Date.now()}`;
  await ensureTable(client, tableName);
  try {
    const config = loadConfig({
      TABLE_NAME: tableName,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_API_URL: slack.url,
      DEFAULT_CHANNEL: CHANNEL,
      SLACK_POST_INTERVAL_MS: '0',
    });
    const runtime = await createRuntime(config, { log: silent, dynamodb: client });
    // Two SQS pollers, as Lambda runs by default for a queue under load.
    const batches = Array.from({ length: Math.ceil(events.length / batchSize) }, (_, i) =>
      events.slice(i * batchSize, (i + 1) * batchSize),
    );
    let pending = batches;
    for (let round = 0; pending.length > 0 && round < 5; round++) {
      const failed: Event[][] = [];
      for (let i = 0; i < pending.length; i += 2) {
        await Promise.all(
          pending.slice(i, i + 2).map(async (batch) => {
            const response = await processEvents(sqsEventOf(batch), {
              ...recordDeps(runtime, randomUUID()),
              catalog: runtime.catalog,
              log: silent,
            });
            if (response && response.batchItemFailures.length > 0) failed.push(batch);
          }),
        );
      }
      pending = failed;
    }
    if (pending.length > 0) throw new Error(`${label}: ${pending.length} batches never succeeded`);
    return {
      calls: slack.calls.length,
      posts: slack.callsTo('chat.postMessage').length,
      messages: slack.messages(CHANNEL).length,
      read: runtime.meter.read,
      write: runtime.meter.write,
    };
  } finally {
    client.destroy();
    await slack.close();
  }
}

/** Capacity of storing each change once, alone: the floor any design pays. */
async function storeOnlyCapacity(
  engine: DynamoDbEngine,
  events: readonly Event[],
): Promise<{ read: number; write: number }> {
  const client = engine.client();
  const tableName = `bench-floor-${Date.now()}`;
  await ensureTable(client, tableName);
  const meter = new CapacityMeter();
  const store = createDynamoDbStore({ client, tableName, meter });
  for (const event of events) {
    await store.changes.saveChange({
      change: describeChange(event),
      raw: JSON.stringify(event),
      receivedAt: event.time,
    });
  }
  client.destroy();
  return { read: meter.read, write: meter.write };
}

export async function runPipelineBench(): Promise<Report> {
  let engine: DynamoDbEngine;
  let engineName = 'DynamoDB Local';
  try {
    engine = await startDynamoDbLocal();
  } catch {
    engine = await startDynalite();
    engineName = 'dynalite (no Java found)';
  }
  try {
    const sg = fixture('ec2.AuthorizeSecurityGroupIngress.iamuser.json');
    // SQS batch size: 10 is Lambda's default; 50 (with a short batching window) is what to deploy.
    const scenarios: [string, Event[], number][] = [
      ['1 actor, 1 watch, 1 call/300 ms (terraform apply)', burst(sg, EVENTS, 300, 1), 10],
      ['same, SQS batches of 50', burst(sg, EVENTS, 300, 1), 50],
      ['20 actors, 1 watch, interleaved', burst(sg, EVENTS, 300, 20), 10],
      ['same, SQS batches of 50', burst(sg, EVENTS, 300, 20), 50],
      ['1 actor, calls 2 min apart (no burst)', burst(sg, 100, 120_000, 1), 10],
    ];
    const floor = await storeOnlyCapacity(engine, scenarios[0]?.[1] ?? []);
    const rows: string[][] = [
      [
        'scenario',
        'events',
        'batch',
        'messages',
        'Slack calls',
        'msgs/event',
        'RCU/change',
        'WCU/change',
        'WCU vs store-only',
      ],
    ];
    const floorWcu = floor.write / EVENTS;
    for (const [label, events, batchSize] of scenarios) {
      const result = await runBurst(engine, events, label.replace(/\W+/g, '-').slice(0, 40), batchSize);
      rows.push([
        label,
        String(events.length),
        String(batchSize),
        String(result.messages),
        String(result.calls),
        (result.messages / events.length).toFixed(3),
        (result.read / events.length).toFixed(2),
        (result.write / events.length).toFixed(2),
        `${(result.write / events.length / floorWcu).toFixed(2)}x`,
      ]);
    }
    return {
      title: `Alert pipeline on ${engineName} + Slack stand-in (2 concurrent SQS pollers)`,
      rows,
      notes: [
        'baseline for messages: a plain EventBridge -> Slack rule posts 1 message per event (msgs/event = 1.000)',
        `baseline for capacity: storing each change once, alone = ${floorWcu.toFixed(2)} WCU/change, ${(floor.read / EVENTS).toFixed(2)} RCU/change`,
      ],
    };
  } finally {
    await engine.stop();
  }
}
