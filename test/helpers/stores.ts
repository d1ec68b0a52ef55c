import {
  type DynamoDbEngine,
  type DynamoDbEngineName,
  ensureTable,
  startEngine,
} from '../../app/local/dynamodb';
import { DynamoDbRequestRecorder, summarize } from '../../bench/counting';
import { CapacityMeter, createDynamoDbStore } from '../../src/store/dynamodb';
import { createMemoryStore } from '../../src/store/memory';
import type { Store } from '../../src/store/ports';

export type StoreKind = 'memory' | DynamoDbEngineName;

/** Every store implementation the contract and end-to-end suites run against. */
export const STORE_KINDS: readonly StoreKind[] = ['memory', 'dynalite', 'dynamodb-local'];
export const DYNAMODB_ENGINES: readonly DynamoDbEngineName[] = ['dynalite', 'dynamodb-local'];

let tableCounter = 0;

/**
 * Starts one engine per suite (beforeAll) and hands out a fresh table per test, so tests never see each
 * other's items and never pay the engine's start-up twice.
 */
/** DynamoDB requests a store sent (recorded on its client by the benchmarks' middleware, bench/counting.ts). */
export interface RequestCounter {
  total(): number;
  /** The longest chain of requests each sent after the one before had its answer (see sequentialSteps). */
  sequential(): number;
  reset(): void;
}

export function useStores(kind: StoreKind): {
  fresh(): Promise<Store & { meter?: CapacityMeter; dynamoDbRequests?: RequestCounter }>;
} {
  let engine: DynamoDbEngine | undefined;
  const clients: { destroy(): void }[] = [];
  beforeAll(async () => {
    if (kind !== 'memory') engine = await startEngine(kind);
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await engine?.stop();
  });
  return {
    async fresh() {
      if (kind === 'memory') return createMemoryStore();
      if (!engine) throw new Error('engine not started');
      const client = engine.client();
      clients.push(client);
      tableCounter += 1;
      const tableName = `infrawatch-test-${process.pid}-${tableCounter}`;
      await ensureTable(client, tableName);
      const meter = new CapacityMeter();
      const recorder = new DynamoDbRequestRecorder();
      recorder.attach(client);
      const dynamoDbRequests: RequestCounter = {
        total: () => recorder.requests.length,
        sequential: () => summarize(recorder.requests).sequential,
        reset: () => recorder.reset(),
      };
      return { ...createDynamoDbStore({ client, tableName, meter }), meter, dynamoDbRequests };
    },
  };
}

/**
 * Records an alert's current revision as shown in Slack, as a render does: an alert can only be
 * acknowledged once its message shows its latest revision.
 */
export async function markRendered(
  store: Store,
  alertId: string,
  atIso = '2026-11-27T10:00:00.000Z',
): Promise<void> {
  const alert = await store.alerts.get(alertId);
  if (!alert) throw new Error(`no alert ${alertId}`);
  const until = new Date(Date.parse(atIso) + 60_000).toISOString();
  if (!(await store.renders.acquireLease(alertId, 'test-renderer', atIso, until)))
    throw new Error('lease held');
  await store.renders.markRendered(alertId, 'test-renderer', {
    rev: alert.rev,
    message: { channel: alert.channel, ts: '1.000001' },
    // What a render records: the changes the message now shows.
    changeCount: (await store.alerts.lines(alertId)).length,
    headline: 'h',
    notifiedSeverity: alert.severity,
  });
  await store.renders.releaseLease(alertId, 'test-renderer');
}
