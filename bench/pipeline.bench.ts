/**
 * The alert pipeline through the real events Lambda handler (SQS batches, the DynamoDB adapter, the Slack
 * stand-in): what a change costs in DynamoDB requests, sequential steps and capacity units, and what a burst
 * costs in Slack calls, counted by the SDK middleware and the stand-in's request log. Throughput is a ratio
 * to describe + store alone (describeChange and one conditional put per change, the floor any design pays),
 * measured in interleaved rounds on the same engine.
 *
 * Batches are delivered one at a time (POLLERS) so that the counts hold still between runs and engines.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDbEngine } from '../app/local/dynamodb';
import { ensureTable } from '../app/local/dynamodb';
import { describeChange } from '../src/changes/describe';
import { createDynamoDbStore } from '../src/store/dynamodb';
import { loadCatalog } from '../src/watches/loader';
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

/**
 * One SQS poller: each batch's requests are then what the code does, not what it does while racing another
 * invocation for the same alert (that race is timing, hence noise in a count; the reliability suite attacks it).
 */
const POLLERS = 1;
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
  floorPerSecond?: number;
}

/** Changes per second over the pipeline's time and over describe + store's time, for one stretch of a burst. */
interface ThroughputSample {
  value: number;
  baseline: number;
}

/** Steps of this many SQS batches per poller between which describe + store runs (see runScenario). */
const STEPS_PER_SAMPLE = 10;

/**
 * Delivers `events` to a fresh deployment. With `withFloor`, the burst goes in steps of one batch per poller,
 * and after (or, every other step, before) each step describe + store alone handles the same changes on its
 * own table: both sides of the throughput ratio then run under the same load, step by step, however the rest
 * of the shared machine moves; every STEPS_PER_SAMPLE steps make one sample of the ratio.
 */
async function runScenario(
  engine: DynamoDbEngine,
  events: readonly CloudTrailEvent[],
  batchSize: number,
  options: { withFloor?: boolean } = {},
): Promise<ScenarioResult & { samples: ThroughputSample[] }> {
  const rig: Rig = await startRig(engine);
  const floor = options.withFloor ? await describeAndStore(engine) : undefined;
  try {
    const invocations: Invocation[] = [];
    const samples: ThroughputSample[] = [];
    let pipelineMs = 0;
    let floorMs = 0;
    let sampleChanges = 0;
    let samplePipelineMs = 0;
    let sampleFloorMs = 0;
    const steps = floor ? chunk(events, batchSize * POLLERS) : [events];
    for (const [index, step] of steps.entries()) {
      const timeFloor = async () => {
        const start = preciseNow();
        await floor?.(step, batchSize);
        return preciseNow() - start;
      };
      const before = floor && index % 2 === 1 ? await timeFloor() : 0;
      const start = preciseNow();
      invocations.push(...(await rig.deliver(step, { batchSize, pollers: POLLERS })));
      const pipeline = preciseNow() - start;
      const after = floor && index % 2 === 0 ? await timeFloor() : 0;
      pipelineMs += pipeline;
      floorMs += before + after;
      sampleChanges += step.length;
      samplePipelineMs += pipeline;
      sampleFloorMs += before + after;
      if (floor && ((index + 1) % STEPS_PER_SAMPLE === 0 || index === steps.length - 1)) {
        samples.push({
          value: (sampleChanges * 1000) / samplePipelineMs,
          baseline: (sampleChanges * 1000) / sampleFloorMs,
        });
        sampleChanges = 0;
        samplePipelineMs = 0;
        sampleFloorMs = 0;
      }
    }
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
      changesPerSecond: (events.length * 1000) / pipelineMs,
      ...(floor ? { floorPerSecond: (events.length * 1000) / floorMs } : {}),
      samples,
    };
  } finally {
    await rig.close();
    await floor?.close();
  }
}

/**
 * The floor any design pays: describeChange and one conditional store write per change, a batch's writes
 * side by side, POLLERS batches at a time, on a table of its own.
 */
async function describeAndStore(
  engine: DynamoDbEngine,
): Promise<((events: readonly CloudTrailEvent[], batchSize: number) => Promise<void>) & { close(): void }> {
  const client = engine.client();
  const tableName = `bench-floor-${randomUUID()}`;
  await ensureTable(client, tableName);
  const store = createDynamoDbStore({ client, tableName });
  const catalog = loadCatalog();
  const run = async (events: readonly CloudTrailEvent[], batchSize: number) => {
    const batches = chunk(events, batchSize);
    let next = 0;
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
  };
  return Object.assign(run, { close: () => client.destroy() });
}

const perChange = (result: ScenarioResult, total: number) => total / result.changes;

export async function runPipelineBench(context: BenchContext): Promise<Report> {
  const engine = await context.engine();
  const sg = fixture(SG);
  const rounds = context.quick ? 1 : 2;
  const BURST = 1000;
  const SMALL_BURST = 100;
  const single = context.quick ? 50 : 100;

  // The short burst first: it also warms the handler's code paths before anything is timed.
  const small = await runScenario(engine, burst(sg, { count: SMALL_BURST, spacingMs: 300, actors: 1 }), 10);
  // Throughput, interleaved step by step with describe + store alone (see runScenario); also the counts.
  const bursts: (ScenarioResult & { samples: ThroughputSample[] })[] = [];
  for (let round = 0; round < rounds; round++) {
    bursts.push(
      await runScenario(engine, burst(sg, { count: BURST, spacingMs: 300, actors: 1 }), 10, {
        withFloor: true,
      }),
    );
  }
  const throughput = bursts.flatMap((b) => b.samples);
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
    if (values.length === 1) return 'one run';
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
      label: `DynamoDB requests per change, ${BURST.toLocaleString('en')}-change burst by one actor, SQS batches of 10`,
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
      label: `Read units per change, ${BURST.toLocaleString('en')}-change burst, vs a ${SMALL_BURST}-change burst (independent of the burst's size)`,
      unit: 'RCU',
      value: median(burstRcu),
      baseline: perChange(small, small.rcu),
      target: 'ratio <= 1.2',
      count: true,
      headline: true,
      note: `write units per change: ${formatNumber(median(bursts.map((b) => perChange(b, b.wcu))))} (${BURST.toLocaleString('en')}) vs ${formatNumber(perChange(small, small.wcu))} (${SMALL_BURST}); RCU ${counted(burstRcu)}`,
    }),
    completeFigure({
      name: 'change.burst.wcu',
      label: `Write units per change, ${BURST.toLocaleString('en')}-change burst`,
      unit: 'WCU',
      value: median(bursts.map((b) => perChange(b, b.wcu))),
      count: true,
    }),
    completeFigure({
      name: 'change.burst.slack.calls',
      label: `Slack calls for a ${BURST.toLocaleString('en')}-change burst by one actor, batches of 10`,
      unit: 'calls',
      value: median(bursts.map((b) => b.slackCalls)),
      count: true,
      note: `${formatOperations(first.slackByMethod)}; ${first.messages} message(s)`,
    }),
    completeFigure({
      name: 'change.burst.messages',
      label: `Slack messages for a ${BURST.toLocaleString('en')}-change burst by one actor`,
      unit: 'messages',
      value: median(bursts.map((b) => b.messages)),
      baseline: BURST,
      count: true,
      note: 'baseline: one message per change, what a plain EventBridge → Slack rule sends',
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
      label: `Slack calls for ${BURST.toLocaleString('en')} changes by 20 actors, SQS batches of 10`,
      unit: 'calls',
      value: actors20.slackCalls,
      baseline: BURST,
      target: '<= 300',
      count: true,
      headline: true,
      note: `${formatOperations(actors20.slackByMethod)}; baseline: one call per change`,
    }),
    completeFigure({
      name: 'actors20.batch10.messages',
      label: `Slack messages for ${BURST.toLocaleString('en')} changes by 20 actors`,
      unit: 'messages',
      value: actors20.messages,
      baseline: BURST,
      count: true,
    }),
    ratioFigure(
      {
        name: 'events.throughput.ratio',
        label: `Pipeline throughput vs describe + store alone, ${BURST.toLocaleString('en')}-change burst, batches of 10, one at a time`,
        unit: 'changes/s',
        target: 'ratio >= 0.5',
        headline: true,
        note: `${rounds} bursts; describe + store alone runs between the pipeline's batches, one sample per ${STEPS_PER_SAMPLE} batches (${throughput.length} samples); spread over samples`,
      },
      throughput,
    ),
    ...extra.map(([label, result]) =>
      completeFigure({
        name: `${label.startsWith('1 actor') ? 'change.burst' : 'actors20'}.batch50.slack.calls`,
        label: `Slack calls for ${BURST.toLocaleString('en')} changes, ${label}`,
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
    title: 'Alert pipeline through the events handler (SQS batches of 10 unless stated, one at a time)',
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
      `describe + store alone: ${bursts.map((b) => `${Math.round(b.floorPerSecond ?? Number.NaN)}/s`).join(', ')}`,
      ...figures.filter((f) => f.note).map((f) => `${f.name}: ${f.note}`),
    ],
    figures,
  };
}
