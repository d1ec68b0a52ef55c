import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIRECTORY = join(__dirname, '..', 'fixtures', 'cloudtrail');

export type JsonObject = Record<string, unknown>;

const cache = new Map<string, JsonObject>();

/** Every event file of test/fixtures/cloudtrail (index.json excluded), sorted. */
export function cloudTrailFixtureFiles(): string[] {
  return readdirSync(DIRECTORY)
    .filter((file) => file.endsWith('.json') && file !== 'index.json')
    .sort();
}

/** A fresh copy of a fixture event (EventBridge envelope + CloudTrail detail): tests may mutate it freely. */
export function loadCloudTrailFixture(file: string): JsonObject {
  let event = cache.get(file);
  if (event === undefined) {
    event = JSON.parse(readFileSync(join(DIRECTORY, file), 'utf8')) as JsonObject;
    cache.set(file, event);
  }
  return structuredClone(event);
}

/** The object at `value`, for editing nested fixture fields; throws when it is not an object. */
export function obj(value: unknown): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  }
  return value as JsonObject;
}

/** A fresh fixture with `edit` applied to its CloudTrail `detail`. */
export function fixtureWith(file: string, edit: (detail: JsonObject, event: JsonObject) => void): JsonObject {
  const event = loadCloudTrailFixture(file);
  edit(obj(event.detail), event);
  return event;
}

/** The fixture index (test/fixtures/cloudtrail/index.json). */
export function cloudTrailFixtureIndex(): Array<{ file: string; eventName: string; identityType: string }> {
  return JSON.parse(readFileSync(join(DIRECTORY, 'index.json'), 'utf8'));
}
