import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCatalog } from './catalog';
import { parseCustomWatch, parseWatchFileText, WatchesFolderError } from './custom';
import type { Watch, WatchCatalog } from './types';

/*
 * The one place that reads custom watch files. The app (at start-up), the CLI and the CDK app (at synth, so a
 * bad watch fails the deployment rather than a cold start) all load the folder through here, so they accept
 * and refuse exactly the same files with the same EventBridge messages. Everything else in src/watches is pure.
 */

/**
 * Loads every `*.json` directly inside `dir` (not sub-folders: `watches/examples/` stays inactive until a
 * file is copied up). The folder must exist (a folder that was named and is missing is a mistake, not "no
 * custom watches"); an invalid file fails loudly.
 * @throws WatchesFolderError when `dir` is missing or not a folder.
 */
export function loadCustomWatches(dir: string): Watch[] {
  let files: string[];
  try {
    files = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WatchesFolderError(`watches folder ${dir} does not exist`);
    if (code === 'ENOTDIR') throw new WatchesFolderError(`watches folder ${dir} is not a folder`);
    throw error;
  }
  return files.map((fileName) => {
    const file = join(dir, fileName);
    return parseCustomWatch(parseWatchFileText(readFileSync(file, 'utf8'), file), file);
  });
}

/**
 * The catalog of a deployment: the custom watches in `watchesDir` (every `*.json` directly inside it), then the
 * built-in ones listed in `builtIn` (default all). See {@link buildCatalog}.
 * @throws WatchesFolderError when `watchesDir` is missing or not a folder; InvalidWatchError for an invalid
 * custom watch (file name and EventBridge's message) or an unknown built-in id.
 */
export function loadCatalog(
  options: { watchesDir?: string; builtIn?: readonly string[] } = {},
): WatchCatalog {
  return buildCatalog({
    custom: options.watchesDir === undefined ? [] : loadCustomWatches(options.watchesDir),
    ...(options.builtIn === undefined ? {} : { builtIn: options.builtIn }),
  });
}
