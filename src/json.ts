/** A JSON object: what `JSON.parse` gives for `{…}`, neither null nor an array. */
export type JsonRecord = Record<string, unknown>;

/**
 * Whether `value` is a JSON object. The one check every reader of untyped input (CloudTrail records, Slack
 * payloads, input transformers, the local page's requests) narrows with, so "is this an object" means the
 * same everywhere: arrays and null are not.
 */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
