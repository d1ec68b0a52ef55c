import { builtInCatalog, builtInWatches } from './catalog';
import { createCatalog } from './compile';
import { InvalidWatchError, loadCustomWatches } from './custom';
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
 * The custom watches in `watchesDir` (every `*.json` directly inside it) followed by the built-in ones
 * (those listed in `builtIn`, default all: a deployment gives rules to the ones it enables, and the app must
 * not offer the others). Custom watches come first so that a change both match takes the custom watch as its
 * primary one: a team that pasted its classic rule keeps its own summary line.
 * @throws InvalidWatchError for an invalid custom watch (file name and EventBridge's message) or an unknown
 * built-in id.
 */
export function loadCatalog(
  options: { watchesDir?: string; builtIn?: readonly string[] } = {},
): WatchCatalog {
  if (options.watchesDir === undefined && options.builtIn === undefined) return builtInCatalog;
  const enabled = options.builtIn === undefined ? undefined : new Set(options.builtIn);
  for (const id of enabled ?? []) {
    if (!builtInWatches.some((watch) => watch.id === id))
      throw new InvalidWatchError('BUILT_IN_WATCHES', `'${id}' is not a built-in watch.`);
  }
  const builtIn = enabled === undefined ? builtInWatches : builtInWatches.filter((w) => enabled.has(w.id));
  const custom = options.watchesDir === undefined ? [] : loadCustomWatches(options.watchesDir);
  return createCatalog([...custom, ...builtIn]);
}

/** Ids of every watch in `catalog` (default: the built-in catalog) whose pattern matches the event. */
export function watchesFor(event: unknown, catalog: WatchCatalog = builtInCatalog): string[] {
  return catalog.match(event).map((watch) => watch.id);
}
