import { builtInCatalog } from './catalog';
import type { WatchCatalog } from './types';

/*
 * The pure part of the watch catalog. Reading the custom-watch folder is src/watches/loader.ts (loadCatalog,
 * loadCustomWatches), imported by file where a folder is read.
 */
export { buildCatalog, builtInCatalog, builtInWatches } from './catalog';
export { createCatalog, DuplicateWatchError } from './compile';
export {
  InvalidWatchError,
  isWatchDefinition,
  parseCustomWatch,
  parseInputTransformer,
  parseWatchFileText,
  transformerOfRuleFile,
  WatchesFolderError,
} from './custom';
export type { InputTransformer, Watch, WatchCatalog } from './types';

/** Ids of every watch in `catalog` (default: the built-in catalog) whose pattern matches the event. */
export function watchesFor(event: unknown, catalog: WatchCatalog = builtInCatalog): string[] {
  return catalog.match(event).map((watch) => watch.id);
}
