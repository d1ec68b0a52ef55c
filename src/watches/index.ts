import { builtInCatalog, builtInWatches } from './catalog';
import { createCatalog } from './compile';
import { loadCustomWatches } from './custom';
import type { WatchCatalog } from './types';

export { builtInCatalog, builtInWatches } from './catalog';
export { createCatalog, DuplicateWatchError } from './compile';
export {
  InvalidWatchError,
  isWatchDefinition,
  loadCustomWatches,
  parseCustomWatch,
  parseInputTransformer,
  parseWatchFileText,
  transformerOfRuleFile,
  WatchesFolderError,
} from './custom';
export type { InputTransformer, Watch, WatchCatalog } from './types';

/**
 * The custom watches in `watchesDir` (every `*.json` directly inside it) followed by the built-in ones.
 * Custom watches come first so that a change both match takes the custom watch as its primary one: a team
 * that pasted its classic rule keeps its own summary line.
 * @throws InvalidWatchError for an invalid custom watch (file name and EventBridge's message).
 */
export function loadCatalog(options: { watchesDir?: string } = {}): WatchCatalog {
  if (options.watchesDir === undefined) return builtInCatalog;
  return createCatalog([...loadCustomWatches(options.watchesDir), ...builtInWatches]);
}

/** Ids of every watch in `catalog` (default: the built-in catalog) whose pattern matches the event. */
export function watchesFor(event: unknown, catalog: WatchCatalog = builtInCatalog): string[] {
  return catalog.match(event).map((watch) => watch.id);
}
