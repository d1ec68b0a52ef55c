import type { AlertSeed, ReviewedAlert, StatsAlert, Store } from '../../src/store/ports';
import { lineOf, makeChange } from '../helpers/changes';
import { markRendered, STORE_KINDS, useStores } from '../helpers/stores';

/*
 * The review port (stats and export) on every engine: alerts by creation time across UTC days, oldest first,
 * per channel or all, in pages, with their acknowledgement and committed change count.
 */

function seed(id: string, createdAt: string, channel = 'C1'): AlertSeed {
  return { id, channel, watch: 'iam', actorKey: 'alice', account: '123456789012', createdAt };
}

async function collect<T extends ReviewedAlert | StatsAlert>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const all: T[][] = [];
  for await (const page of pages) all.push(page);
  return all;
}

/** Escalation step 1 of an alert, as sent by the sweep. */
const STEP = { step: 1, target: { kind: 'here' as const }, afterMs: 900_000, at: '2026-11-27T09:05:00.000Z' };

async function sendStep(store: Store, alertId: string): Promise<void> {
  await store.escalationSteps.schedule(alertId, STEP.at);
  await store.renders.acquireLease(alertId, 'w1', STEP.at, '2026-11-27T09:06:00.000Z');
  await store.escalationSteps.claim(alertId, 'w1', 1, STEP.at);
  await store.escalationSteps.recordSent(alertId, 'w1', STEP, { dueAt: '2026-11-27T09:20:00.000Z' });
  await store.renders.releaseLease(alertId, 'w1');
}

describe.each(STORE_KINDS)('review contract on %s', (kind) => {
  const stores = useStores(kind);
  let store: Store;
  beforeEach(async () => {
    store = await stores.fresh();
    // Prepare: alerts on three UTC days, two channels; one outside the window on each side.
    await store.alerts.append(seed('before', '2026-11-24T23:59:59.000Z'), [lineOf(makeChange())]);
    await store.alerts.append(seed('d1-late', '2026-11-25T22:00:00.000Z'), [lineOf(makeChange())]);
    await store.alerts.append(seed('d1-early', '2026-11-25T08:00:00.000Z'), [
      lineOf(makeChange()),
      lineOf(makeChange({ severity: 'critical' })),
    ]);
    await store.alerts.append(seed('d2-other', '2026-11-26T09:00:00.000Z', 'C2'), [lineOf(makeChange())]);
    await store.alerts.append(seed('d3', '2026-11-27T09:00:00.000Z'), [lineOf(makeChange())]);
    await store.alerts.append(seed('after', '2026-11-27T12:00:00.001Z'), [lineOf(makeChange())]);
  });

  const range = { fromIso: '2026-11-25T00:00:00.000Z', toIso: '2026-11-27T12:00:00.000Z' };

  it('lists every alert created in the window, across days and channels, oldest first', async () => {
    // Act
    const pages = await collect(store.review.alerts(range));

    // Assess
    expect(pages.flat().map((a) => a.id)).toEqual(['d1-early', 'd1-late', 'd2-other', 'd3']);
    expect(pages.flat()[0]).toMatchObject({
      channel: 'C1',
      severity: 'critical',
      lineCount: 2,
      watch: 'iam',
    });
  });

  it('keeps to one channel when asked, and pages no larger than asked', async () => {
    const pages = await collect(store.review.alerts({ ...range, channel: 'C1' }, 1));
    expect(pages.flat().map((a) => a.id)).toEqual(['d1-early', 'd1-late', 'd3']);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(1);
  });

  it("carries the actor's answer to 'was this you?'", async () => {
    // Prepare: alice was asked about d3 and answered No.
    await store.renders.acquireLease('d3', 'w1', '2026-11-27T09:01:00.000Z', '2026-11-27T09:02:00.000Z');
    await store.actorChecks.claimAsk('d3', 'w1', 'U0ALICE', '2026-11-27T09:01:00.000Z');
    await store.actorChecks.recordAsked('d3', 'w1', { channel: 'D0ALICE', ts: '1.000100' });
    await store.renders.releaseLease('d3', 'w1');
    const answer = {
      answer: 'no' as const,
      userId: 'U0ALICE',
      userName: 'alice',
      at: '2026-11-27T09:03:00.000Z',
    };
    await store.actorChecks.recordAnswer('d3', answer);

    // Act
    const [d3] = (
      await collect(store.review.alerts({ ...range, fromIso: '2026-11-27T00:00:00.000Z' }))
    ).flat();

    // Assess
    expect(d3?.actorCheck?.answer).toEqual(answer);
  });

  it('carries the escalation steps sent and the acknowledgement (note included)', async () => {
    // Prepare: step 1 sent, then acknowledged.
    await sendStep(store, 'd3');
    await markRendered(store, 'd3');
    await store.alerts.acknowledge('d3', {
      userId: 'U1',
      userName: 'bob',
      at: '2026-11-27T09:10:00.000Z',
      note: 'planned',
    });

    // Act
    const [d3] = (
      await collect(store.review.alerts({ ...range, fromIso: '2026-11-27T00:00:00.000Z' }))
    ).flat();

    // Assess
    expect(d3?.escalation?.sent).toEqual([STEP]);
    expect(d3?.acknowledgement).toEqual({
      userId: 'U1',
      userName: 'bob',
      at: '2026-11-27T09:10:00.000Z',
      note: 'planned',
    });
  });

  describe('stats entries (by-channel index)', () => {
    const week = { channel: 'C1', fromIso: '2026-11-25T00:00:00.000Z', toIso: '2026-11-27T12:00:00.000Z' };

    it("lists the channel's alerts of the window only, oldest first, with severity and the changes shown", async () => {
      // Prepare: d1-early's message shows its 2 changes; d1-late was never rendered.
      await markRendered(store, 'd1-early');

      // Act
      const entries = (await collect(store.review.statsAlerts(week))).flat();

      // Assess: not C2's alert, nothing outside the window.
      expect(entries.map((a) => a.id)).toEqual(['d1-early', 'd1-late', 'd3']);
      expect(entries[0]).toEqual({
        id: 'd1-early',
        watch: 'iam',
        severity: 'critical',
        createdAt: '2026-11-25T08:00:00.000Z',
        lineCount: 2,
      });
      expect(entries[1]?.lineCount).toBe(0);
    });

    it("carries the acknowledgement, the escalation steps sent and the actor's answer", async () => {
      // Prepare: d3 escalated once, its actor answered No, then acknowledged with a note.
      await sendStep(store, 'd3');
      await store.renders.acquireLease('d3', 'w1', STEP.at, '2026-11-27T09:06:00.000Z');
      await store.actorChecks.claimAsk('d3', 'w1', 'U0ALICE', '2026-11-27T09:01:00.000Z');
      await store.actorChecks.recordAsked('d3', 'w1', { channel: 'D0ALICE', ts: '1.000100' });
      await store.renders.releaseLease('d3', 'w1');
      const answer = {
        answer: 'no' as const,
        userId: 'U0ALICE',
        userName: 'alice',
        at: '2026-11-27T09:03:00.000Z',
      };
      await store.actorChecks.recordAnswer('d3', answer);
      await markRendered(store, 'd3');
      const acknowledgement = {
        userId: 'U1',
        userName: 'bob',
        at: '2026-11-27T09:10:00.000Z',
        note: 'planned',
      };
      await store.alerts.acknowledge('d3', acknowledgement);

      // Act
      const [d3] = (
        await collect(store.review.statsAlerts({ ...week, fromIso: '2026-11-27T00:00:00.000Z' }))
      ).flat();

      // Assess
      expect(d3).toEqual({
        id: 'd3',
        watch: 'iam',
        severity: 'critical',
        createdAt: '2026-11-27T09:00:00.000Z',
        lineCount: 1,
        acknowledgement,
        escalation: { sent: [STEP] },
        actorCheck: { answer },
      });
    });
  });
});
