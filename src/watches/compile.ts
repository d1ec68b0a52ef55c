import { EngineError } from '../events/errors';
import { type CompiledPattern, compilePattern } from '../events/pattern';
import type { Watch, WatchCatalog } from './types';

interface CompiledWatch {
  readonly watch: Watch;
  readonly order: number;
  readonly pattern: CompiledPattern;
}

export class DuplicateWatchError extends EngineError {
  readonly code = 'DuplicateWatch';
}

/**
 * The exact event names a pattern requires at `detail.eventName`, or undefined when the pattern does not
 * pin them down to plain strings (operators, `$or`, dotted keys). Such a pattern is checked for every event.
 */
function requiredEventNames(pattern: Watch['pattern']): readonly string[] | undefined {
  const detail = pattern.detail;
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return undefined;
  const names = (detail as Record<string, unknown>).eventName;
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) return undefined;
  return names as string[];
}

function hasDottedKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (const key in value) if (key.includes('.')) return true;
  return false;
}

/**
 * Compiles every watch once and indexes them by `detail.eventName`, so matching an event costs a map lookup
 * plus the few patterns that name its event, however long the catalog grows. The index is only a
 * pre-filter: every candidate is still matched with full EventBridge semantics.
 */
export function createCatalog(watches: readonly Watch[]): WatchCatalog {
  const owners = new Map<string, string>();
  // Built-in watches claim their names first, so a clash is blamed on the custom file that caused it.
  const builtInFirst = [...watches].sort(
    (a, b) => Number(a.file !== undefined) - Number(b.file !== undefined),
  );
  for (const watch of builtInFirst) {
    for (const name of new Set([watch.id, ...watch.aliases].map((n) => n.toLowerCase()))) {
      const owner = owners.get(name);
      if (owner !== undefined) {
        const where = watch.file ? ` (${watch.file})` : '';
        throw new DuplicateWatchError(
          `Watch '${watch.id}'${where} uses the name '${name}', already taken by watch '${owner}'.`,
        );
      }
      owners.set(name, watch.id);
    }
  }

  const compiled: CompiledWatch[] = watches.map((watch, order) => ({
    watch,
    order,
    pattern: compilePattern(watch.pattern),
  }));
  const byEventName = new Map<string, CompiledWatch[]>();
  const unindexed: CompiledWatch[] = [];
  for (const entry of compiled) {
    const names = requiredEventNames(entry.watch.pattern);
    if (names === undefined) {
      unindexed.push(entry);
      continue;
    }
    for (const name of new Set(names)) {
      const list = byEventName.get(name) ?? [];
      list.push(entry);
      byEventName.set(name, list);
    }
  }

  const matchAll = (event: unknown, candidates: readonly CompiledWatch[]): Watch[] =>
    candidates.filter((entry) => entry.pattern.matches(event)).map((entry) => entry.watch);

  return {
    watches,
    match(event: unknown): readonly Watch[] {
      if (typeof event !== 'object' || event === null || Array.isArray(event)) return [];
      const detail = (event as { detail?: unknown }).detail;
      // Read-only calls are never watched, whatever a custom pattern says.
      if (
        typeof detail === 'object' &&
        detail !== null &&
        (detail as { readOnly?: unknown }).readOnly === true
      ) {
        return [];
      }
      const eventName =
        typeof detail === 'object' && detail !== null
          ? (detail as { eventName?: unknown }).eventName
          : undefined;
      // EventBridge treats `{"detail.eventName": …}` like nested keys; such events bypass the index.
      if (typeof eventName !== 'string' || hasDottedKey(event) || hasDottedKey(detail)) {
        return matchAll(event, compiled);
      }
      const indexed = byEventName.get(eventName);
      if (indexed === undefined) return matchAll(event, unindexed);
      if (unindexed.length === 0) return matchAll(event, indexed);
      const candidates = [...indexed, ...unindexed].sort((a, b) => a.order - b.order);
      return matchAll(event, candidates);
    },
  };
}
