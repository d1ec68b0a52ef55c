/**
 * Defensive readers for the untyped parts of a CloudTrail record (`requestParameters`, `responseElements`,
 * `additionalEventData`). Their shape differs per API and per event version, so nothing here throws: a value of
 * the wrong type reads as absent.
 */

import { isRecord } from '../json';

export { isRecord, type JsonRecord } from '../json';

/** The field of a record, or undefined when `value` is not a record. */
export function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

/** A non-empty string field. */
export function text(value: unknown, key: string): string | null {
  const found = field(value, key);
  return typeof found === 'string' && found !== '' ? found : null;
}

/** A numeric field; CloudTrail sometimes records numbers as strings (`"22"`). */
export function num(value: unknown, key: string): number | null {
  const found = field(value, key);
  if (typeof found === 'number' && Number.isFinite(found)) return found;
  if (typeof found === 'string' && /^-?\d+$/.test(found.trim())) return Number(found);
  return null;
}

/** A boolean field; accepts `true`/`"true"` (and the `"Yes"` spelling of sign-in events). */
export function bool(value: unknown, key: string): boolean | null {
  return toBool(field(value, key));
}

/** `true`/`"true"`/`"Yes"` -> true, `false`/`"false"`/`"No"` -> false, anything else -> null. */
export function toBool(found: unknown): boolean | null {
  if (typeof found === 'boolean') return found;
  if (typeof found === 'string') {
    const lower = found.toLowerCase();
    if (lower === 'true' || lower === 'yes') return true;
    if (lower === 'false' || lower === 'no') return false;
  }
  return null;
}

/**
 * The elements of a list as CloudTrail records it: EC2 wraps lists as `{ items: [...] }` (or `{ item: [...] }` in
 * old records), other services use plain arrays, and a single element may appear without the array.
 */
export function items(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isRecord(value)) {
    const wrapped = value.items ?? value.item;
    if (Array.isArray(wrapped)) return wrapped;
    if (isRecord(wrapped)) return [wrapped];
    if (wrapped === undefined && Object.keys(value).length > 0) return [value];
  }
  return [];
}

/** Non-empty strings found in a list field (plain strings, or objects holding `key`). */
export function strings(value: unknown, key?: string): string[] {
  const out: string[] = [];
  for (const element of items(value)) {
    const found = typeof element === 'string' ? element : key === undefined ? null : text(element, key);
    if (found !== null && found !== '') out.push(found);
  }
  return out;
}

/** A string or every string of an array (IAM policy fields accept both). */
export function stringOrList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * Shortens an untrusted string for display, saying how much was cut. Strings stay raw (escaping is the
 * renderer's job); the bound keeps one hostile or huge field from bloating alerts and DynamoDB items.
 *
 * Not the same contract as `truncate` in src/views/mrkdwn.ts: `clip` bounds what a Change stores and keeps
 * `max` characters of content, then announces the cut ("… (N more characters)", so the result is longer than
 * `max`); `truncate` enforces a Slack field limit, so its result, ellipsis included, never exceeds `max`.
 */
export function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  let cut = max;
  // Do not split a surrogate pair.
  const code = value.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${value.slice(0, cut)}… (${value.length - cut} more characters)`;
}

/** Keeps at most `max` list entries, adding "and N more". */
export function listSome(values: readonly string[], max: number, separator = ', '): string {
  if (values.length <= max) return values.join(separator);
  return `${values.slice(0, max).join(separator)}${separator}and ${values.length - max} more`;
}

/** "1 instance" / "3 instances". */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** "trail x" -> "Trail x". */
export function capitalise(value: string): string {
  return value.length === 0 ? value : `${value[0]?.toUpperCase()}${value.slice(1)}`;
}

/** Compact JSON of a value for display, bounded. */
export function compactJson(value: unknown, max: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  return clip(json ?? String(value), max);
}

/** The last path segment of an ARN (`arn:aws:iam::1:policy/AdministratorAccess` -> `AdministratorAccess`). */
export function arnName(arn: string): string {
  const slash = arn.lastIndexOf('/');
  if (slash >= 0 && slash < arn.length - 1) return arn.slice(slash + 1);
  const colon = arn.lastIndexOf(':');
  return colon >= 0 && colon < arn.length - 1 ? arn.slice(colon + 1) : arn;
}

/** The account id field of an ARN, or null. */
export function arnAccount(arn: string): string | null {
  if (!arn.startsWith('arn:')) return null;
  const account = arn.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : null;
}

/** The values without repeats, in first-seen order. */
export function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
