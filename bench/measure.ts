/** Benchmark helpers: every figure is reported next to a baseline measured in the same run. */
import type { Figure } from './report';

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

export function printReport(report: Report): void {
  const widths = report.rows.reduce<number[]>(
    (acc, row) => row.map((cell, i) => Math.max(acc[i] ?? 0, cell.length)),
    [],
  );
  console.log(`\n## ${report.title}`);
  for (const row of report.rows)
    console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`);
  for (const note of report.notes) console.log(`  - ${note}`);
}
