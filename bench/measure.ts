/** What a suite hands back to the runner, and how it is printed to the terminal. */
import { type Figure, formatNumber } from './report';

export interface Report {
  title: string;
  rows: string[][];
  notes: string[];
  /** The suite's figures for the JSON, docs/benchmarks.md and the README summary (see report.ts). */
  figures?: Figure[];
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/**
 * The usual report of a suite: one row per figure (value, baseline, ratio with its spread, target and
 * verdict), each figure's note below the table, then `notes`.
 */
export function figureReport(title: string, figures: Figure[], notes: readonly string[] = []): Report {
  const verdict = (f: Figure) => (f.met === undefined ? '' : f.met ? 'met' : 'NOT MET');
  return {
    title,
    rows: [
      ['figure', 'value', 'baseline', 'ratio', 'spread', 'target', ''],
      ...figures.map((f) => [
        f.name,
        `${formatNumber(f.value)} ${f.unit}`,
        f.baseline === undefined ? '' : `${formatNumber(f.baseline)} ${f.unit}`,
        f.ratio === undefined ? '' : `${formatNumber(f.ratio)}x`,
        f.spread ? `${formatNumber(f.spread.min)}–${formatNumber(f.spread.max)}` : '',
        f.target ?? '',
        verdict(f),
      ]),
    ],
    notes: [...figures.filter((f) => f.note).map((f) => `${f.name}: ${f.note}`), ...notes],
    figures,
  };
}

export function printReport(report: Report): void {
  const widths = report.rows.reduce<number[]>(
    (acc, row) => row.map((cell, i) => Math.max(acc[i] ?? 0, cell.length)),
    [],
  );
  console.log(`\n## ${report.title}`);
  for (const row of report.rows)
    console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd());
  for (const note of report.notes) console.log(`  - ${note}`);
}
