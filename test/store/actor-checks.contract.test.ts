import { LeaseLostError } from '../../src/store/errors';
import type { Store } from '../../src/store/ports';
import { lineOf, makeChange } from '../helpers/changes';
import { markRendered, STORE_KINDS, useStores } from '../helpers/stores';

const NOW = '2026-11-27T10:00:00.000Z';
const LATER = '2026-11-27T10:05:00.000Z';
const DUE = '2026-11-27T10:15:00.000Z';
const LEASE_UNTIL = '2026-11-27T11:00:00.000Z';
const DM = { channel: 'D0ALICE', ts: '2.000001' };

async function warningAlert(store: Store, id = 'a-1'): Promise<string> {
  const change = makeChange({ severity: 'warning' });
  await store.changes.save({ change, raw: '{}', receivedAt: NOW });
  await store.alerts.append(
    { id, channel: 'C1', watch: change.watch, actorKey: 'alice', account: change.account, createdAt: NOW },
    [lineOf(change)],
  );
  await markRendered(store, id, NOW);
  return id;
}

const yes = { answer: 'yes' as const, userId: 'U0ALICE', userName: 'alice', at: LATER };
const no = { ...yes, answer: 'no' as const };

describe.each(STORE_KINDS)('actor checks contract on %s', (kind) => {
  const stores = useStores(kind);
  let store: Store;
  beforeEach(async () => {
    store = await stores.fresh();
  });

  it('claims the question once, as lease holder: a later claim sees the first attempt, then the DM', async () => {
    // Prepare
    const id = await warningAlert(store);
    await expect(store.actorChecks.claimAsk(id, 'w1', 'U0ALICE', NOW)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await store.renders.acquireLease(id, 'w1', NOW, LEASE_UNTIL)).toBe(true);

    // Act / Assess
    expect(await store.actorChecks.claimAsk(id, 'w1', 'U0ALICE', NOW)).toEqual({ status: 'claimed' });
    expect(await store.actorChecks.claimAsk(id, 'w1', 'U0ALICE', LATER)).toEqual({
      status: 'claimed',
      earlierAttemptAt: NOW,
    });
    expect(await store.actorChecks.claimAsk(id, 'w1', 'U0BOB', LATER)).toEqual({
      status: 'asked-someone-else',
      userId: 'U0ALICE',
    });
    await store.actorChecks.recordAsked(id, 'w1', DM);
    expect(await store.actorChecks.claimAsk(id, 'w1', 'U0ALICE', LATER)).toEqual({ status: 'sent', dm: DM });
    expect((await store.alerts.get(id))?.actorCheck).toEqual({ userId: 'U0ALICE', askedAt: NOW, dm: DM });
  });

  it('records the first answer of the person asked only, once, and bumps the revision', async () => {
    const id = await warningAlert(store);
    await store.renders.acquireLease(id, 'w1', NOW, LEASE_UNTIL);
    expect(await store.actorChecks.recordAnswer(id, yes)).toMatchObject({ status: 'not-asked' });
    await store.actorChecks.claimAsk(id, 'w1', 'U0ALICE', NOW);
    const rev = (await store.alerts.get(id))?.rev ?? 0;

    expect(await store.actorChecks.recordAnswer(id, { ...yes, userId: 'U0MALLORY' })).toEqual({
      status: 'not-asked',
      askedUserId: 'U0ALICE',
    });
    const first = await store.actorChecks.recordAnswer(id, yes);
    const second = await store.actorChecks.recordAnswer(id, { ...no, at: DUE });

    expect(first).toMatchObject({ status: 'recorded', alert: { rev: rev + 1, severity: 'warning' } });
    expect(second).toMatchObject({ status: 'already-answered', answer: yes, alert: { rev: rev + 1 } });
    expect((await store.alerts.get(id))?.actorCheck?.answer).toEqual(yes);
    expect(await store.actorChecks.recordAnswer('a-missing', yes)).toEqual({ status: 'not-found' });
  });

  it('"No" raises the alert to critical and marks the channel pinged at critical', async () => {
    const id = await warningAlert(store);
    await store.renders.acquireLease(id, 'w1', NOW, LEASE_UNTIL);
    await store.actorChecks.claimAsk(id, 'w1', 'U0ALICE', NOW);

    const result = await store.actorChecks.recordAnswer(id, no);

    expect(result).toMatchObject({
      status: 'recorded',
      alert: { severity: 'critical', notifiedSeverity: 'critical' },
    });
    expect(await store.alerts.get(id)).toMatchObject({ severity: 'critical', actorCheck: { answer: no } });
    // Raised, never lowered: a later append of a warning line leaves it critical.
    await store.alerts.append(
      {
        id,
        channel: 'C1',
        watch: 'security-groups',
        actorKey: 'alice',
        account: '123456789012',
        createdAt: NOW,
      },
      [lineOf(makeChange({ severity: 'warning' }))],
    );
    expect((await store.alerts.get(id))?.severity).toBe('critical');
  });

  it('claims the "not theirs" reply once after an answer, keeping the first attempt', async () => {
    const id = await warningAlert(store);
    await store.renders.acquireLease(id, 'w1', NOW, LEASE_UNTIL);
    await store.actorChecks.claimAsk(id, 'w1', 'U0ALICE', NOW);
    expect(await store.actorChecks.claimNotice(id, 'w1', NOW)).toEqual({ status: 'done' });
    await store.actorChecks.recordAnswer(id, no);

    expect(await store.actorChecks.claimNotice(id, 'w1', LATER)).toEqual({ status: 'claimed' });
    expect(await store.actorChecks.claimNotice(id, 'w1', DUE)).toEqual({
      status: 'claimed',
      earlierAttemptAt: LATER,
    });
    await expect(store.actorChecks.claimNotice(id, 'w2', DUE)).rejects.toBeInstanceOf(LeaseLostError);
    await store.actorChecks.recordNoticed(id, 'w1', DUE);
    expect(await store.actorChecks.claimNotice(id, 'w1', DUE)).toEqual({ status: 'done' });
    expect((await store.alerts.get(id))?.actorCheck).toMatchObject({
      noticeAttemptAt: LATER,
      noticedAt: DUE,
    });
  });

  it('expedites the first escalation step to now, once, and schedules it when nothing was', async () => {
    const scheduled = await warningAlert(store, 'a-1');
    const unscheduled = await warningAlert(store, 'a-2');
    await store.escalationSteps.schedule(scheduled, DUE);

    expect(await store.escalationSteps.expedite(scheduled, LATER)).toMatchObject({
      nextStep: 1,
      dueAt: LATER,
    });
    expect(await store.escalationSteps.expedite(scheduled, DUE)).toMatchObject({ dueAt: LATER });
    expect(await store.escalationSteps.expedite(unscheduled, LATER)).toMatchObject({
      nextStep: 1,
      dueAt: LATER,
    });

    expect(await store.escalationSteps.due(DUE, 10)).toEqual([
      { alertId: 'a-1', dueAt: LATER },
      { alertId: 'a-2', dueAt: LATER },
    ]);
  });

  it('keeps each channel setting field when the other is set', async () => {
    await store.config.putActorCheck('C1', { ask: false }, 'U1', NOW);
    const after = await store.config.putActorCheck('C1', { confirms: 'acknowledge' }, 'U2', LATER);

    expect(after).toEqual({ channel: 'C1', ask: false, confirms: 'acknowledge', setBy: 'U2', setAt: LATER });
    expect((await store.config.load(NOW)).actorChecks).toEqual([after]);
  });
});
