import { Annotations, App, LegacyStackSynthesizer, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { InfraConfig } from './config';
import { ForwarderStack } from './stacks/forwarder-stack';
import { InfraWatchStack } from './stacks/infrawatch-stack';
import { deployedWatches, missingRegionWarning } from './watches';

export interface InfraWatchApp {
  app: App;
  main: InfraWatchStack;
  forwarder: ForwarderStack;
}

/** The name of the forwarder stack (and of its template, `<name>.template.json`). */
export function forwarderStackName(config: InfraConfig): string {
  return `${config.stackName}Forwarder`;
}

/**
 * Both stacks of a deployment, checked by cdk-nag's AwsSolutions pack: an unacknowledged finding fails synth.
 * @param app where to build (tests pass an App with their own outdir or with bundling skipped).
 */
export function buildInfraWatchApp(config: InfraConfig, app = new App(), cwd = process.cwd()): InfraWatchApp {
  const { watches, customWatchFiles } = deployedWatches(config, cwd);
  const main = new InfraWatchStack(app, config.stackName, {
    env: { account: config.homeAccount, region: config.homeRegion },
    description: 'InfraWatch: AWS change alerts in Slack (home account and region)',
    config,
    watches,
    customWatchFiles,
  });
  const forwarder = new ForwarderStack(app, forwarderStackName(config), {
    description: 'InfraWatch forwarder: watched events of this account and region to the central bus',
    // No bootstrap parameter, no assets, no CDK metadata: a plain template for `cdk deploy` in any account and
    // for a service-managed StackSet.
    synthesizer: new LegacyStackSynthesizer(),
    analyticsReporting: false,
    config,
    watches,
  });
  const warning = missingRegionWarning(config);
  if (warning !== undefined) Annotations.of(main).addWarningV2('infrawatch:us-east-1', warning);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, main, forwarder };
}
