import fc from 'fast-check';
import type { ChangeLine } from '../../src/model/alert';
import type { Severity } from '../../src/model/severity';
import type { AlertSeed, Store } from '../../src/store/ports';
import { PENDING_LINES_MAX } from '../../src/store/ports/alerts';
import { currentSummary, summarizeLines } from '../../src/views/burst-summary';
import { lineOf, makeChange } from '../helpers/changes';
import { STORE_KINDS, useStores } from '../helpers/stores';

const NOW = '2026-11-27T10:00:00.000Z';
const OWNER = 'renderer';

const seed = (id: string): AlertSeed => ({
  id,
  channel: 'C1',
  watch: 'security-groups',
  actorKey: 'alice',
  account: '123456789012',
  createdAt: NOW,
});

/**
 * What a render stores (use-cases/sync-alert.ts): the summary of every line, from the alert record when it can
 * tell, else from every line read, and how many pending lines that folds in. @returns the summary it stored.
 */
async function render(store: Store, alertId: string) {
  if (!(await store.renders.acquireLease(alertId, OWNER, NOW, '2026-11-27T10:01:00.000Z')))
    throw new Error('lease held');
  const leased = await store.alerts.get(alertId);
  if (!leased) throw new Error(`no alert ${alertId}`);
  let alert = leased;
  let summary = currentSummary(alert);
  if (!summary) {
    const read = await store.alerts.getWithLines(alertId);
    if (!read) throw new Error(`no alert ${alertId}`);
    alert = read.alert;
    summary = summarizeLines(read.lines);
  }
  await store.renders.markRendered(
    alertId,
    OWNER,
    {
      rev: alert.rev,
      message: { channel: 'C1', ts: '1.000001' },
      changeCount: summary.count,
      headline: 'h',
      notifiedSeverity: alert.severity,
      summary: { value: summary, folded: alert.pendingLines?.length ?? 0 },
    },
    { release: true },
  );
  await store.renders.releaseLease(alertId, OWNER);
  // Nothing was appended meanwhile: the summary now covers every line, and nothing is pending.
  const after = await store.alerts.get(alertId);
  expect(after?.pendingLines ?? []).toEqual([]);
  expect(after?.summary?.count).toBe(after?.lineCount);
  return summary;
}

let alertCounter = 0;
const nextAlertId = () => `burst-summary-${++alertCounter}-${Date.now()}`;

describe.each(STORE_KINDS)('burst summary on the alert, %s', (kind) => {
  const stores = useStores(kind);
  let store: Store;
  beforeEach(async () => {
    store = await stores.fresh();
  });

  it('keeps the lines appended since the last render beside its summary, and the render takes out what it folded', async () => {
    // Prepare
    const id = nextAlertId();
    const first = [makeChange(), makeChange({ severity: 'critical' })].map(lineOf);
    const second = [makeChange({ severity: 'warning' })].map(lineOf);
    await store.alerts.append(seed(id), first, { unseen: true });

    // Act
    const rendered = await render(store, id);
    await store.alerts.append(seed(id), second, { unseen: true });
    const alert = await store.alerts.get(id);

    // Assess
    expect(rendered).toEqual(summarizeLines(first));
    expect(alert).toMatchObject({ lineCount: 3, summary: summarizeLines(first) });
    expect(alert?.pendingLines?.map((line) => line.id)).toEqual(second.map((line) => line.id));
    expect(currentSummary(alert ?? {})).toEqual(summarizeLines([...first, ...second]));
  });

  it('admits a line once when two appends of the same changes race (the check is part of the write)', async () => {
    // Prepare
    const id = nextAlertId();
    const lines = [makeChange(), makeChange(), makeChange()].map(lineOf);
    await store.alerts.append(seed(id), [lineOf(makeChange())]);

    // Act: redeliveries read the membership before either writes (neither is `unseen`).
    await Promise.all([store.alerts.append(seed(id), lines), store.alerts.append(seed(id), lines)]);
    const alert = await store.alerts.get(id);

    // Assess
    expect(alert?.lineCount).toBe(4);
    expect(alert?.pendingLines).toHaveLength(4);
    expect(new Set(alert?.pendingLines?.map((line) => line.id)).size).toBe(4);
    expect(currentSummary(alert ?? {})?.count).toBe(4);
  });

  it('leaves lines out of pendingLines past PENDING_LINES_MAX, and a render then reads every line', async () => {
    // Prepare
    const id = nextAlertId();
    const lines = Array.from({ length: PENDING_LINES_MAX + 5 }, () => lineOf(makeChange()));
    for (let i = 0; i < lines.length; i += 25) await store.alerts.append(seed(id), lines.slice(i, i + 25));
    const full = await store.alerts.get(id);

    // Act
    const rendered = await render(store, id);
    const after = await store.alerts.get(id);

    // Assess
    expect(full?.pendingLines?.length).toBeLessThanOrEqual(PENDING_LINES_MAX);
    expect(currentSummary(full ?? {})).toBeUndefined();
    expect(rendered.count).toBe(lines.length);
    expect(after?.pendingLines ?? []).toEqual([]);
    expect(currentSummary(after ?? {})).toEqual(summarizeLines(lines));
  });

  it('renders what every line adds up to, whatever the appends, redeliveries and renders in between', async () => {
    const severities: Severity[] = ['info', 'warning', 'critical'];
    const lineArb = fc
      .record({
        severity: fc.constantFrom(...severities),
        eventName: fc.constantFrom('A', 'B', 'C'),
        time: fc.integer({ min: 0, max: 9 }).map((s) => `2026-11-27T10:00:0${s}Z`),
        summary: fc.string({ maxLength: 20 }),
      })
      .map((fields) => lineOf(makeChange(fields)));
    // Each step appends a batch (some of it may be lines appended before: a redelivery), then maybe renders.
    const stepArb = fc.record({
      fresh: fc.array(lineArb, { minLength: 1, maxLength: 12 }),
      redelivered: fc.nat({ max: 5 }),
      render: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 6 }), async (steps) => {
        const id = nextAlertId();
        const appended: ChangeLine[] = [];
        for (const step of steps) {
          const batch = [...appended.slice(-step.redelivered), ...step.fresh];
          await store.alerts.append(seed(id), batch);
          appended.push(...step.fresh);
          if (step.render) await render(store, id);
        }
        const alert = await store.alerts.get(id);
        const all = await store.alerts.lines(id);
        expect(all).toHaveLength(appended.length);
        const summary = currentSummary(alert ?? {}) ?? (await render(store, id));
        expect(summary).toEqual(summarizeLines(all));
      }),
      { numRuns: kind === 'memory' ? 100 : 12 },
    );
  });
});
