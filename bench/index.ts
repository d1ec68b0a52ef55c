/**
 * npm run bench: every figure is a ratio to a baseline measured in the same run (never a wall-clock limit).
 * Usage: npm run bench [-- engine|pipeline|ack ...]   (default: all)
 */
import { runAckBench } from './ack.bench';
import { runEngineBench } from './engine.bench';
import { printReport, type Report } from './measure';
import { runPipelineBench } from './pipeline.bench';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const suites: Record<string, () => Report | Promise<Report>> = {
  engine: runEngineBench,
  pipeline: runPipelineBench,
  ack: runAckBench,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in suites));
  if (unknown.length > 0) {
    console.error(
      `unknown bench suite(s): ${unknown.join(', ')}; choose from ${Object.keys(suites).join(', ')}`,
    );
    process.exitCode = 2;
    return;
  }
  console.log(`InfraWatch benchmarks — node ${process.version}, ${new Date().toISOString()}`);
  for (const name of wanted.length > 0 ? wanted : Object.keys(suites)) {
    const suite = suites[name];
    if (suite) printReport(await suite());
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
