import { basename, join } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLED_WATCHES_DIR } from '../config';

/** The repository root: entries, package-lock.json and tsconfig.json are found from here. */
export const REPO_ROOT = join(__dirname, '..', '..');

/** The Lambda entries, by path: infra never imports app/. */
export const LAMBDA_ENTRIES = {
  slack: 'app/lambda/slack.ts',
  events: 'app/lambda/events.ts',
  digest: 'app/lambda/digest.ts',
  sweep: 'app/lambda/sweep.ts',
  reconcile: 'app/lambda/reconcile.ts',
} as const;

export type LambdaEntry = keyof typeof LAMBDA_ENTRIES;

export const RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * Packages Bolt's `App` module loads for its HTTP and Socket Mode receivers, which Lambda never runs (the Slack
 * function uses AwsLambdaReceiver): each is bundled as app/lambda/not-on-lambda.ts instead, a stand-in that
 * throws if used. Together with undici, ws, jsonwebtoken and iconv-lite behind them, about 1.3 MB of the Slack
 * bundle and a large part of its cold start. test/app/lambda-bundles.test.ts runs the bundles.
 */
export const NOT_ON_LAMBDA = ['@slack/socket-mode', '@slack/oauth', 'raw-body'] as const;
const NOT_ON_LAMBDA_STANDIN = join(REPO_ROOT, 'app', 'lambda', 'not-on-lambda.ts');

/**
 * How every function is bundled: the project's own esbuild (never Docker, so synth works offline), minified,
 * with source maps (NODE_OPTIONS=--enable-source-maps below turns stack traces back into TypeScript lines).
 * The AWS SDK is bundled rather than taken from the runtime, so the deployed code runs the SDK versions the
 * tests ran. All bundling choices live here.
 */
export function bundlingOptions(customWatchFiles: readonly string[]): BundlingOptions {
  return {
    forceDockerBundling: false,
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    target: 'node24',
    format: OutputFormat.CJS,
    bundleAwsSDK: true,
    externalModules: [],
    esbuildArgs: Object.fromEntries(NOT_ON_LAMBDA.map((name) => [`--alias:${name}`, NOT_ON_LAMBDA_STANDIN])),
    // Custom watch files are read at start-up from WATCHES_DIR, relative to /var/task.
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir, outputDir) =>
        customWatchFiles.length === 0
          ? []
          : [
              `mkdir -p "${join(outputDir, BUNDLED_WATCHES_DIR)}"`,
              ...customWatchFiles.map(
                (file) => `cp "${file}" "${join(outputDir, BUNDLED_WATCHES_DIR, basename(file))}"`,
              ),
            ],
    },
  };
}

export interface InfraWatchFunctionProps {
  entry: LambdaEntry;
  description: string;
  environment: Record<string, string>;
  timeout: Duration;
  memorySize: number;
  logRetention: logs.RetentionDays;
  /** Absolute paths of the custom watch files copied into the bundle. */
  customWatchFiles: readonly string[];
  reservedConcurrentExecutions?: number;
  /** A fixed role name, for a role other accounts' policies name by ARN; default: generated. */
  roleName?: string;
}

/**
 * One InfraWatch Lambda function: a NodejsFunction on arm64 with its own log group (explicit retention) and
 * its own role, which starts with nothing but writing to that log group (no AWS managed policy).
 */
export class InfraWatchFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: InfraWatchFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `InfraWatch ${props.entry} function`,
      ...(props.roleName === undefined ? {} : { roleName: props.roleName }),
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, LAMBDA_ENTRIES[props.entry]),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: bundlingOptions(props.customWatchFiles),
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
    });
  }
}
