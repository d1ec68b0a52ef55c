import { toLine } from '../../src/changes/burst';
import type { Store } from '../../src/store/ports';
import { collectDigest } from '../../src/use-cases/digest';
import { makeChange } from '../helpers/changes';
import { DYNAMODB_ENGINES, markRendered, useStores } from '../helpers/stores';

const CHANNEL = 'C0DIGEST';
const NOW = new Date('2026-11-27T12:00:00.000Z');
const clock = { now: () => NOW, sleep: async () => undefined };

async function addAlerts(store: Store, count: number, acknowledged: boolean, prefix: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = `${prefix}${i}`;
    const createdAt = new Date(NOW.getTime() - (i + 1) * 60_000).toISOString();
    const seed = {
      id,
      channel: CHANNEL,
      watch: 'iam',
      actorKey: 'alice',
      account: '123456789012',
      createdAt,
    };
    await store.alerts.append(seed, [toLine(makeChange())]);
    if (acknowledged) {
      await markRendered(store, id);
      await store.alerts.acknowledge(id, { userId: 'U1', userName: 'u', at: NOW.toISOString() });
    }
  }
}

describe.each(DYNAMODB_ENGINES)('digest read cost on %s', (engine) => {
  const stores = useStores(engine);

  async function digestReadUnits(open: number, acknowledged: number): Promise<number> {
    const store = await stores.fresh();
    await addAlerts(store, open, false, 'open');
    await addAlerts(store, acknowledged, true, 'acked');
    store.meter?.reset();
    const digest = await collectDigest({ store, clock }, CHANNEL);
    expect(digest.alerts).toHaveLength(open);
    return store.meter?.read ?? Number.NaN;
  }

  it('grows with open alerts, not with acknowledged ones (sparse index, no Scan)', async () => {
    const few = await digestReadUnits(5, 0);
    const fewAmongMany = await digestReadUnits(5, 150);
    const many = await digestReadUnits(120, 0);
    expect(fewAmongMany).toBe(few);
    expect(many).toBeGreaterThan(few);
  }, 60_000);
});
