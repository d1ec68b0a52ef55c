import fc from 'fast-check';
import { bySeverityThenTime, toLine } from '../../src/changes/burst';
import type { AlertContent, BurstSummary, ChangeLine } from '../../src/model/alert';
import type { Change } from '../../src/model/change';
import type { Severity } from '../../src/model/severity';
import {
  CRITICAL_KEPT,
  currentSummary,
  EMPTY_SUMMARY,
  foldLines,
  isComplete,
  RESOURCE_KEYS_KEPT,
  summarizeLines,
  summaryLine,
} from '../../src/views/burst-summary';
import { renderAlertContent } from '../../src/views/grouped-alert';
import { makeChange } from '../helpers/changes';

/*
 * A burst message rendered from a summary built render by render (each render folding in only the lines
 * appended since the last) must be the message rendered from every line at once. The lines are random: any
 * severity mix, clashing event names, regions and resources, equal and unparseable times, long summaries and
 * mrkdwn, recovered lines; the bursts are cut into random appends and renders.
 */

const SEVERITIES: Severity[] = ['info', 'warning', 'critical'];

const changeArb = fc
  .record({
    severity: fc.constantFrom(...SEVERITIES),
    eventName: fc.constantFrom('AuthorizeSecurityGroupIngress', 'CreateTags', 'Revoke<!here>', 'B', 'A'),
    region: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-south-1', '<!channel>'),
    // Few distinct minutes and seconds: equal times (and so ties on the event id) are common.
    time: fc.oneof(
      fc.integer({ min: 0, max: 5 }).map((s) => `2026-11-27T10:0${s}:00Z`),
      fc.constant('2026-11-27T10:03:00.000Z'),
      fc.constant('not a time'),
    ),
    summary: fc.oneof(
      fc.constant(''),
      fc.string({ maxLength: 40 }),
      fc.integer({ min: 250, max: 400 }).map((n) => `${'😀'.repeat(3)}${'x'.repeat(n)} *bold* <@U1>`),
    ),
    resources: fc.array(
      fc.record({
        type: fc.constantFrom('security-group', 'bucket'),
        id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
      }),
      { maxLength: 4 },
    ),
    recovered: fc.boolean(),
  })
  .map(({ recovered, ...fields }) => ({ change: makeChange(fields), recovered }));

const lineOf = ({ change, recovered }: { change: Change; recovered: boolean }): ChangeLine =>
  recovered ? { ...toLine(change), recovered: true } : toLine(change);

function content(lead: Change, lines: ChangeLine[], summary?: BurstSummary): AlertContent {
  return {
    id: 'a0b1c2d3e4f5a6b7c8d9e0f1',
    channel: 'C1',
    watch: 'security-groups',
    lead,
    lines,
    ...(summary ? { summary } : {}),
    severity: 'info',
    status: 'open',
  };
}

/** The message from every line, as a render that reads them all makes it. */
function renderAll(changes: readonly { change: Change; recovered: boolean }[]) {
  const lines = changes.map(lineOf).sort(bySeverityThenTime);
  const lead = changes.find(({ change }) => change.id === lines[0]?.id)?.change ?? makeChange();
  return renderAlertContent(content(lead, lines), { watchTitle: 'Security groups' });
}

/** The message from a summary folded append by append, as the incremental render makes it. */
function renderFolded(changes: readonly { change: Change; recovered: boolean }[], summary: BurstSummary) {
  const lead = changes.find(({ change }) => change.id === summary.lead?.id)?.change ?? makeChange();
  return renderAlertContent(content(lead, [], summary), { watchTitle: 'Security groups' });
}

/** `items` cut into consecutive pieces at the given (sorted, deduplicated) points. */
function cut<T>(items: readonly T[], points: readonly number[]): T[][] {
  const at = [...new Set(points.map((p) => p % (items.length + 1)))].sort((a, b) => a - b);
  const pieces: T[][] = [];
  let from = 0;
  for (const point of [...at, items.length]) {
    pieces.push(items.slice(from, point));
    from = point;
  }
  return pieces;
}

describe('burst summary: rendering from the summary is rendering from every line', () => {
  it('gives the same message however the burst was cut into appends and renders', () => {
    fc.assert(
      fc.property(
        fc.array(changeArb, { minLength: 1, maxLength: 120 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (changes, points) => {
          // Prepare: each piece is what one render finds pending (appends in between are concatenated).
          let summary = EMPTY_SUMMARY;
          // Act
          for (const piece of cut(changes, points))
            summary = foldLines(summary, piece.map(lineOf).map(summaryLine));
          // Assess
          expect(summary.count).toBe(changes.length);
          if (isComplete(summary)) expect(renderFolded(changes, summary)).toEqual(renderAll(changes));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('folds to the same summary in any order (only the resource hashes kept past the cap may differ)', () => {
    fc.assert(
      fc.property(fc.array(changeArb, { minLength: 1, maxLength: 60 }), (changes) => {
        const lines = changes.map(lineOf);
        const forward = summarizeLines(lines);
        const backward = [...lines].reverse().reduce((s, line) => foldLines(s, [line]), EMPTY_SUMMARY);
        expect(backward).toEqual(forward);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every critical line up to CRITICAL_KEPT, and says when a render must read the lines', () => {
    // Prepare
    const criticals = Array.from({ length: CRITICAL_KEPT + 1 }, (_, i) =>
      lineOf({ change: makeChange({ severity: 'critical', summary: `critical ${i}` }), recovered: false }),
    );
    const kept = summarizeLines(criticals.slice(0, CRITICAL_KEPT));

    // Act
    const over = foldLines(kept, criticals.slice(CRITICAL_KEPT));

    // Assess
    expect(isComplete(kept)).toBe(true);
    expect(isComplete(over)).toBe(false);
    expect(over.critical).toHaveLength(CRITICAL_KEPT);
    expect(currentSummary({ lineCount: CRITICAL_KEPT + 1, summary: over })).toBeUndefined();
  });

  it('is read from the alert record only when its counts add up to the alert lines', () => {
    // Prepare
    const lines = [makeChange(), makeChange(), makeChange()].map(toLine);
    const summary = summarizeLines(lines.slice(0, 2));

    // Act / Assess: the summary plus the pending lines are every line; one left out (no room) is not.
    expect(currentSummary({ lineCount: 3, summary, pendingLines: lines.slice(2) })).toEqual(
      summarizeLines(lines),
    );
    expect(currentSummary({ lineCount: 3, pendingLines: lines })).toEqual(summarizeLines(lines));
    expect(currentSummary({ lineCount: 4, summary, pendingLines: lines.slice(2) })).toBeUndefined();
    expect(currentSummary({ summary, pendingLines: lines.slice(2) })).toBeUndefined();
  });

  it('counts distinct resources exactly up to RESOURCE_KEYS_KEPT, then as a lower bound', () => {
    // Prepare
    const line = (i: number) =>
      toLine(
        makeChange({
          resources: [
            { type: 'bucket', id: `bucket-${i}` },
            { type: 'bucket', id: 'shared' },
          ],
        }),
      );

    // Act
    const exact = summarizeLines(Array.from({ length: RESOURCE_KEYS_KEPT - 1 }, (_, i) => line(i)));
    const over = foldLines(exact, [line(RESOURCE_KEYS_KEPT), line(RESOURCE_KEYS_KEPT + 1)]);

    // Assess
    expect(exact.resourceKeys).toHaveLength(RESOURCE_KEYS_KEPT);
    expect(exact.resourcesOverflow).toBeUndefined();
    expect(over.resourceKeys).toHaveLength(RESOURCE_KEYS_KEPT);
    expect(over.resourcesOverflow).toBe(true);
    expect(JSON.stringify(renderFolded([], over).blocks)).toContain('…and 194+ more resources');
  });
});
