import { createMemoryStore } from '../../src/store/memory';
import type { ReviewedAlert } from '../../src/store/ports';
import { aggregateStats, collectStats, exportRows, nearestRank } from '../../src/use-cases/review';
import { lineOf, makeChange } from '../helpers/changes';
import { markRendered } from '../helpers/stores';
import { manualClock } from '../helpers/use-cases';

/*
 * Stats on a known data set. The expected figures are worked out by hand in the comments (nearest-rank
 * percentiles: the value at rank ceil(p·n) of the sorted times), never computed by the code under test.
 */

const MIN = 60_000;
const T0 = Date.parse('2026-11-27T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();

let counter = 0;
function alert(overrides: Partial<ReviewedAlert> & { ackAfterMin?: number; steps?: number }): ReviewedAlert {
  counter += 1;
  const { ackAfterMin, steps = 0, ...rest } = overrides;
  const createdAt = rest.createdAt ?? at(0);
  return {
    id: `a${counter}`,
    channel: 'C1',
    watch: 'iam',
    actorKey: 'alice',
    account: '123456789012',
    createdAt,
    rev: 1,
    renderedRev: 1,
    severity: 'critical',
    changeCount: 1,
    headline: 'h',
    lineCount: 1,
    ...(ackAfterMin === undefined
      ? {}
      : {
          acknowledgement: {
            userId: 'U1',
            userName: 'bob',
            at: new Date(Date.parse(createdAt) + ackAfterMin * MIN).toISOString(),
          },
        }),
    ...(steps === 0
      ? {}
      : {
          escalation: {
            nextStep: steps + 1,
            dueAt: at(60),
            sent: Array.from({ length: steps }, (_, i) => ({
              step: i + 1,
              target: { kind: 'here' as const },
              afterMs: 15 * MIN,
              at: at(15 * (i + 1)),
            })),
          },
        }),
    ...rest,
  };
}

/** "Was this you?" answered by the actor (only "no" counts as "not me"). */
const answered = (answer: 'yes' | 'no') => ({
  userId: 'U0ALICE',
  askedAt: at(0),
  answer: { answer, userId: 'U0ALICE', userName: 'alice', at: at(1) },
});

async function* pagesOf(alerts: ReviewedAlert[], size: number): AsyncGenerator<ReviewedAlert[]> {
  for (let i = 0; i < alerts.length; i += size) yield alerts.slice(i, i + size);
}

describe('nearestRank', () => {
  it('takes the value at rank ceil(p·n)', () => {
    expect(nearestRank([], 0.5)).toBeNull();
    expect(nearestRank([7], 0.9)).toBe(7);
    // n = 4: median rank 2, p90 rank ceil(3.6) = 4.
    expect(nearestRank([1, 2, 3, 4], 0.5)).toBe(2);
    expect(nearestRank([1, 2, 3, 4], 0.9)).toBe(4);
    // n = 10: p90 rank 9.
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
  });
});

describe('review stats on a known data set', () => {
  it('counts per watch and severity: changes, acknowledged, median and p90, oldest open, escalations', async () => {
    // Prepare
    const alerts = [
      // iam critical: 6 alerts, 9 changes; acknowledged after 10, 2, 30, 4, 1 min; one open since 01:00.
      alert({ ackAfterMin: 10, lineCount: 3, steps: 1 }),
      alert({ ackAfterMin: 2, actorCheck: answered('no') }),
      alert({ ackAfterMin: 30, lineCount: 2, steps: 2 }),
      alert({ ackAfterMin: 4, actorCheck: answered('yes') }),
      alert({ ackAfterMin: 1 }),
      alert({ createdAt: '2026-11-27T01:00:00.000Z', steps: 2 }),
      // iam info: 2 open alerts, the older at 05:00.
      alert({ severity: 'info', createdAt: '2026-11-27T06:00:00.000Z' }),
      alert({ severity: 'info', createdAt: '2026-11-27T05:00:00.000Z', lineCount: 4 }),
      // ec2 warning: one acknowledged after 90 min.
      alert({ watch: 'ec2', severity: 'warning', ackAfterMin: 90 }),
    ];

    // Act: in pages of 4, as a store hands them out.
    const { rows, total } = await aggregateStats(pagesOf(alerts, 4));

    // Assess: sorted times 1, 2, 4, 10, 30 (n = 5): median rank 3 = 4 min, p90 rank ceil(4.5) = 5 = 30 min.
    expect(rows).toEqual([
      {
        watch: 'iam',
        severity: 'critical',
        alerts: 6,
        changes: 9,
        acknowledgedAlerts: 5,
        acknowledgedChanges: 8,
        medianAckMs: 4 * MIN,
        p90AckMs: 30 * MIN,
        oldestOpenAt: '2026-11-27T01:00:00.000Z',
        escalations: 5,
        notMe: 1,
      },
      {
        watch: 'ec2',
        severity: 'warning',
        alerts: 1,
        changes: 1,
        acknowledgedAlerts: 1,
        acknowledgedChanges: 1,
        medianAckMs: 90 * MIN,
        p90AckMs: 90 * MIN,
        oldestOpenAt: null,
        escalations: 0,
        notMe: 0,
      },
      {
        watch: 'iam',
        severity: 'info',
        alerts: 2,
        changes: 5,
        acknowledgedAlerts: 0,
        acknowledgedChanges: 0,
        medianAckMs: null,
        p90AckMs: null,
        oldestOpenAt: '2026-11-27T05:00:00.000Z',
        escalations: 0,
        notMe: 0,
      },
    ]);
    // All: times 1, 2, 4, 10, 30, 90 (n = 6): median rank 3 = 4 min, p90 rank ceil(5.4) = 6 = 90 min.
    expect(total).toEqual({
      alerts: 9,
      changes: 15,
      acknowledgedAlerts: 6,
      acknowledgedChanges: 9,
      medianAckMs: 4 * MIN,
      p90AckMs: 90 * MIN,
      oldestOpenAt: '2026-11-27T01:00:00.000Z',
      escalations: 5,
      notMe: 1,
    });
  });

  it('reads one channel within the window through the store', async () => {
    // Prepare: C1 has one alert 2 days ago (acknowledged after 3 min) and one 8 days ago; C2 has one.
    const store = createMemoryStore();
    const clock = manualClock('2026-12-01T12:00:00.000Z');
    const seed = (id: string, channel: string, createdAt: string) => ({
      id,
      channel,
      watch: 'iam',
      actorKey: 'alice',
      account: '123456789012',
      createdAt,
    });
    await store.alerts.append(seed('recent', 'C1', '2026-11-29T12:00:00.000Z'), [
      lineOf(makeChange({ severity: 'warning' })),
      lineOf(makeChange()),
    ]);
    await store.alerts.append(seed('old', 'C1', '2026-11-23T12:00:00.000Z'), [lineOf(makeChange())]);
    await store.alerts.append(seed('other', 'C2', '2026-11-30T12:00:00.000Z'), [lineOf(makeChange())]);
    await markRendered(store, 'recent');
    await markRendered(store, 'old');
    await store.alerts.acknowledge('recent', {
      userId: 'U1',
      userName: 'bob',
      at: '2026-11-29T12:03:00.000Z',
    });

    // Act
    const week = await collectStats({ store, clock }, 'C1', 7);
    const month = await collectStats({ store, clock }, 'C1', 30);

    // Assess
    expect(week).toMatchObject({ channel: 'C1', days: 7, since: '2026-11-24T12:00:00.000Z' });
    expect(week.rows).toEqual([
      expect.objectContaining({
        watch: 'iam',
        severity: 'warning',
        alerts: 1,
        changes: 2,
        medianAckMs: 3 * MIN,
      }),
    ]);
    expect(month.total).toMatchObject({ alerts: 2, changes: 3, acknowledgedAlerts: 1 });
  });

  it('counts the changes an open alert shows: a change not on its message yet counts once it is', async () => {
    // Prepare: one alert rendered with 1 change, then a 2nd change appended (not rendered yet).
    const store = createMemoryStore();
    const clock = manualClock('2026-12-01T12:00:00.000Z');
    const seed = {
      id: 'open',
      channel: 'C1',
      watch: 'iam',
      actorKey: 'alice',
      account: '123456789012',
      createdAt: '2026-11-30T12:00:00.000Z',
    };
    await store.alerts.append(seed, [lineOf(makeChange())]);
    await markRendered(store, 'open');
    await store.alerts.append(seed, [lineOf(makeChange())]);

    // Act / Assess: 1 alert, 1 change shown; after the render, 2.
    expect((await collectStats({ store, clock }, 'C1', 7)).total).toMatchObject({ alerts: 1, changes: 1 });
    await markRendered(store, 'open');
    expect((await collectStats({ store, clock }, 'C1', 7)).total).toMatchObject({ alerts: 1, changes: 2 });
  });
});

describe('exportRows', () => {
  it('yields one row per change of every alert in the window, oldest alert first, lines by time', async () => {
    // Prepare
    const store = createMemoryStore();
    const early = makeChange({ time: '2026-11-27T09:00:00Z', summary: 'first' });
    const late = makeChange({ time: '2026-11-27T09:30:00Z', summary: 'second' });
    const seed = { watch: 'iam', actorKey: 'alice', account: '123456789012' };
    await store.alerts.append({ ...seed, id: 'B', channel: 'C2', createdAt: '2026-11-27T09:40:00.000Z' }, [
      { ...lineOf(makeChange({ time: '2026-11-27T09:40:00Z' })), recovered: true },
    ]);
    await store.alerts.append({ ...seed, id: 'A', channel: 'C1', createdAt: '2026-11-27T09:00:00.000Z' }, [
      lineOf(late),
      lineOf(early),
    ]);
    await markRendered(store, 'A');
    await store.alerts.acknowledge('A', {
      userId: 'U1',
      userName: 'bob',
      at: '2026-11-27T10:00:00.000Z',
      note: 'planned',
    });

    // Act
    const rows = [];
    for await (const row of exportRows(store, {
      fromIso: '2026-11-27T00:00:00.000Z',
      toIso: '2026-11-28T00:00:00.000Z',
    }))
      rows.push(row);

    // Assess
    expect(
      rows.map((r) => [r.alertId, r.summary, r.acknowledgedBy?.userName ?? null, r.note, r.recovered]),
    ).toEqual([
      ['A', 'first', 'bob', 'planned', false],
      ['A', 'second', 'bob', 'planned', false],
      ['B', expect.any(String), null, null, true],
    ]);
    expect(rows[0]).toMatchObject({
      channel: 'C1',
      acknowledgedAt: '2026-11-27T10:00:00.000Z',
      escalations: [],
    });
  });
});
