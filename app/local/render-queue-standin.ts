import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { RenderFinisher, RenderRequest } from '../../src/use-cases/coalesce-renders';
import { renderRequestMessage } from '../events/render-requests';
import { sqsEventOf } from './lambda-invocation';

/** A failed render request comes back after this long (SQS: the queue's visibility timeout). */
const REDELIVER_MS = 1_000;
/** Receives before a request is given up (SQS: maxReceiveCount, then the dead-letter queue). */
const MAX_RECEIVES = 5;

type Deliver = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

/**
 * The renders queue on one machine (the local stack, the benchmarks): each request reaches the events handler
 * as an SQS batch of one after its delay, and again after REDELIVER_MS while the handler reports it failed.
 */
export interface RenderQueueStandin extends RenderFinisher {
  /** The events handler that consumes the queue (it is built with the queue, so it is given afterwards). */
  deliverTo(deliver: Deliver): void;
  /** Resolves once every request scheduled so far, and any it led to, has been handled. */
  drain(): Promise<void>;
  /** Requests given up after MAX_RECEIVES (SQS would move them to the dead-letter queue). */
  readonly deadLetters: RenderRequest[];
  /** Drops what is still waiting (the stack is stopping). */
  stop(): void;
}

export function createRenderQueueStandin(): RenderQueueStandin {
  let target: Deliver | undefined;
  let stopped = false;
  const pending = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  const deadLetters: RenderRequest[] = [];
  const after = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function run(request: RenderRequest, delayMs: number): Promise<void> {
    await after(delayMs);
    for (let receive = 1; !stopped; receive++) {
      let handled = false;
      try {
        const response = await target?.(sqsEventOf([renderRequestMessage(request)], 'infrawatch-renders'));
        handled = target !== undefined && (response?.batchItemFailures.length ?? 0) === 0;
      } catch {
        // A handler that throws fails the whole batch: SQS delivers it again.
      }
      if (handled) return;
      if (receive === MAX_RECEIVES) {
        deadLetters.push(request);
        return;
      }
      await after(REDELIVER_MS);
    }
  }

  return {
    deadLetters,
    deliverTo(deliver) {
      target = deliver;
    },
    schedule(request, delayMs) {
      if (stopped) return Promise.reject(new Error('the render queue stand-in is stopped'));
      const job = run(request, Math.max(0, delayMs)).finally(() => pending.delete(job));
      pending.add(job);
      return Promise.resolve();
    },
    async drain() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      pending.clear();
    },
  };
}
