import type { AlertSeed, ReviewedAlert, Store } from '../../src/store/ports';
import { lineOf, makeChange } from '../helpers/changes';
import { markRendered, STORE_KINDS, useStores } from '../helpers/stores';

/*
 * The review port (stats and export) on every engine: alerts by creation time across UTC days, oldest first,
 * per channel or all, in pages, with their acknowledgement and committed change count.
 */

function seed(id: string, createdAt: string, channel = 'C1'): AlertSeed {
  return { id, channel, watch: 'iam', actorKey: 'alice', account: '123456789012', createdAt };
}

async function collect(pages: AsyncIterable<ReviewedAlert[]>): Promise<ReviewedAlert[][]> {
  const all: ReviewedAlert[][] = [];
  for await (const page of pages) all.push(page);
  return all;
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
    const step = {
      step: 1,
      target: { kind: 'here' as const },
      afterMs: 900_000,
      at: '2026-11-27T09:05:00.000Z',
    };
    await store.escalationSteps.schedule('d3', step.at);
    await store.renders.acquireLease('d3', 'w1', step.at, '2026-11-27T09:06:00.000Z');
    await store.escalationSteps.claim('d3', 'w1', 1, step.at);
    await store.escalationSteps.recordSent('d3', 'w1', step, { dueAt: '2026-11-27T09:20:00.000Z' });
    await store.renders.releaseLease('d3', 'w1');
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
    expect(d3?.escalation?.sent).toEqual([step]);
    expect(d3?.acknowledgement).toEqual({
      userId: 'U1',
      userName: 'bob',
      at: '2026-11-27T09:10:00.000Z',
      note: 'planned',
    });
  });
});
