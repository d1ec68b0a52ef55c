/**
 * One alert-pipeline scenario: a burst of CloudTrail events through the real events Lambda handler on a
 * fresh deployment (rig), with what it cost in DynamoDB requests, sequential steps, capacity units and Slack
 * calls, and (optionally) its throughput against describe + store alone, interleaved step by step.
 *
 * Batches go one at a time (one SQS poller): each batch's requests are then what the code does, not what it
 * does while racing another invocation for the same alert (that race is timing, hence noise in a count; the
 * reliability suite attacks it).
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDbEngine, ensureTable } from '../app/local/dynamodb';
import { describeChange } from '../src/changes/describe';
import { createDynamoDbStore } from '../src/store/dynamodb';
import { loadCatalog } from '../src/watches/loader';
import type { Ablation } from './ablation';
import { preciseNow, summarize } from './counting';
import { type CloudTrailEvent, callsByMethod, chunk, type Invocation, startRig } from './harness';
import { median } from './report';

export interface ScenarioResult {
  changes: number;
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
  /** With `withFloor`: changes per second of describe + store alone, and the per-stretch samples. */
  floorPerSecond?: number;
  samples: ThroughputSample[];
  /** With `paceMs`: the batches that took longer than the pace (then the arrival rate was not held). */
  latePaced: number;
}

/** Changes per second over the pipeline's time and over describe + store's time, for one stretch of a burst. */
export interface ThroughputSample {
  value: number;
  baseline: number;
}

/** SQS batches between which describe + store runs, per throughput sample (see runScenario). */
export const STEPS_PER_SAMPLE = 10;

/**
 * Delivers `events` to a fresh deployment in SQS batches of `batchSize`. With `withFloor`, after (or, every
 * other step, before) each batch describe + store alone handles the same changes on its own table: both sides
 * of the throughput ratio then run under the same load, step by step, however the rest of the shared machine
 * moves; every STEPS_PER_SAMPLE steps make one sample of the ratio.
 *
 * With `paceMs`, batch i is delivered i × paceMs after the first: the changes arrive at a fixed rate, as they
 * do from EventBridge, instead of as fast as this machine handles them. What depends on wall-clock time (the
 * render windows) then depends on the rate, not on the machine, as long as each batch takes less than the
 * pace (`latePaced` counts those that did not).
 */
export async function runScenario(
  engine: DynamoDbEngine,
  events: readonly CloudTrailEvent[],
  batchSize: number,
  options: { withFloor?: boolean; paceMs?: number; ablations?: readonly Ablation[] } = {},
): Promise<ScenarioResult> {
  const rig = await startRig(engine, { ablations: options.ablations });
  const floor = options.withFloor ? await describeAndStore(engine) : undefined;
  try {
    const invocations: Invocation[] = [];
    const samples: ThroughputSample[] = [];
    const total = { pipelineMs: 0, floorMs: 0 };
    const sample = { changes: 0, pipelineMs: 0, floorMs: 0 };
    const paceMs = options.paceMs;
    const steps = floor || paceMs ? chunk(events, batchSize) : [events];
    const began = preciseNow();
    let latePaced = 0;
    for (const [index, step] of steps.entries()) {
      if (paceMs) {
        const wait = began + index * paceMs - preciseNow();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        else if (index > 0) latePaced += 1;
      }
      const timeFloor = async () => {
        const start = preciseNow();
        await floor?.(step);
        return preciseNow() - start;
      };
      const before = floor && index % 2 === 1 ? await timeFloor() : 0;
      const start = preciseNow();
      invocations.push(...(await rig.deliver(step, { batchSize, pollers: 1 })));
      const pipelineMs = preciseNow() - start;
      const floorMs = before + (floor && index % 2 === 0 ? await timeFloor() : 0);
      total.pipelineMs += pipelineMs;
      total.floorMs += floorMs;
      sample.changes += step.length;
      sample.pipelineMs += pipelineMs;
      sample.floorMs += floorMs;
      if (floor && ((index + 1) % STEPS_PER_SAMPLE === 0 || index === steps.length - 1)) {
        samples.push({
          value: (sample.changes * 1000) / sample.pipelineMs,
          baseline: (sample.changes * 1000) / sample.floorMs,
        });
        Object.assign(sample, { changes: 0, pipelineMs: 0, floorMs: 0 });
      }
    }
    // The finishers of the last render windows are part of what the burst costs (not of its throughput:
    // deployed, they run in other containers, seconds later).
    await rig.settle();
    const all = summarize(rig.recorder.requests);
    const calls = rig.slack.calls.filter((call) => call.method !== 'auth.test');
    return {
      changes: events.length,
      requests: all.requests,
      byOperation: all.byOperation,
      rcu: all.rcu,
      wcu: all.wcu,
      sequentialPerBatch: median(invocations.map((i) => summarize(rig.recorder.of(i.scope)).sequential)),
      slackCalls: calls.length,
      slackByMethod: callsByMethod(calls),
      messages: rig.alerts().length,
      changesPerSecond: (events.length * 1000) / total.pipelineMs,
      ...(floor ? { floorPerSecond: (events.length * 1000) / total.floorMs } : {}),
      samples,
      latePaced,
    };
  } finally {
    await rig.close();
    floor?.close();
  }
}

/**
 * The floor any design pays: describeChange and one conditional store write per change, the writes of a
 * batch side by side, on a table of its own.
 */
async function describeAndStore(
  engine: DynamoDbEngine,
): Promise<((batch: readonly CloudTrailEvent[]) => Promise<void>) & { close(): void }> {
  const client = engine.client();
  const tableName = `bench-floor-${randomUUID()}`;
  await ensureTable(client, tableName);
  const store = createDynamoDbStore({ client, tableName });
  const catalog = loadCatalog();
  const run = async (batch: readonly CloudTrailEvent[]) => {
    await Promise.all(
      batch.map((event) => {
        const raw = JSON.stringify(event);
        return store.changes.save({
          change: describeChange(JSON.parse(raw), catalog),
          raw,
          receivedAt: event.time,
        });
      }),
    );
  };
  return Object.assign(run, { close: () => client.destroy() });
}

/** `total` (requests, units) per change of the scenario. */
export const perChange = (result: ScenarioResult, total: number): number => total / result.changes;
