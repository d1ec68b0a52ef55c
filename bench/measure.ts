/** Benchmark helpers: every figure is reported next to a baseline measured in the same run. */

export interface Measurement {
  label: string;
  /** Nanoseconds per operation, best of the rounds (least disturbed by the rest of the machine). */
  nsPerOp: number;
}

export interface Report {
  title: string;
  rows: string[][];
  notes: string[];
}

/** Runs `body` (which performs `ops` operations) a few times after a warm-up and keeps the best round. */
export function measure(label: string, ops: number, body: () => void, rounds = 5): Measurement {
  body();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    body();
    best = Math.min(best, Number(process.hrtime.bigint() - start));
  }
  return { label, nsPerOp: best / ops };
}

export function formatRate(m: Measurement): string {
  return `${Math.round(1e9 / m.nsPerOp).toLocaleString('en')} ops/s`;
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
