import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildInfraWatchApp, forwarderStackName } from '../../infra/app';
import { type InfraConfig, loadInfraConfig, parseInfraConfig } from '../../infra/config';
import { REPO_ROOT } from '../../infra/constructs/infrawatch-function';

/** The configuration the shared assembly is synthesized from (custom watches, members, extra regions, trail). */
export const TEST_CONFIG_FILE = join(REPO_ROOT, 'test', 'fixtures', 'infra', 'infrawatch.config.json');

export function testConfig(): InfraConfig {
  return loadInfraConfig(TEST_CONFIG_FILE);
}

/** What a synthesized deployment is made of: the two templates and where the function bundles are. */
export interface SynthesizedDeployment {
  dir: string;
  config: InfraConfig;
  main: Template;
  forwarder: Template;
  mainJson: TemplateJson;
  forwarderJson: TemplateJson;
  /** The directory of a function's bundle, by the function's logical id. */
  assetDirOf(functionLogicalId: string): string;
}

export interface TemplateJson {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
  Parameters?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  [key: string]: unknown;
}

const INPUTS = [
  'infra',
  'app',
  'src',
  'test/fixtures/infra',
  'package-lock.json',
  'manifest.json',
  'tsconfig.json',
];

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.name !== 'node_modules')
    .flatMap((entry) => filesUnder(join(path, entry.name)));
}

/** A fingerprint of everything the synthesized assembly depends on: a change re-synthesizes. */
function inputFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesUnder(join(REPO_ROOT, input))).sort()) {
    hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Synthesizes the test configuration with bundling into `outdir` (throws on any cdk-nag finding). */
function synthesizeInto(outdir: string): void {
  const app = new App({ outdir });
  buildInfraWatchApp(testConfig(), app, REPO_ROOT);
  app.synth();
}

let cached: SynthesizedDeployment | undefined;

/**
 * The deployment synthesized once, with real esbuild bundles, and shared by every test file (and every run
 * until an input changes): NodejsFunction bundling costs seconds per function, so test files read this
 * assembly instead of synthesizing their own. Jest workers that start together wait for the first one.
 */
export function synthesizedDeployment(): SynthesizedDeployment {
  if (cached) return cached;
  const root = join(tmpdir(), 'infrawatch-cdk-assembly');
  const dir = join(root, inputFingerprint());
  const lock = `${dir}.lock`;
  mkdirSync(root, { recursive: true });
  while (!existsSync(join(dir, 'manifest.json'))) {
    try {
      mkdirSync(lock);
    } catch {
      // Another worker is synthesizing; a lock older than 5 minutes belongs to a process that died.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000)
        rmSync(lock, { recursive: true });
      sleep(250);
      continue;
    }
    try {
      const staging = `${dir}.${process.pid}`;
      rmSync(staging, { recursive: true, force: true });
      synthesizeInto(staging);
      renameSync(staging, dir);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  const config = testConfig();
  const read = (name: string) =>
    JSON.parse(readFileSync(join(dir, `${name}.template.json`), 'utf8')) as TemplateJson;
  const mainJson = read(config.stackName);
  const forwarderJson = read(forwarderStackName(config));
  cached = {
    dir,
    config,
    main: Template.fromJSON(mainJson),
    forwarder: Template.fromJSON(forwarderJson),
    mainJson,
    forwarderJson,
    assetDirOf(functionLogicalId) {
      // The asset's S3 key is `<asset hash>.zip`; the assembly keeps the bundle in `asset.<asset hash>/`.
      const code = mainJson.Resources[functionLogicalId]?.Properties?.Code as { S3Key?: string } | undefined;
      const hash = code?.S3Key?.replace(/\.zip$/, '');
      if (hash === undefined) throw new Error(`${functionLogicalId} is not a bundled function`);
      return join(dir, `asset.${hash}`);
    },
  };
  return cached;
}

/**
 * Synthesizes the test configuration with some fields changed (validated like a file; `undefined` removes a
 * field), without bundling (fast): for template assertions only.
 */
export function synthesizeVariant(overrides: Record<string, unknown>): {
  app: App;
  config: InfraConfig;
  main: Template;
  forwarder: Template;
} {
  const raw = JSON.parse(readFileSync(TEST_CONFIG_FILE, 'utf8')) as Record<string, unknown>;
  const config = parseInfraConfig({ ...raw, ...overrides }, 'variant');
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const { main, forwarder } = buildInfraWatchApp(config, app, REPO_ROOT);
  app.synth();
  return { app, config, main: Template.fromStack(main), forwarder: Template.fromStack(forwarder) };
}
