import { LeaseLostError } from '../../src/store/errors';
import type { Store } from '../../src/store/ports';
import { makeChange } from '../helpers/changes';
import { markRendered, STORE_KINDS, useStores } from '../helpers/stores';

const NOW = '2026-11-27T10:00:00.000Z';
const DUE = '2026-11-27T10:15:00.000Z';
const LATER = '2026-11-27T10:30:00.000Z';
const LEASE_UNTIL = '2026-11-27T11:00:00.000Z';

async function alert(store: Store, id = 'a-1'): Promise<string> {
  const change = makeChange({ severity: 'critical' });
  await store.changes.save({ change, raw: '{}', receivedAt: NOW });
  await store.alerts.append(
    { id, channel: 'C1', watch: change.watch, actorKey: 'alice', account: change.account, createdAt: NOW },
    [
      {
        id: change.id,
        eventName: change.eventName,
        severity: 'critical',
        summary: change.summary,
        time: change.time,
        region: change.region,
        resources: [],
      },
    ],
  );
  await markRendered(store, id, NOW);
  return id;
}

const step1 = { step: 1, target: { kind: 'here' as const }, afterMs: 900_000, at: DUE };

describe.each(STORE_KINDS)('escalation steps contract on %s', (kind) => {
  const stores = useStores(kind);
  let store: Store;
  beforeEach(async () => {
    store = await stores.fresh();
  });

  it('schedules once: a repeated schedule keeps the first due time and one due entry', async () => {
    // Prepare
    const id = await alert(store);

    // Act
    const first = await store.escalationSteps.schedule(id, DUE);
    const again = await store.escalationSteps.schedule(id, LATER);

    // Assess
    expect(first).toEqual({ nextStep: 1, dueAt: DUE, sent: [] });
    expect(again).toEqual(first);
    expect(await store.escalationSteps.due(LATER, 10)).toEqual([{ alertId: id, dueAt: DUE }]);
    expect((await store.alerts.get(id))?.escalation).toEqual(first);
  });

  it('lists due entries at or before now, earliest first, never later ones', async () => {
    await store.escalationSteps.schedule(await alert(store, 'a-2'), LATER);
    await store.escalationSteps.schedule(await alert(store, 'a-1'), DUE);

    expect(await store.escalationSteps.due('2026-11-27T10:14:59.999Z', 10)).toEqual([]);
    expect(await store.escalationSteps.due(DUE, 10)).toEqual([{ alertId: 'a-1', dueAt: DUE }]);
    expect((await store.escalationSteps.due(LATER, 10)).map((e) => e.alertId)).toEqual(['a-1', 'a-2']);
    expect(await store.escalationSteps.due(LATER, 1)).toHaveLength(1);
  });

  it('schedules nothing for an acknowledged alert', async () => {
    const id = await alert(store);
    await store.alerts.acknowledge(id, { userId: 'U1', userName: 'alice', at: NOW });

    expect(await store.escalationSteps.schedule(id, DUE)).toBeUndefined();
    expect(await store.escalationSteps.due(LATER, 10)).toEqual([]);
  });

  it('claims a step only as lease holder, only while unacknowledged, and keeps the first attempt', async () => {
    const id = await alert(store);
    await store.escalationSteps.schedule(id, DUE);
    await expect(store.escalationSteps.claim(id, 'w1', 1, DUE)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await store.renders.acquireLease(id, 'w1', DUE, LEASE_UNTIL)).toBe(true);

    expect(await store.escalationSteps.claim(id, 'w1', 1, DUE)).toEqual({ status: 'claimed' });
    expect(await store.escalationSteps.claim(id, 'w1', 1, LATER)).toEqual({
      status: 'claimed',
      earlierAttemptAt: DUE,
    });
    expect(await store.escalationSteps.claim(id, 'w1', 2, LATER)).toEqual({ status: 'stale' });

    await store.renders.releaseLease(id, 'w1');
    await store.alerts.acknowledge(id, { userId: 'U1', userName: 'alice', at: LATER });
    expect(await store.renders.acquireLease(id, 'w1', DUE, LEASE_UNTIL)).toBe(true);
    expect(await store.escalationSteps.claim(id, 'w1', 1, LATER)).toEqual({ status: 'stale' });
  });

  it('records a sent step: next step due, revision bumped, the sent entry gone; the last step ends it', async () => {
    const id = await alert(store);
    await store.escalationSteps.schedule(id, DUE);
    await store.renders.acquireLease(id, 'w1', DUE, LEASE_UNTIL);
    await store.escalationSteps.claim(id, 'w1', 1, DUE);
    const rev = (await store.alerts.get(id))?.rev ?? 0;

    await store.escalationSteps.recordSent(id, 'w1', step1, { dueAt: LATER });

    expect(await store.escalationSteps.due(LATER, 10)).toEqual([{ alertId: id, dueAt: LATER }]);
    const after = await store.alerts.get(id);
    expect(after?.rev).toBe(rev + 1);
    expect(after?.escalation).toEqual({ nextStep: 2, dueAt: LATER, sent: [step1] });
    // Recording the same step again (a stale worker) is refused.
    await expect(store.escalationSteps.recordSent(id, 'w1', step1, null)).rejects.toBeInstanceOf(
      LeaseLostError,
    );

    const step2 = { ...step1, step: 2, afterMs: 1_800_000, at: LATER };
    await store.escalationSteps.claim(id, 'w1', 2, LATER);
    await store.escalationSteps.recordSent(id, 'w1', step2, null);
    expect(await store.escalationSteps.due('2026-11-28T00:00:00.000Z', 10)).toEqual([]);
    expect((await store.alerts.get(id))?.escalation?.sent).toEqual([step1, step2]);
  });

  it('stops an alert: its due entry goes and no step can be claimed', async () => {
    const id = await alert(store);
    await store.escalationSteps.schedule(id, DUE);

    await store.escalationSteps.stop(id);
    await store.escalationSteps.stop(id);
    await store.escalationSteps.stop('never-scheduled');

    expect(await store.escalationSteps.due(LATER, 10)).toEqual([]);
    await store.renders.acquireLease(id, 'w1', DUE, LEASE_UNTIL);
    expect(await store.escalationSteps.claim(id, 'w1', 1, DUE)).toEqual({ status: 'stale' });
    // Stopped for good: scheduling again (a redelivered change) does not restart it.
    await store.escalationSteps.schedule(id, LATER);
    expect(await store.escalationSteps.due('2026-11-28T00:00:00.000Z', 10)).toEqual([]);
  });

  it("keeps each channel's escalation setting with the config, off included", async () => {
    const policy = {
      severity: 'warning' as const,
      afterMs: 600_000,
      targets: [{ kind: 'usergroup' as const, id: 'S0ONCALL' }] as const,
    };
    await store.config.putEscalation({ channel: 'C1', policy, setBy: 'U1', setAt: NOW });
    await store.config.putEscalation({ channel: 'C2', policy: null, setBy: 'U2', setAt: NOW });
    await store.config.putEscalation({ channel: 'C2', policy: null, setBy: 'U3', setAt: LATER });

    const { escalations } = await store.config.load(NOW);

    expect([...(escalations ?? [])].sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
      { channel: 'C1', policy, setBy: 'U1', setAt: NOW },
      { channel: 'C2', policy: null, setBy: 'U3', setAt: LATER },
    ]);
  });
});
