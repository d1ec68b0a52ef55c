import { type DynamoDbEngine, ensureTable, startEngine } from '../../app/local/dynamodb';
import { createDynamoDbStore } from '../../src/store/dynamodb';
import { createDynamoDbPipeline } from '../../src/store/dynamodb/pipeline';
import { createMemoryStore } from '../../src/store/memory';
import { createMemoryPipeline } from '../../src/store/memory/pipeline';
import type { Store } from '../../src/store/ports';
import { type PipelineRepository, ReconcileClaimLostError } from '../../src/store/ports/pipeline';
import { makeChange } from '../helpers/changes';
import { STORE_KINDS, type StoreKind } from '../helpers/stores';

const TARGET = { account: '123456789012', region: 'eu-west-1' };
const t = (minutes: number) => new Date(Date.parse('2026-12-01T12:00:00Z') + minutes * 60_000).toISOString();

/**
 * The pipeline port next to the store it shares a table (or a memory) with: one engine per suite, a fresh
 * table per test (like test/helpers/stores.ts, which does not hand out its client).
 */
function usePipelines(kind: StoreKind) {
  let engine: DynamoDbEngine | undefined;
  const clients: { destroy(): void }[] = [];
  let tables = 0;
  beforeAll(async () => {
    if (kind !== 'memory') engine = await startEngine(kind);
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await engine?.stop();
  });
  return {
    async fresh(): Promise<{ store: Store; pipeline: PipelineRepository }> {
      if (kind === 'memory') {
        const store = createMemoryStore();
        const has = async (id: string) => (await store.changes.get(id)) !== undefined;
        return { store, pipeline: createMemoryPipeline(has) };
      }
      if (!engine) throw new Error('engine not started');
      const client = engine.client();
      clients.push(client);
      tables += 1;
      const tableName = `infrawatch-pipeline-${process.pid}-${tables}`;
      await ensureTable(client, tableName);
      return {
        store: createDynamoDbStore({ client, tableName }),
        pipeline: createDynamoDbPipeline({ client, tableName }),
      };
    },
  };
}

describe.each(STORE_KINDS)('PipelineRepository contract (%s)', (kind) => {
  const pipelines = usePipelines(kind);

  it('claims a target once at a time, takes an expired claim over, and keeps the mark moving forward only', async () => {
    const { pipeline } = await pipelines.fresh();
    expect(await pipeline.claimReconcile(TARGET, 'a', t(0), t(10))).toEqual({});
    expect(await pipeline.claimReconcile(TARGET, 'b', t(5), t(15))).toBeUndefined();
    await pipeline.advanceReconcile(TARGET, 'a', t(-15));
    await pipeline.advanceReconcile(TARGET, 'a', t(-30)); // backwards: ignored
    expect(await pipeline.claimReconcile(TARGET, 'b', t(10), t(20))).toEqual({ reconciledUntil: t(-15) });
    await expect(pipeline.advanceReconcile(TARGET, 'a', t(0))).rejects.toBeInstanceOf(
      ReconcileClaimLostError,
    );
    await pipeline.releaseReconcile(TARGET, 'a'); // not the holder: nothing happens
    expect(await pipeline.claimReconcile(TARGET, 'c', t(11), t(21))).toBeUndefined();
    await pipeline.releaseReconcile(TARGET, 'b');
    expect(await pipeline.claimReconcile(TARGET, 'c', t(11), t(21))).toEqual({ reconciledUntil: t(-15) });
    expect(await pipeline.claimReconcile({ ...TARGET, region: 'us-east-1' }, 'c', t(11), t(21))).toEqual({});
  });

  it('tells which changes the store has', async () => {
    const { store, pipeline } = await pipelines.fresh();
    const stored = makeChange();
    await store.changes.save({ change: stored, raw: '{}', receivedAt: t(0) });
    const ids = [stored.id, 'not-stored', ...Array.from({ length: 150 }, (_, i) => `missing-${i}`)];
    expect([...(await pipeline.knownChanges(ids))]).toEqual([stored.id]);
  });

  it("keeps each account's latest change per day, for the last days asked", async () => {
    const { pipeline } = await pipelines.fresh();
    await pipeline.noteActivity('111111111111', '2026-12-01T10:00:00.000Z');
    await pipeline.noteActivity('111111111111', '2026-12-03T09:00:00.000Z');
    await pipeline.noteActivity('111111111111', '2026-12-03T11:00:00.000Z');
    await pipeline.noteActivity('111111111111', '2026-12-03T08:00:00.000Z'); // older: kept out
    await pipeline.noteActivity('222222222222', '2026-12-04T08:00:00.000Z');
    expect(await pipeline.activity('111111111111', '2026-11-28')).toEqual({
      lastSeen: '2026-12-03T11:00:00.000Z',
      days: ['2026-12-01', '2026-12-03'],
    });
    expect(await pipeline.activity('111111111111', '2026-12-02')).toEqual({
      lastSeen: '2026-12-03T11:00:00.000Z',
      days: ['2026-12-03'],
    });
    expect(await pipeline.activity('333333333333', '2026-11-28')).toEqual({ days: [] });
  });

  it('claims the notice of a silence once, lets a stale claim be retried with its attempt, and a new silence anew', async () => {
    const { pipeline } = await pipelines.fresh();
    const account = '111111111111';
    expect(await pipeline.claimQuietNotice(account, t(-1500), t(0), t(5))).toEqual({});
    expect(await pipeline.claimQuietNotice(account, t(-1500), t(1), t(6))).toBeUndefined();
    await pipeline.markQuietNoticeAttempt(account, t(-1500), t(1));
    await pipeline.markQuietNoticeAttempt(account, t(-1500), t(2)); // the first attempt is kept
    expect(await pipeline.claimQuietNotice(account, t(-1500), t(6), t(11))).toEqual({ postAttemptAt: t(1) });
    await pipeline.completeQuietNotice(account, t(-1500), '1.000001');
    expect(await pipeline.claimQuietNotice(account, t(-1500), t(20), t(25))).toBeUndefined();
    expect(await pipeline.claimQuietNotice(account, t(-2000), t(20), t(25))).toBeUndefined(); // older silence
    expect(await pipeline.claimQuietNotice(account, t(-100), t(20), t(25))).toEqual({});
  });

  it('adds up the health counts of the hours asked', async () => {
    const { pipeline } = await pipelines.fresh();
    await pipeline.addHealthCounts('2026-12-01T10:05:00.000Z', { recorded: 3, recovered: 1 });
    await pipeline.addHealthCounts('2026-12-01T10:55:00.000Z', { recorded: 2, recovered: 0 });
    await pipeline.addHealthCounts('2026-12-01T12:00:00.000Z', { recorded: 4, recovered: 2 });
    await pipeline.addHealthCounts('2026-12-02T12:00:00.000Z', { recorded: 100, recovered: 0 });
    expect(await pipeline.healthCounts('2026-12-01T09:00:00.000Z', '2026-12-01T12:30:00.000Z')).toEqual({
      recorded: 9,
      recovered: 3,
    });
    expect(await pipeline.healthCounts('2026-12-01T11:00:00.000Z', '2026-12-01T11:59:00.000Z')).toEqual({
      recorded: 0,
      recovered: 0,
    });
  });
});
