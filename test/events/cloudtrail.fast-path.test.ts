import * as z from 'zod';
import { CloudTrailEventSchema, isCloudTrailEvent } from '../../src/events/cloudtrail';
import {
  cloudTrailFixtureFiles,
  type JsonObject,
  loadCloudTrailFixture,
} from '../helpers/cloudtrail-fixtures';

// describeChange checks events with isCloudTrailEvent, without zod (see "Fast check" in src/events/cloudtrail.ts).
// These tests hold it to the zod schema: it must accept exactly what the schema accepts.

/** Every key path the schema names, down to the leaves, e.g. detail.userIdentity.sessionContext.attributes. */
function schemaPaths(schema: z.ZodType, prefix: readonly string[]): string[][] {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable)
    inner = inner.unwrap() as z.ZodType;
  if (!(inner instanceof z.ZodObject)) return [];
  return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, child]) => [
    [...prefix, key],
    ...schemaPaths(child, [...prefix, key]),
  ]);
}

function expectSameAsZod(label: string, input: unknown): void {
  const expected = CloudTrailEventSchema.safeParse(input).success;
  expect({ label, accepted: isCloudTrailEvent(input) }).toEqual({ label, accepted: expected });
}

/** A copy of `event` with the value at `path` set (parents created as needed) or deleted. */
function withValue(event: JsonObject, path: readonly string[], value: unknown, remove: boolean): JsonObject {
  const copy = structuredClone(event);
  let parent: JsonObject = copy;
  for (const key of path.slice(0, -1)) {
    const next = parent[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) parent[key] = {};
    parent = parent[key] as JsonObject;
  }
  const leaf = path[path.length - 1] as string;
  if (remove) delete parent[leaf];
  else parent[leaf] = value;
  return copy;
}

const VALUES: readonly unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  '',
  'text',
  'aws.ec2',
  'AWS API Call via CloudTrail',
  {},
  [],
  ['x'],
  { nested: 1 },
  // What the store needs: times that parse, values that fit DynamoDB keys.
  '2026-11-27T10:00:00Z',
  '2026-11-27T10:00:00.123+02:00',
  'not-a-date',
  '1e12',
  '2026-13-45T10:00:00Z',
  // Each key limit (KEY_LIMITS, in UTF-8 bytes) and one past it; 'é' takes two bytes.
  ...[64, 256, 1024].flatMap((limit) => ['x'.repeat(limit), 'x'.repeat(limit + 1)]),
  'é'.repeat(128),
  'é'.repeat(129),
  '😀'.repeat(64),
  '😀'.repeat(65),
];

/** `[1, <hole>, 'x']`: JSON never has holes, but a caller's object may. */
function holed(): unknown[] {
  const array: unknown[] = [1];
  array[2] = 'x';
  return array;
}

describe('isCloudTrailEvent', () => {
  it.each(cloudTrailFixtureFiles())('gives what the zod schema gives for %s', (file) => {
    expectSameAsZod(file, loadCloudTrailFixture(file));
  });

  it.each([
    'ec2.AuthorizeSecurityGroupIngress.iamuser.json',
    'ec2.StopInstances.docs.json',
    'signin.ConsoleLogin.assumedrole-sso.json',
    'sts.AssumeRole.awsservice.json',
  ])('agrees with the zod schema when any field of %s is removed or holds any JSON type', (file) => {
    // Prepare: every path the schema knows (so a field added to the schema is exercised too), and every path
    // the fixture has outside the free-form request/response parts.
    const event = loadCloudTrailFixture(file);
    const paths = new Map<string, string[]>();
    for (const path of schemaPaths(CloudTrailEventSchema, [])) paths.set(path.join('.'), path);
    const visit = (value: unknown, prefix: string[]): void => {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || prefix.length > 4) return;
      for (const [key, member] of Object.entries(value)) {
        const path = [...prefix, key];
        paths.set(path.join('.'), path);
        if (!['requestParameters', 'responseElements', 'additionalEventData'].includes(key))
          visit(member, path);
      }
    };
    visit(event, []);
    expect(paths.size).toBeGreaterThan(40);

    // Act + Assess
    for (const [name, path] of paths) {
      expectSameAsZod(`${file} without ${name}`, withValue(event, path, undefined, true));
      for (const value of VALUES) {
        expectSameAsZod(
          `${file} with ${name} = ${String(JSON.stringify(value))}`,
          withValue(event, path, value, false),
        );
      }
    }
  });

  it.each([
    ['a string', 'hello'],
    ['an array', []],
    ['null', null],
    ['a detail that is an array', { ...loadCloudTrailFixture('iam.CreateUser.json'), detail: [] }],
    ['resources with a hole', { ...loadCloudTrailFixture('iam.CreateUser.json'), resources: holed() }],
  ])('agrees with the zod schema for %s', (_name, input) => {
    expectSameAsZod(String(_name), input);
  });
});
