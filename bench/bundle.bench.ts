/**
 * Lambda bundles: each function's bundle size (from the synthesized cloud assembly, the artifact that is
 * deployed and tested) and its module init time, the cold-start cost of `require`-ing the bundle, against
 * a bare `node -e ''` started the same way in the same run: interleaved rounds, medians of the per-round
 * differences.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { synthesizedDeployment } from '../test/helpers/cloud-assembly';
import type { BenchContext } from './harness';
import type { Report } from './measure';
import { completeFigure, type Figure, median, spreadOf } from './report';

const FUNCTIONS = {
  slack: 'SlackFunction4E9309F2',
  events: 'EventsFunctionD12C8C52',
  digest: 'DigestFunction7BDDFF27',
} as const;

/** The issue's target for the Slack function: Slack's 3 s answer budget also pays for the cold start. */
const SLACK_INIT_TARGET_MS = 60;

function startMs(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function runBundleBench(context: BenchContext): Report {
  const deployment = synthesizedDeployment();
  const rounds = context.quick ? 6 : 20;
  const names = Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[];
  const dirs = Object.fromEntries(names.map((name) => [name, deployment.assetDirOf(FUNCTIONS[name])]));
  // As on Lambda: the template's NODE_OPTIONS (source maps), nothing else that changes start-up.
  const nodeOptions =
    (
      deployment.mainJson.Resources[FUNCTIONS.slack]?.Properties?.Environment as
        | { Variables: Record<string, unknown> }
        | undefined
    )?.Variables.NODE_OPTIONS ?? '';
  const env = { PATH: process.env.PATH ?? '', NODE_OPTIONS: String(nodeOptions) };

  const bare: number[] = [];
  const overhead = Object.fromEntries(names.map((name) => [name, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so no function always runs right after the baseline (or after another one).
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    const base = startMs(['-e', ''], process.cwd(), env);
    bare.push(base);
    for (const name of order) {
      const dir = dirs[name] ?? '';
      const total = startMs(['-e', 'require(process.argv[1])', join(dir, 'index.js')], dir, env);
      overhead[name]?.push(total - base);
    }
  }

  const figures: Figure[] = names.flatMap((name) => {
    const bytes = statSync(join(dirs[name] ?? '', 'index.js')).size;
    const init = overhead[name] ?? [];
    return [
      completeFigure({
        name: `bundle.${name}.bytes`,
        label: `${name} function bundle (minified, index.js)`,
        unit: 'bytes',
        value: bytes,
        count: true,
      }),
      completeFigure({
        name: `bundle.${name}.init`,
        label: `${name} function module init over bare node -e '' (median of ${rounds} interleaved rounds)`,
        unit: 'ms',
        value: median(init),
        spread: spreadOf(init),
        ...(name === 'slack' ? { target: `<= ${SLACK_INIT_TARGET_MS}`, headline: true } : {}),
      }),
    ];
  });
  const bareMs = median(bare);
  return {
    title: 'Lambda bundles (from the synthesized cloud assembly)',
    rows: [
      ['function', 'bundle', 'init over node -e ""', 'spread (min–max)'],
      ...names.map((name) => {
        const size = figures.find((f) => f.name === `bundle.${name}.bytes`);
        const init = figures.find((f) => f.name === `bundle.${name}.init`);
        return [
          name,
          `${((size?.value ?? 0) / 1e6).toFixed(2)} MB`,
          `+${(init?.value ?? 0).toFixed(0)} ms${init?.target ? ` (target ${init.target} ms: ${init.met ? 'met' : 'missed'})` : ''}`,
          `${(init?.spread?.min ?? 0).toFixed(0)}–${(init?.spread?.max ?? 0).toFixed(0)} ms`,
        ];
      }),
    ],
    notes: [
      `bare node -e '' took ${bareMs.toFixed(0)} ms (median) in this run; NODE_OPTIONS=${env.NODE_OPTIONS || '(none)'} as in the template`,
      'init = require() of the bundle: module evaluation only (no network I/O); the first request then loads the secret, DynamoDB and (when needed) EventBridge clients',
    ],
    figures,
  };
}
