/**
 * The benchmark report as data: figures (a count, or a ratio against a baseline measured in the same run), the
 * machine they were measured on, and the JSON / Markdown / README table generated from them. Pure: no I/O.
 *
 * A figure's `target` is a bound on its `value` ("<= 6") or on its `ratio` ("ratio <= 1.2"); `met` is derived
 * from it, never written by hand, so a later run (`npm run bench -- --json FILE`) can be compared line by line.
 */

/** Minimum, median and maximum of one figure over interleaved rounds (how much the machine moved it). */
export interface Spread {
  min: number;
  median: number;
  max: number;
  rounds: number;
}

export interface Figure {
  /** Stable dotted name, e.g. `ack.dynamodb.requests`: the key a later run is compared on. */
  name: string;
  /** What is measured, for a person reading the table. */
  label: string;
  value: number;
  unit: string;
  /** The figure the value is compared with, measured in the same run (same unit). */
  baseline?: number;
  /** `value / baseline` (the median of the per-round ratios when the figure has a spread). */
  ratio?: number;
  /** `<op> <number>` bounding the value, or `ratio <op> <number>` bounding the ratio; op is <=, >=, = or <, >. */
  target?: string;
  met?: boolean;
  spread?: Spread;
  /** Machine-independent (a count) rather than a timing: the figures that hold still between runs. */
  count?: boolean;
  /** Shown in the README's summary table. */
  headline?: boolean;
  note?: string;
  /**
   * Why the target cannot be met as things stand, written where the figure is measured: shown in the report
   * when a run finds the target not met (a gap is stated with its reason, never only flagged).
   */
  gap?: string;
}

/**
 * The figures issue 10 names, which every full run must produce (a later run is compared on these names, and
 * the README summary is made of them).
 */
export const REQUIRED_FIGURES = [
  'ack.dynamodb.requests',
  'ack.dynamodb.sequential',
  'ack.repeat.dynamodb.requests',
  'change.burst.dynamodb.requests',
  'change.burst.rcu',
  'change.single.dynamodb.requests',
  'actors20.batch10.slack.calls',
  'events.throughput.ratio',
  'digest.slack.calls',
  'ack.latency.ratio',
] as const;

/** Required figures the document lacks, and figures whose value is not a finite number (JSON would say null). */
export function documentProblems(doc: BenchmarkDocument): string[] {
  const names = new Set(doc.figures.map((f) => f.name));
  return [
    ...REQUIRED_FIGURES.filter((name) => !names.has(name)).map((name) => `${name} is missing`),
    ...doc.figures
      .filter((f) => !Number.isFinite(f.value) || (f.ratio !== undefined && !Number.isFinite(f.ratio)))
      .map((f) => `${f.name} has no finite value (${f.value}, ratio ${f.ratio})`),
  ];
}

/**
 * The JSON written by `--json FILE` and to docs/benchmarks.json: `{ machine, figures }`, each figure's keys
 * in a fixed order (name, value, unit, baseline, ratio, target, met, then the rest), so two files diff cleanly.
 */
export function documentJson(doc: BenchmarkDocument): string {
  const order: (keyof Figure)[] = [
    'name',
    'value',
    'unit',
    'baseline',
    'ratio',
    'target',
    'met',
    'spread',
    'count',
    'headline',
    'label',
  ];
  // Keys in `order` first (JSON.stringify leaves out the undefined ones), then any other key the figure has.
  const figures = doc.figures.map((figure) => ({
    ...Object.fromEntries(order.map((key) => [key, figure[key]])),
    ...figure,
  }));
  return `${JSON.stringify({ machine: doc.machine, figures }, null, 2)}\n`;
}

export interface MachineInfo {
  cpus: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  /** 1-minute load average at the start and at the end of the run (other work on a shared machine). */
  loadAverage: { start: number; end: number };
  dynamodb: string;
  commit: string;
  date: string;
  quick: boolean;
  durationSeconds: number;
  /** Seconds each suite took, in the order they ran. */
  suiteSeconds?: Record<string, number>;
}

export interface BenchmarkDocument {
  machine: MachineInfo;
  figures: Figure[];
}

export class InvalidTargetError extends Error {
  readonly code = 'InvalidTarget';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const TARGET = /^(ratio\s+)?(<=|>=|=|<|>)\s*(-?\d+(?:\.\d+)?)$/;

/** Whether `figure` meets its target; undefined without a target or without the ratio the target bounds. */
export function meetsTarget(figure: Pick<Figure, 'value' | 'ratio' | 'target'>): boolean | undefined {
  if (figure.target === undefined) return undefined;
  const match = TARGET.exec(figure.target.trim());
  if (!match)
    throw new InvalidTargetError(`invalid target "${figure.target}": expected e.g. "<= 6" or "ratio >= 0.5"`);
  const [, ofRatio, op, bound] = match;
  const subject = ofRatio ? figure.ratio : figure.value;
  if (subject === undefined || !Number.isFinite(subject)) return undefined;
  const limit = Number(bound);
  switch (op) {
    case '<=':
      return subject <= limit;
    case '>=':
      return subject >= limit;
    case '<':
      return subject < limit;
    case '>':
      return subject > limit;
    default:
      return subject === limit;
  }
}

/** Fills in `ratio` (from the baseline) and `met` (from the target). */
export function completeFigure(figure: Figure): Figure {
  const ratio =
    figure.ratio ??
    (figure.baseline !== undefined && figure.baseline !== 0 ? figure.value / figure.baseline : undefined);
  const withRatio: Figure = ratio === undefined ? { ...figure } : { ...figure, ratio };
  const met = meetsTarget(withRatio);
  if (met === undefined) delete withRatio.met;
  else withRatio.met = met;
  return withRatio;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

export function spreadOf(values: readonly number[]): Spread {
  return {
    min: Math.min(...values),
    median: median(values),
    max: Math.max(...values),
    rounds: values.length,
  };
}

/** A figure measured as a ratio over interleaved rounds: value and baseline are the rounds' medians. */
export function ratioFigure(
  figure: Omit<Figure, 'value' | 'baseline' | 'ratio' | 'spread'>,
  rounds: readonly { value: number; baseline: number }[],
): Figure {
  const ratios = rounds.map((round) => round.value / round.baseline);
  return completeFigure({
    ...figure,
    value: median(rounds.map((round) => round.value)),
    baseline: median(rounds.map((round) => round.baseline)),
    ratio: median(ratios),
    spread: spreadOf(ratios),
  });
}

/**
 * A count measured on several samples (clicks, runs): the median, with the samples' range in the note, so a
 * count that does not hold still says so instead of hiding behind its median.
 */
export function countedFigure(
  figure: Omit<Figure, 'value' | 'count'>,
  values: readonly number[],
  detail?: string,
): Figure {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const samples =
    values.length === 1
      ? 'one sample'
      : min === max
        ? `the same in all ${values.length} samples`
        : `${formatNumber(min)}–${formatNumber(max)} over ${values.length} samples`;
  return completeFigure({
    ...figure,
    value: median(values),
    count: true,
    note: [detail, samples, figure.note].filter(Boolean).join('; '),
  });
}

/** Significant digits that suit the magnitude: 1,234 · 56.7 · 1.23 · 0.0123. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs >= 1) return value.toLocaleString('en');
  if (abs >= 100) return Math.round(value).toLocaleString('en');
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 0.1) return value.toFixed(2);
  return value.toPrecision(2);
}

function withUnit(value: number, unit: string): string {
  return unit === '' || unit === 'x' ? formatNumber(value) : `${formatNumber(value)} ${unit}`;
}

function targetCell(figure: Figure): string {
  if (figure.target === undefined) return '';
  return figure.target.replace('<=', '≤').replace('>=', '≥');
}

function metCell(figure: Figure): string {
  if (figure.met === undefined) return figure.target === undefined ? '' : 'n/a';
  return figure.met ? 'met' : '**not met**';
}

function ratioCell(figure: Figure): string {
  if (figure.ratio === undefined) return '';
  const ratio = `${formatNumber(figure.ratio)}×`;
  const spread = figure.spread;
  return spread
    ? `${ratio} (${formatNumber(spread.min)}–${formatNumber(spread.max)}, ${spread.rounds} round${spread.rounds === 1 ? '' : 's'})`
    : ratio;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function describeMachine(machine: MachineInfo): string {
  return [
    `${machine.cores} × ${machine.cpus}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}`,
    `DynamoDB engine: ${machine.dynamodb}`,
    `load average ${machine.loadAverage.start.toFixed(2)} at the start, ${machine.loadAverage.end.toFixed(2)} at the end (the machine is shared)`,
    `commit ${machine.commit}, ${machine.date}, ${machine.quick ? 'quick run' : 'full run'} in ${Math.round(machine.durationSeconds)} s`,
  ].join('; ');
}

/** docs/benchmarks.md: every figure with its baseline, ratio, spread, target and whether it is met. */
export function renderBenchmarkMarkdown(doc: BenchmarkDocument): string {
  const groups = new Map<string, Figure[]>();
  for (const figure of doc.figures) {
    const group = figure.name.split('.')[0] ?? figure.name;
    groups.set(group, [...(groups.get(group) ?? []), figure]);
  }
  const sections = [...groups].map(([group, figures]) => {
    const rows = figures.map((f) => [
      `\`${f.name}\``,
      f.label,
      withUnit(f.value, f.unit),
      f.baseline === undefined ? '' : withUnit(f.baseline, f.unit),
      ratioCell(f),
      targetCell(f),
      metCell(f),
    ]);
    const notes = figures
      .filter((f) => f.note !== undefined)
      .map((f) => `- \`${f.name}\`: ${f.note}`)
      .join('\n');
    return [
      `## ${group}`,
      '',
      table(['Figure', 'What', 'Value', 'Baseline (same run)', 'Ratio (spread)', 'Target', 'Met'], rows),
      ...(notes ? ['', notes] : []),
    ].join('\n');
  });
  const met = doc.figures.filter((f) => f.met === true).length;
  const targeted = doc.figures.filter((f) => f.target !== undefined).length;
  const gaps = doc.figures
    .filter((f) => f.met === false)
    .map(
      (f) =>
        `- \`${f.name}\` (${measuredCell(f)}, target ${targetCell(f)}): ${f.gap ?? 'no reason recorded.'}`,
    );
  return [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/index.ts); do not edit by hand. -->',
    '',
    `Machine: ${describeMachine(doc.machine)}.`,
    '',
    'Counts (DynamoDB requests, sequential steps, capacity units, Slack calls) are counted by an AWS SDK',
    "middleware and the Slack stand-in's request log: they do not depend on the machine. Timings are ratios",
    'against a baseline measured in the same run, in interleaved rounds; the spread is the min–max of the',
    `per-round ratios. ${met} of ${targeted} targets met.`,
    '',
    ...sections.flatMap((section) => [section, '']),
    ...(gaps.length ? ['## Targets not met, and why', '', ...gaps, ''] : []),
  ].join('\n');
}

export const README_START = '<!-- bench:start (generated by npm run bench) -->';
export const README_END = '<!-- bench:end -->';

/** A ratio first where the ratio is the point (timings, or a target on it); otherwise the value. */
function measuredCell(f: Figure): string {
  const value = withUnit(f.value, f.unit);
  if (f.baseline === undefined || f.ratio === undefined) return value;
  const baseline = withUnit(f.baseline, f.unit);
  if (f.count && !f.target?.startsWith('ratio')) return `${value} (baseline ${baseline})`;
  const spread = f.spread
    ? `; ${formatNumber(f.spread.min)}–${formatNumber(f.spread.max)}× over ${f.spread.rounds} round${f.spread.rounds === 1 ? '' : 's'}`
    : '';
  return `${formatNumber(f.ratio)}× (${value} vs ${baseline}${spread})`;
}

/** The README's summary: the headline figures, each with its target and whether it is met. */
export function renderReadmeSummary(doc: BenchmarkDocument): string {
  const rows = doc.figures
    .filter((f) => f.headline)
    .map((f) => [f.label, measuredCell(f), targetCell(f), metCell(f)]);
  return [
    `Generated by \`npm run bench\` (${doc.machine.cores} cores, Node ${doc.machine.node}, ${doc.machine.dynamodb}, ${doc.machine.date.slice(0, 10)}); every figure, its baseline and spread in [docs/benchmarks.md](docs/benchmarks.md).`,
    '',
    table(['What', 'Measured', 'Target', 'Met'], rows),
  ].join('\n');
}

export class MissingMarkersError extends Error {
  readonly code = 'MissingMarkers';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Replaces what lies between the README's bench markers (the markers stay). */
export function spliceReadme(readme: string, summary: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start)
    throw new MissingMarkersError(`README.md needs the markers ${README_START} … ${README_END}`);
  return `${readme.slice(0, start + README_START.length)}\n\n${summary}\n\n${readme.slice(end)}`;
}

export interface FigureChange {
  name: string;
  /** What is compared: the value of a count; otherwise the ratio when both runs have one. */
  compared: 'ratio' | 'value';
  before: number;
  after: number;
  /** `after / before - 1`; 0 when both are 0. */
  change: number;
  count: boolean;
  headline: boolean;
}

/** Figure by figure, how a later run differs from an earlier one (figures present in both). */
export function compareDocuments(before: BenchmarkDocument, after: BenchmarkDocument): FigureChange[] {
  const earlier = new Map(before.figures.map((f) => [f.name, f]));
  return after.figures.flatMap((figure) => {
    const old = earlier.get(figure.name);
    if (!old) return [];
    const compared =
      !figure.count && figure.ratio !== undefined && old.ratio !== undefined ? 'ratio' : 'value';
    const a = compared === 'ratio' ? (old.ratio ?? Number.NaN) : old.value;
    const b = compared === 'ratio' ? (figure.ratio ?? Number.NaN) : figure.value;
    const change = a === b ? 0 : a === 0 ? Number.POSITIVE_INFINITY : b / a - 1;
    return [
      {
        name: figure.name,
        compared,
        before: a,
        after: b,
        change,
        count: figure.count === true,
        headline: figure.headline === true,
      },
    ];
  });
}

/**
 * One line on how much two runs agree: the figures that moved more than 25%, and the largest move of a
 * headline timed ratio (the figures issue 10 wants within 25% between two consecutive runs).
 */
export function comparisonSummary(changes: readonly FigureChange[], tolerance = 0.25): string {
  const moved = changes.filter((c) => Math.abs(c.change) > tolerance);
  const timed = changes.filter((c) => c.headline && c.compared === 'ratio');
  const worst = timed.reduce<FigureChange | undefined>(
    (acc, c) => (acc === undefined || Math.abs(c.change) > Math.abs(acc.change) ? c : acc),
    undefined,
  );
  const percent = (change: number) => `${(Math.abs(change) * 100).toFixed(1)}%`;
  const headline = worst
    ? `headline timed ratios moved at most ${percent(worst.change)} (${worst.name}): ${Math.abs(worst.change) <= tolerance ? 'within' : 'NOT within'} ${percent(tolerance)}`
    : 'no headline timed ratio in both runs';
  const counts = changes.filter((c) => c.count && c.change !== 0).map((c) => c.name);
  return [
    `${moved.length} of ${changes.length} figures moved more than ${percent(tolerance)}`,
    headline,
    counts.length ? `counts that changed: ${counts.join(', ')}` : 'every count the same',
  ].join('; ');
}
