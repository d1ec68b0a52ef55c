/**
 * The reliability suite's shared parts: seeded randomness (the seed is printed with every scenario's figures
 * and in every failure, `RELIABILITY_SEED=<n>` replays a run), an SQS-like queue that redelivers what a batch
 * reports as failed, and the figures each scenario prints and is judged by.
 */
import type { SQSBatchResponse } from 'aws-lambda';
import type { EventsHandler } from '../../app/lambda/events';
import { lambdaContext, sqsEventOf } from '../../app/local/lambda-invocation';
import { FUNCTION_TIMEOUTS } from '../../infra/stacks/infrawatch-stack';

/** The seed of this run: `RELIABILITY_SEED` when set, otherwise a fresh one (printed, so it can be replayed). */
export const SEED = Number(process.env.RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));

export type Random = () => number;

/** mulberry32: a small, fast, well-mixed 32-bit generator; the same seed gives the same run. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A random generator for one scenario: the run's seed mixed with the scenario's name. */
export function randomFor(scenario: string): Random {
  let hash = SEED;
  for (const char of scenario) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return seededRandom(hash);
}

export const pick = <T>(random: Random, items: readonly T[]): T => {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
};

/** Fisher–Yates, in place. */
export function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** What every scenario prints; `lost` and `duplicates` must be 0. */
export interface Figures {
  lost: number;
  duplicates: number;
  [figure: string]: number | string;
}

/**
 * Prints the scenario's figures on one line (the seed included) and fails when anything was lost or doubled,
 * naming the seed that replays it.
 */
export function reportFigures(scenario: string, figures: Figures, problems: readonly string[] = []): void {
  const line = Object.entries({ ...figures, seed: SEED })
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  process.stdout.write(`[reliability] ${scenario}: ${line}\n`);
  if (figures.lost !== 0 || figures.duplicates !== 0 || problems.length > 0) {
    throw new Error(
      `${scenario}: lost=${figures.lost} duplicates=${figures.duplicates} (replay with RELIABILITY_SEED=${SEED})` +
        problems
          .slice(0, 20)
          .map((problem) => `\n  ${problem}`)
          .join(''),
    );
  }
}

/** An invocation may take at most the events function's timeout (measured per invocation, generously). */
export const EVENTS_INVOCATION_BUDGET_MS = FUNCTION_TIMEOUTS.events.toMilliseconds();

export interface QueueFigures {
  /** Messages sent to the queue. */
  messages: number;
  invocations: number;
  /** Records handed to a handler, redeliveries included. */
  deliveries: number;
  /** Redeliveries: records that came back as batch item failures (or in a batch that threw). */
  retries: number;
  /** The most receives one message needed. */
  maxReceives: number;
  /** The slowest invocation, ms of wall clock. */
  slowestInvocationMs: number;
  /** Messages still failing after `maxReceives` (SQS would move them to the dead-letter queue). */
  undelivered: number;
  /** Invocations that threw instead of answering with batch item failures. */
  thrown: number;
}

/**
 * SQS in front of the events function, as deployed with ReportBatchItemFailures: `concurrency` pollers (one
 * handler instance each, round robin) take up to `batchSize` messages, and every record a batch reports as
 * failed (all of them when the invocation throws) becomes visible again at the back of the queue.
 */
export async function deliverUntilDone(options: {
  handlers: readonly EventsHandler[];
  bodies: readonly (object | string)[];
  batchSize: number;
  concurrency: number;
  /** Receives after which a message is given up (default 50: the suite wants to see it finish). */
  maxReceives?: number;
  /** Called with each batch before it is handed over (fault switches). */
  beforeInvocation?: (invocation: number) => void | Promise<void>;
}): Promise<QueueFigures> {
  const limit = options.maxReceives ?? 50;
  const queue = options.bodies.map((body) => ({ body, receives: 0 }));
  const figures: QueueFigures = {
    messages: queue.length,
    invocations: 0,
    deliveries: 0,
    retries: 0,
    maxReceives: 0,
    slowestInvocationMs: 0,
    undelivered: 0,
    thrown: 0,
  };
  let inFlight = 0;
  const poller = async (handler: EventsHandler): Promise<void> => {
    for (;;) {
      const batch = queue.splice(0, options.batchSize);
      if (batch.length === 0) {
        if (inFlight === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      inFlight += 1;
      figures.invocations += 1;
      await options.beforeInvocation?.(figures.invocations);
      const event = sqsEventOf(batch.map((message) => message.body));
      for (const message of batch) message.receives += 1;
      figures.deliveries += batch.length;
      const started = performance.now();
      let failed: Set<string>;
      try {
        const response = (await handler(event, lambdaContext('infrawatch-events'))) as SQSBatchResponse;
        failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
      } catch {
        figures.thrown += 1;
        failed = new Set(event.Records.map((record) => record.messageId));
      }
      figures.slowestInvocationMs = Math.max(
        figures.slowestInvocationMs,
        Math.round(performance.now() - started),
      );
      event.Records.forEach((record, i) => {
        const message = batch[i];
        if (!message || !failed.has(record.messageId)) return;
        if (message.receives >= limit) figures.undelivered += 1;
        else {
          figures.retries += 1;
          queue.push(message);
        }
      });
      for (const message of batch) figures.maxReceives = Math.max(figures.maxReceives, message.receives);
      inFlight -= 1;
    }
  };
  await Promise.all(
    Array.from({ length: options.concurrency }, (_, i) =>
      poller(options.handlers[i % options.handlers.length] as EventsHandler),
    ),
  );
  return figures;
}

/** Why changes were handed back for a retry, from the handlers' "will retry" log lines: error name -> count. */
export function retryCauses(logs: readonly { message: string; attributes: Record<string, unknown> }[]) {
  const causes: Record<string, number> = {};
  for (const line of logs) {
    if (!line.message.includes('will retry')) continue;
    const error = line.attributes.error as { name?: string; code?: string } | undefined;
    const name = `retry.${error?.code ?? error?.name ?? 'unknown'}`;
    causes[name] = (causes[name] ?? 0) + 1;
  }
  return causes;
}
