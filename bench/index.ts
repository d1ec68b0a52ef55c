/**
 * npm run bench: every figure is a machine-independent count or a ratio to a baseline measured in the same
 * run (never a wall-clock limit).
 *
 *   npm run bench                          all suites, full size; writes docs/benchmarks.{md,json} and the README summary
 *   npm run bench -- --quick               the same scenarios, fewer rounds and 400-change bursts (the figures'
 *                                          labels and targets say so); writes nothing; within 3 minutes here
 *   npm run bench -- --json FILE           also writes { machine, figures } to FILE (compare two runs with it)
 *   npm run bench -- ack pipeline          only these suites (writes no docs)
 *   npm run bench -- --no-docs             a full run that leaves docs/ and README.md alone
 *   npm run bench -- compare A.json B.json how run B's figures differ from run A's (no benchmark is run)
 *
 * A suite is a function `(context) => Report` (see measure.ts); figures it returns in `report.figures` go
 * into the JSON and the generated docs. Registering one is one line in `suites` below. A run that lacks a
 * figure of REQUIRED_FIGURES (report.ts) or has one that is not a number exits 1 and regenerates no docs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import type { DynamoDbEngine } from '../app/local/dynamodb';
import { runAckBench } from './ack.bench';
import { runBundleBench } from './bundle.bench';
import { runDigestBench } from './digest.bench';
import { runEngineBench } from './engine.bench';
import { type BenchContext, ROOT, startBenchEngine } from './harness';
import { printReport, type Report } from './measure';
import { parseArgs, UsageError } from './options';
import { runPipelineBench } from './pipeline.bench';
import {
  type BenchmarkDocument,
  compareDocuments,
  comparisonSummary,
  completeFigure,
  documentJson,
  documentProblems,
  type Figure,
  formatNumber,
  type MachineInfo,
  renderBenchmarkMarkdown,
  renderReadmeSummary,
  spliceReadme,
} from './report';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

type Suite = (context: BenchContext) => Report | Promise<Report>;

const suites: Record<string, Suite> = {
  engine: runEngineBench,
  pipeline: runPipelineBench,
  ack: runAckBench,
  digest: runDigestBench,
  bundle: runBundleBench,
};

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${sha} (with local changes)` : sha;
  } catch {
    return 'unknown';
  }
}

/** Prints how run `after` differs from run `before`; timed ratios moving more than 25% are flagged. */
function compare(beforeFile: string, afterFile: string): void {
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as BenchmarkDocument;
  const changes = compareDocuments(read(beforeFile), read(afterFile));
  const rows = changes.map((c) => [
    c.name,
    c.compared,
    formatNumber(c.before),
    formatNumber(c.after),
    `${c.change >= 0 ? '+' : ''}${(c.change * 100).toFixed(1)}%`,
    [c.headline ? 'headline' : '', Math.abs(c.change) > 0.25 ? 'moved > 25%' : ''].filter(Boolean).join(', '),
  ]);
  printReport({
    title: `${afterFile} vs ${beforeFile}`,
    rows: [['figure', 'compared', 'before', 'after', 'change', ''], ...rows],
    notes: [comparisonSummary(changes)],
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === 'compare') {
    if (argv.length !== 3) throw new UsageError('usage: npm run bench -- compare BEFORE.json AFTER.json');
    compare(argv[1] ?? '', argv[2] ?? '');
    return;
  }
  const options = parseArgs(argv, Object.keys(suites));
  const started = Date.now();
  // Taken before the run: what was measured, even if the checkout moves meanwhile.
  const measured = commit();
  const loadStart = loadavg()[0] ?? 0;
  console.log(
    `InfraWatch benchmarks — node ${process.version}, ${cpus().length} cores, ${options.quick ? 'quick' : 'full'} run, ${new Date().toISOString()}`,
  );
  let engine: Promise<{ engine: DynamoDbEngine; label: string }> | undefined;
  const context: BenchContext = {
    quick: options.quick,
    engine: async () => {
      engine ??= startBenchEngine();
      return (await engine).engine;
    },
  };
  const figures: Figure[] = [];
  const suiteSeconds: Record<string, number> = {};
  try {
    for (const name of options.only.length > 0 ? options.only : Object.keys(suites)) {
      const suite = suites[name];
      if (!suite) continue;
      const suiteStart = Date.now();
      const report = await suite(context);
      suiteSeconds[name] = Math.round((Date.now() - suiteStart) / 100) / 10;
      printReport({ ...report, title: `${report.title} [${suiteSeconds[name]} s]` });
      figures.push(...(report.figures ?? []).map(completeFigure));
    }
  } finally {
    await (await engine)?.engine.stop();
  }

  const machine: MachineInfo = {
    cpus: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    loadAverage: { start: loadStart, end: loadavg()[0] ?? 0 },
    dynamodb: engine ? (await engine).label : 'not used',
    commit: measured,
    date: new Date().toISOString(),
    quick: options.quick,
    durationSeconds: (Date.now() - started) / 1000,
    suiteSeconds,
  };
  const doc: BenchmarkDocument = { machine, figures };
  const unmet = figures.filter((f) => f.met === false);
  console.log(
    `\n${figures.filter((f) => f.met).length} of ${figures.filter((f) => f.target).length} targets met${unmet.length ? `; not met: ${unmet.map((f) => f.name).join(', ')}` : ''} (${Math.round(machine.durationSeconds)} s)`,
  );
  const problems = documentProblems(doc).filter((p) => options.only.length === 0 || !p.endsWith('missing'));
  if (problems.length > 0) {
    // A figure the table needs is gone or not a number: the run measured something else than it says.
    console.error(`benchmark document problems: ${problems.join('; ')}`);
    process.exitCode = 1;
  }
  if (options.json) {
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, documentJson(doc));
    console.log(`figures written to ${options.json}`);
  }
  if (options.docs && !options.quick && options.only.length === 0 && problems.length === 0) {
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), renderBenchmarkMarkdown(doc));
    // The committed figures, for: npm run bench -- --json new.json && npm run bench -- compare docs/benchmarks.json new.json
    writeFileSync(join(ROOT, 'docs', 'benchmarks.json'), documentJson(doc));
    const readme = join(ROOT, 'README.md');
    writeFileSync(readme, spliceReadme(readFileSync(readme, 'utf8'), renderReadmeSummary(doc)));
    // The tables are written unpadded; Biome (which `npm run lint` runs over Markdown) aligns them.
    execFileSync(
      join(ROOT, 'node_modules', '.bin', 'biome'),
      ['format', '--write', 'README.md', 'docs/benchmarks.md'],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    console.log('docs/benchmarks.md, docs/benchmarks.json and the README summary regenerated');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
