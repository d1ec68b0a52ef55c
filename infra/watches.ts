import { resolve } from 'node:path';
import { loadCatalog } from '../src/watches/loader';
import type { Watch } from '../src/watches/types';
import type { InfraConfig } from './config';

/** The watches that get EventBridge rules, and the custom watch files the bundles carry. */
export interface DeployedWatches {
  /** Custom watches first, then the enabled built-in ones: the order the app's catalog uses. */
  watches: readonly Watch[];
  /** Absolute paths of the custom watch files. */
  customWatchFiles: string[];
}

/**
 * Loads the custom watches with the app's own loader (the same validation, the same EventBridge messages) and
 * checks that no id is used twice, exactly as the app does at start-up: a bad watch fails synth, not a cold
 * start.
 */
export function deployedWatches(config: InfraConfig, cwd: string): DeployedWatches {
  const catalog = loadCatalog({
    ...(config.customWatchesDir === undefined ? {} : { watchesDir: resolve(cwd, config.customWatchesDir) }),
    builtIn: config.builtInWatches,
  });
  return {
    watches: catalog.watches,
    customWatchFiles: catalog.watches
      .map((watch) => watch.file)
      .filter((file): file is string => file !== undefined),
  };
}

/**
 * Watches of global services: IAM, STS (global endpoint) and Organizations events, and root console sign-ins,
 * reach EventBridge in us-east-1 only, whatever the home region.
 */
export const US_EAST_1_WATCHES: readonly string[] = ['iam', 'organizations', 'signin'];

/** Why the deployment would miss events: a global-service watch with us-east-1 neither home nor forwarded. */
export function missingRegionWarning(config: InfraConfig): string | undefined {
  const regions = [config.homeRegion, ...config.extraRegions];
  const global = config.builtInWatches.filter((id) => US_EAST_1_WATCHES.includes(id));
  if (regions.includes('us-east-1') || global.length === 0) return undefined;
  return (
    `The watches ${global.join(', ')} see events of global services, which EventBridge delivers in us-east-1 ` +
    'only: add "us-east-1" to extraRegions and deploy the forwarder there.'
  );
}
