import { existsSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { InvalidWatchError } from '../src/watches/custom';
import { buildInfraWatchApp } from './app';
import { InfraConfigError, loadInfraConfig } from './config';

/*
 * The CDK app (`cdk.json`). The only place that reads the process environment and the command line:
 * `-c config=path/to/file.json` picks the configuration, `infrawatch.config.json` by default. A fresh clone
 * has none, so synth falls back to the documented example (deploying that fails on its placeholder account).
 */
const DEFAULT_CONFIG = 'infrawatch.config.json';
const EXAMPLE_CONFIG = 'infrawatch.config.example.json';

const app = new App();
const requested = app.node.tryGetContext('config') as string | undefined;
let file = requested ?? DEFAULT_CONFIG;
if (requested === undefined && !existsSync(DEFAULT_CONFIG)) {
  process.stderr.write(`InfraWatch: ${DEFAULT_CONFIG} not found, synthesizing ${EXAMPLE_CONFIG}\n`);
  file = EXAMPLE_CONFIG;
}

try {
  buildInfraWatchApp(loadInfraConfig(file), app);
} catch (error) {
  if (!(error instanceof InfraConfigError || error instanceof InvalidWatchError)) throw error;
  // One clear line, no stack trace: the message names the file and the field.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
