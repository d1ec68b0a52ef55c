/**
 * The alert pipeline through the real events Lambda handler (SQS batches, the DynamoDB adapter, the Slack
 * stand-in): what a change costs in DynamoDB requests, sequential steps and capacity units, and what a burst
 * costs in Slack calls, counted by the SDK middleware and the stand-in's request log. Throughput is a ratio
 * to describe + store alone (describeChange and one conditional put per change, the floor any design pays),
 * measured in interleaved rounds on the same engine.
 *
 * Two SQS pollers run at a time, as Lambda does for a queue under load; each invocation's requests are
 * counted apart (recorder scopes).
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDbEngine } from '../app/local/dynamodb';
import { ensureTable } from '../app/local/dynamodb';
import { describeChange } from '../src/changes/describe';
import { createDynamoDbStore } from '../src/store/dynamodb';
import { loadCatalog } from '../src/watches';
import { formatOperations, preciseNow, summarize } from './counting';
import {
  type BenchContext,
  burst,
  type CloudTrailEvent,
  callsByMethod,
  chunk,
  fixture,
  type Invocation,
  type Rig,
  startRig,
} from './harness';
import type { Report } from './measure';
import { completeFigure, type Figure, formatNumber, median, ratioFigure } from './report';

const POLLERS = 2;
const SG = 'ec2.AuthorizeSecurityGroupIngress.iamuser.json';

interface ScenarioResult {
  changes: number;
  invocations: number;
  requests: number;
  byOperation: Record<string, number>;
  rcu: number;
  wcu: number;
  /** Median over invocations of the sequential DynamoDB steps in one invocation (one SQS batch). */
  sequentialPerBatch: number;
  slackCalls: number;
  slackByMethod: Record<string, number>;
  messages: number;
  changesPerSecond: number;
}

async function runScenario(
  engine: DynamoDbEngine,
  events: readonly CloudTrailEvent[],
  batchSize: number,
): Promise<ScenarioResult> {
  const rig: Rig = await startRig(engine);
  try {
    const start = preciseNow();
    const invocations: Invocation[] = await rig.deliver(events, { batchSize, pollers: POLLERS });
    const seconds = (preciseNow() - start) / 1000;
    const all = summarize(rig.recorder.requests);
    const calls = rig.slack.calls.filter((call) => call.method !== 'auth.test');
    return {
      changes: events.length,
      invocations: invocations.length,
      requests: all.requests,
      byOperation: all.byOperation,
      rcu: all.rcu,
      wcu: all.wcu,
      sequentialPerBatch: median(invocations.map((i) => summarize(rig.recorder.of(i.scope)).sequential)),
      slackCalls: calls.length,
      slackByMethod: callsByMethod(calls),
      messages: rig.alerts().length,
      changesPerSecond: events.length / seconds,
    };
  } finally {
    await rig.close();
  }
}

/** describeChange + one store write per change, batches of `batchSize` (their writes side by side), as many pollers. */
async function describeAndStore(
  engine: DynamoDbEngine,
  events: readonly CloudTrailEvent[],
  batchSize: number,
): Promise<number> {
  const client = engine.client();
  const tableName = `bench-floor-${randomUUID()}`;
  await ensureTable(client, tableName);
  const store = createDynamoDbStore({ client, tableName });
  const catalog = loadCatalog();
  const batches = chunk(events, batchSize);
  let next = 0;
  const start = preciseNow();
  await Promise.all(
    Array.from({ length: POLLERS }, async () => {
      while (next < batches.length) {
        const batch = batches[next++] ?? [];
        await Promise.all(
          batch.map((event) => {
            const raw = JSON.stringify(event);
            return store.changes.saveChange({
              change: describeChange(JSON.parse(raw), catalog),
              raw,
              receivedAt: event.time,
            });
          }),
        );
      }
    }),
  );
  const seconds = (preciseNow() - start) / 1000;
  client.destroy();
  return events.length / seconds;
}

const perChange = (result: ScenarioResult, total: number) => total / result.changes;

export async function runPipelineBench(context: BenchContext): Promise<Report> {
  const engine = await context.engine();
  const sg = fixture(SG);
  const rounds = context.quick ? 2 : 3;
  const BURST = 1000;
  const SMALL_BURST = 100;
  const single = context.quick ? 50 : 100;

  // The short burst first: it also warms the handler's code paths before anything is timed.
  const small = await runScenario(engine, burst(sg, { count: SMALL_BURST, spacingMs: 300, actors: 1 }), 10);
  // Throughput, interleaved: describe + store alone, then the pipeline on the same 1,000-change burst.
  const throughput: { value: number; baseline: number }[] = [];
  const bursts: ScenarioResult[] = [];
  for (let round = 0; round < rounds; round++) {
    const events = burst(sg, { count: BURST, spacingMs: 300, actors: 1 });
    const floor = await describeAndStore(engine, events, 10);
    const result = await runScenario(engine, events, 10);
    bursts.push(result);
    throughput.push({ value: result.changesPerSecond, baseline: floor });
  }
  const alone = await runScenario(engine, burst(sg, { count: single, spacingMs: 120_000, actors: 1 }), 10);
  const actors20 = await runScenario(engine, burst(sg, { count: BURST, spacingMs: 300, actors: 20 }), 10);
  const extra = context.quick
    ? []
    : [
        [
          '1 actor, batches of 50',
          await runScenario(engine, burst(sg, { count: BURST, spacingMs: 300, actors: 1 }), 50),
        ] as const,
        [
          '20 actors, batches of 50',
          await runScenario(engine, burst(sg, { count: BURST, spacingMs: 300, actors: 20 }), 50),
        ] as const,
      ];

  const counted = (values: readonly number[]) => {
    const min = Math.min(...values);
    const max = Math.max(...values);
    return min === max
      ? `the same in all ${values.length} runs`
      : `${formatNumber(min)}–${formatNumber(max)} over ${values.length} runs`;
  };
  const burstRequests = bursts.map((b) => perChange(b, b.requests));
  const burstRcu = bursts.map((b) => perChange(b, b.rcu));
  const first = bursts[0] ?? small;
  const figures: Figure[] = [
    completeFigure({
      name: 'change.burst.dynamodb.requests',
      label: `DynamoDB requests per change, ${BURST}-change burst by one actor, SQS batches of 10`,
      unit: 'requests',
      value: median(burstRequests),
      target: '<= 3',
      count: true,
      headline: true,
      note: `${formatOperations(first.byOperation)} for ${first.changes} changes; ${counted(burstRequests)}`,
    }),
    completeFigure({
      name: 'change.burst.sequential',
      label: 'Sequential DynamoDB steps per SQS batch of 10, in a burst',
      unit: 'steps',
      value: median(bursts.map((b) => b.sequentialPerBatch)),
      count: true,
      note: 'median over the invocations of one run',
    }),
    completeFigure({
      name: 'change.burst.rcu',
      label: `Read units per change, ${BURST}-change burst, vs a ${SMALL_BURST}-change burst (independent of the burst's size)`,
      unit: 'RCU',
      value: median(burstRcu),
      baseline: perChange(small, small.rcu),
      target: 'ratio <= 1.2',
      count: true,
      headline: true,
      note: `write units per change: ${formatNumber(median(bursts.map((b) => perChange(b, b.wcu))))} (${BURST}) vs ${formatNumber(perChange(small, small.wcu))} (${SMALL_BURST}); RCU ${counted(burstRcu)}`,
    }),
    completeFigure({
      name: 'change.burst.wcu',
      label: `Write units per change, ${BURST}-change burst`,
      unit: 'WCU',
      value: median(bursts.map((b) => perChange(b, b.wcu))),
      count: true,
    }),
    completeFigure({
      name: 'change.burst.slack.calls',
      label: `Slack calls for a ${BURST}-change burst by one actor, batches of 10`,
      unit: 'calls',
      value: median(bursts.map((b) => b.slackCalls)),
      count: true,
      note: `${formatOperations(first.slackByMethod)}; ${first.messages} message(s)`,
    }),
    completeFigure({
      name: 'change.single.dynamodb.requests',
      label: 'DynamoDB requests per change that is its own alert (calls 2 min apart)',
      unit: 'requests',
      value: perChange(alone, alone.requests),
      target: '<= 8',
      count: true,
      headline: true,
      note: `${formatOperations(alone.byOperation)} for ${alone.changes} changes; ${formatOperations(alone.slackByMethod)}`,
    }),
    completeFigure({
      name: 'actors20.batch10.slack.calls',
      label: `Slack calls for ${BURST} changes by 20 actors, SQS batches of 10`,
      unit: 'calls',
      value: actors20.slackCalls,
      baseline: BURST,
      target: '<= 300',
      count: true,
      headline: true,
      note: `${formatOperations(actors20.slackByMethod)}; ${actors20.messages} messages (baseline: one message per change, what a plain EventBridge → Slack rule sends)`,
    }),
    ratioFigure(
      {
        name: 'events.throughput.ratio',
        label: `Pipeline throughput vs describe + store alone, ${BURST}-change burst, batches of 10, ${POLLERS} pollers`,
        unit: 'changes/s',
        target: 'ratio >= 0.5',
        headline: true,
        note: `${rounds} interleaved rounds on the same engine`,
      },
      throughput,
    ),
    ...extra.map(([label, result]) =>
      completeFigure({
        name: `${label.startsWith('1 actor') ? 'change.burst' : 'actors20'}.batch50.slack.calls`,
        label: `Slack calls for ${BURST} changes, ${label}`,
        unit: 'calls',
        value: result.slackCalls,
        baseline: BURST,
        count: true,
        note: `${formatNumber(perChange(result, result.requests))} DynamoDB requests, ${formatNumber(perChange(result, result.rcu))} RCU and ${formatNumber(perChange(result, result.wcu))} WCU per change; ${result.messages} messages`,
      }),
    ),
  ];

  const scenarioRow = (label: string, r: ScenarioResult) => [
    label,
    String(r.changes),
    String(r.messages),
    String(r.slackCalls),
    formatNumber(perChange(r, r.requests)),
    formatNumber(r.sequentialPerBatch),
    formatNumber(perChange(r, r.rcu)),
    formatNumber(perChange(r, r.wcu)),
    `${Math.round(r.changesPerSecond)}/s`,
  ];
  return {
    title: `Alert pipeline through the events handler (${POLLERS} SQS pollers, batches of 10 unless stated)`,
    rows: [
      [
        'scenario',
        'changes',
        'messages',
        'Slack calls',
        'requests/change',
        'steps/batch',
        'RCU/change',
        'WCU/change',
        'rate',
      ],
      ...bursts.map((b, i) => scenarioRow(`1 actor, 1 call/300 ms (round ${i + 1})`, b)),
      scenarioRow('1 actor, short burst', small),
      scenarioRow('1 actor, calls 2 min apart', alone),
      scenarioRow('20 actors, interleaved', actors20),
      ...extra.map(([label, r]) => scenarioRow(label, r)),
    ],
    notes: [
      `describe + store alone: ${throughput.map((t) => `${Math.round(t.baseline)}/s`).join(', ')}`,
      ...figures.filter((f) => f.note).map((f) => `${f.name}: ${f.note}`),
    ],
    figures,
  };
}
