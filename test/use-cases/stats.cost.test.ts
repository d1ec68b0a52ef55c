import { toLine } from '../../src/changes/burst';
import type { Store } from '../../src/store/ports';
import { collectStats } from '../../src/use-cases/review';
import { makeChange } from '../helpers/changes';
import { DYNAMODB_ENGINES, useStores } from '../helpers/stores';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const clock = { now: () => NOW, sleep: async () => undefined };
const DAY_MS = 24 * 3600_000;

async function addAlerts(
  store: Store,
  count: number,
  ageMs: number,
  prefix: string,
  channel = 'C1',
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const createdAt = new Date(NOW.getTime() - ageMs - i * 60_000).toISOString();
    const seed = { id: `${prefix}${i}`, channel, watch: 'iam', actorKey: 'a', account: '1', createdAt };
    await store.alerts.append(seed, [toLine(makeChange())]);
  }
}

describe.each(DYNAMODB_ENGINES)('stats read cost on %s', (engine) => {
  const stores = useStores(engine);

  async function statsReadUnits(inWindow: number, older: number, elsewhere = 0): Promise<number> {
    const store = await stores.fresh();
    await addAlerts(store, inWindow, DAY_MS, 'recent');
    await addAlerts(store, older, 20 * DAY_MS, 'old');
    await addAlerts(store, elsewhere, DAY_MS, 'other', 'C2');
    store.meter?.reset();
    const stats = await collectStats({ store, clock }, 'C1', 7);
    expect(stats.total.alerts).toBe(inWindow);
    return store.meter?.read ?? Number.NaN;
  }

  it("grows with the channel's alerts of the window, not with older ones nor other channels' (by-channel index, no Scan)", async () => {
    const few = await statsReadUnits(5, 0);
    const fewAmongOld = await statsReadUnits(5, 150);
    const fewAmongOthers = await statsReadUnits(5, 0, 150);
    const many = await statsReadUnits(150, 0);
    expect(fewAmongOld).toBe(few);
    expect(fewAmongOthers).toBe(few);
    expect(many).toBeGreaterThan(few);
    // Index entries are charged by their bytes, not one read per alert: 150 alerts in far fewer units.
    expect(many).toBeLessThan(150 * 0.5);
  }, 120_000);
});
