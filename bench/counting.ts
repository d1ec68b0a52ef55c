/**
 * Counts what a click or a change costs in round trips, by watching the real AWS SDK client rather than by
 * reading the code: a middleware inside the SDK's retry loop (so every HTTP attempt is one request) records each DynamoDB request's operation, start and end and the capacity DynamoDB reports
 * (ReturnConsumedCapacity, set on every request that lacks it). Requests are tagged with the scope they ran
 * in (an AsyncLocalStorage label such as one click or one SQS batch), so concurrent invocations in one process
 * are still counted apart.
 *
 * On Lambda a user waits for the **sequential** round trips, not for the total: `sequentialSteps` is the
 * longest chain of requests each starting after the previous one ended (requests sent together with
 * Promise.all count as one step).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Wall-clock milliseconds with sub-millisecond resolution (shared with the Slack stand-in's clock). */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

export interface RecordedRequest {
  /** DynamoDB operation, e.g. `GetItem`. */
  operation: string;
  /** Scope label the request ran in, or undefined outside any scope. */
  scope: string | undefined;
  start: number;
  end: number;
  rcu: number;
  wcu: number;
  failed: boolean;
}

/** The interval of anything timed: a DynamoDB request, a Slack call, an invocation. */
export interface Interval {
  start: number;
  end: number;
}

const READ_OPERATIONS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

interface Consumed {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** Read and write units of one request: the split when DynamoDB gives one, else the operation's kind. */
export function capacityOf(
  operation: string,
  consumed: Consumed | Consumed[] | undefined,
): { rcu: number; wcu: number } {
  const parts = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
  let rcu = 0;
  let wcu = 0;
  for (const part of parts) {
    if (part.ReadCapacityUnits === undefined && part.WriteCapacityUnits === undefined) {
      if (READ_OPERATIONS.has(operation)) rcu += part.CapacityUnits ?? 0;
      else wcu += part.CapacityUnits ?? 0;
    } else {
      rcu += part.ReadCapacityUnits ?? 0;
      wcu += part.WriteCapacityUnits ?? 0;
    }
  }
  return { rcu, wcu };
}

/** The longest chain of intervals each starting at or after the previous one's end. */
export function sequentialSteps(intervals: readonly Interval[]): number {
  // Greedy by earliest end: the classic maximum set of pairwise non-overlapping intervals.
  const byEnd = [...intervals].sort((a, b) => a.end - b.end);
  let steps = 0;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const interval of byEnd) {
    if (interval.start >= lastEnd) {
      steps += 1;
      lastEnd = interval.end;
    }
  }
  return steps;
}

export interface RequestSummary {
  requests: number;
  byOperation: Record<string, number>;
  sequential: number;
  rcu: number;
  wcu: number;
}

export function summarize(requests: readonly RecordedRequest[]): RequestSummary {
  const byOperation: Record<string, number> = {};
  let rcu = 0;
  let wcu = 0;
  for (const request of requests) {
    byOperation[request.operation] = (byOperation[request.operation] ?? 0) + 1;
    rcu += request.rcu;
    wcu += request.wcu;
  }
  return { requests: requests.length, byOperation, sequential: sequentialSteps(requests), rcu, wcu };
}

/** `GetItem 2, UpdateItem 1` */
export function formatOperations(byOperation: Readonly<Record<string, number>>): string {
  return Object.entries(byOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([operation, count]) => `${operation} ${count}`)
    .join(', ');
}

interface HandlerContext {
  commandName?: string;
}

/** Records every DynamoDB request of the clients it is attached to. */
export class DynamoDbRequestRecorder {
  readonly requests: RecordedRequest[] = [];
  private readonly scopes = new AsyncLocalStorage<string>();

  /** Runs `body` with its DynamoDB requests tagged `scope`. */
  within<T>(scope: string, body: () => Promise<T>): Promise<T> {
    return this.scopes.run(scope, body);
  }

  /** The requests recorded in `scope` (or, with a predicate, those it selects). */
  of(scope: string | ((request: RecordedRequest) => boolean)): RecordedRequest[] {
    return this.requests.filter(typeof scope === 'string' ? (r) => r.scope === scope : scope);
  }

  reset(): void {
    this.requests.length = 0;
  }

  /** Adds the counting middleware to `client` and returns it. */
  attach<C extends DynamoDBClient>(client: C): C {
    const record = (request: RecordedRequest) => this.requests.push(request);
    const scopes = this.scopes;
    // Every request reports its capacity, whether or not the store asked for it.
    client.middlewareStack.add(
      (next) => (args) => {
        (args as { input: Record<string, unknown> }).input.ReturnConsumedCapacity ??= 'TOTAL';
        return next(args);
      },
      { step: 'initialize', name: 'infrawatchBenchConsumedCapacity', override: true },
    );
    // finalizeRequest at low priority: inside the retry middleware (one record per HTTP attempt) and outside
    // the deserializer (the output, with its ConsumedCapacity, is already parsed).
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = ((context as HandlerContext).commandName ?? 'Unknown').replace(/Command$/, '');
        const scope = scopes.getStore();
        const start = preciseNow();
        try {
          const result = await next(args);
          record({
            operation,
            scope,
            start,
            end: preciseNow(),
            ...capacityOf(
              operation,
              (result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity,
            ),
            failed: false,
          });
          return result;
        } catch (error) {
          // A failed condition still costs a round trip and write capacity; DynamoDB reports it on the error.
          const consumed = (error as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity;
          record({
            operation,
            scope,
            start,
            end: preciseNow(),
            ...capacityOf(operation, consumed),
            failed: true,
          });
          throw error;
        }
      },
      { step: 'finalizeRequest', priority: 'low', name: 'infrawatchBenchRequestCounter', override: true },
    );
    return client;
  }
}
