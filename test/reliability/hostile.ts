/**
 * Hostile input for the fuzzer (fast-check arbitraries): strings that try to ping, link, format, hide or
 * reorder text, or to break a length or an encoding; values of the wrong type; and mutations of fixture events
 * that put them into every event-controlled field. A mutation is data (which field, what value), so fast-check
 * can print it, shrink it to the smallest failing case and replay it from a seed.
 */
import fc from 'fast-check';
import { describeChange } from '../../src/changes/describe';
import { builtInCatalog } from '../../src/watches';
import { type EventBridgeEvent, uniqueCorpusEvents } from '../helpers/events';

/** Mentions and links an attacker would write: each must reach Slack as text, never as markup. */
export const INJECTIONS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '@channel',
  '@here',
  '<@U123>',
  '<@U123|admin>',
  '<#C666>',
  '<#C666|general>',
  '<!subteam^S1>',
  '<!subteam^S1|@oncall>',
  '<https://evil.example|aws.amazon.com>',
  '<http://evil.example>',
  '<mailto:a@evil.example|security>',
  '<!date^1700000000^{date}|x>',
  'https://evil.example/login',
] as const;

/** mrkdwn control and formatting characters, and entities half-written. */
export const MRKDWN = ['*', '_', '~', '`', '```', '&', '&amp;', '&lt;', '<', '>', '|', '>>>', '\\'] as const;

/** Invisible and direction-changing code points (zero-width, bidi marks, embeddings, overrides, isolates, BOM). */
export const INVISIBLE = [
  ...['\u200B', '\u200C', '\u200D', '\u200E', '\u200F'],
  ...['\u202A', '\u202B', '\u202C', '\u202D', '\u202E'],
  ...['\u2066', '\u2067', '\u2068', '\u2069', '\uFEFF', '\u2060', '\u00AD', '\u{E0041}'],
] as const;

/** Lone surrogates, controls and line breaks of every kind, astral characters. */
export const ENCODING = [
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\u0000',
  '\u0007',
  '\u001B[31m',
  '\r',
  '\r\n',
  '\u2028',
  '\u0085',
  '\v',
  '😀',
  '👩‍💻',
  '❤️',
] as const;

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 2, arbitrary: fc.constantFrom(...MRKDWN) },
  { weight: 2, arbitrary: fc.constantFrom(...INVISIBLE) },
  { weight: 2, arbitrary: fc.constantFrom(...ENCODING) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('admin', 'role/Admin', 'aws.amazon.com', 'sg-0123456789abcdef0') },
);

/** A hostile string: up to 8 pieces, or (rarely) one piece repeated past `bigLength` UTF-16 units. */
export function hostileString(bigLength = 2_000): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.array(piece, { minLength: 1, maxLength: 8 }).map((p) => p.join('')) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(piece, fc.integer({ min: bigLength, max: bigLength * 2 }))
        .map(([p, length]) => (p === '' ? 'x' : p).repeat(Math.ceil(length / Math.max(p.length, 1)))),
    },
  );
}

const DEEP = /"\\u0000deep:(array|object):(\d+)\\u0000"/g;

/** A placeholder for a value nested `depth` levels deep, made real by {@link eventBody}. */
export function nested(depth: number, kind: 'array' | 'object'): string {
  return `\u0000deep:${kind}:${depth}\u0000`;
}

/**
 * The event as an SQS body. Deep values are written into the JSON text here: JSON.stringify recurses and would
 * overflow the test's own stack before the handler ever saw them (JSON.parse, which the handler uses, does not).
 */
export function eventBody(event: unknown): string {
  return JSON.stringify(event).replace(DEEP, (_, kind: string, depth: string) => {
    const [open, close] = kind === 'array' ? ['[', ']'] : ['{"a":', '}'];
    return `${open.repeat(Number(depth))}"<!channel>"${close.repeat(Number(depth))}`;
  });
}

/** A value of any JSON type where a string, an object or a number was expected. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, '', [], {}),
  fc.integer(),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 3 }),
);

/** Paths (under `detail`) an attacker controls directly: who, from where, with what, named what. */
export const TARGETED_PATHS = [
  ['userIdentity', 'arn'],
  ['userIdentity', 'principalId'],
  ['userIdentity', 'userName'],
  ['userIdentity', 'accountId'],
  ['userIdentity', 'type'],
  ['userIdentity', 'sessionContext', 'sessionIssuer', 'userName'],
  ['userIdentity', 'sessionContext', 'sessionIssuer', 'arn'],
  ['userIdentity', 'sessionContext', 'sourceIdentity'],
  ['sourceIPAddress'],
  ['userAgent'],
  ['errorCode'],
  ['errorMessage'],
  ['awsRegion'],
  ['eventName'],
  ['requestParameters', 'groupName'],
  ['requestParameters', 'groupId'],
  ['requestParameters', 'bucketName'],
  ['requestParameters', 'userName'],
  ['requestParameters', 'roleName'],
  ['requestParameters', 'policyName'],
  ['requestParameters', 'name'],
  ['requestParameters', 'description'],
  ['requestParameters', 'groupDescription'],
  ['requestParameters', 'tagSpecificationSet', 'items', '0', 'tags', '0', 'value'],
  ['requestParameters', 'tags', '0', 'value'],
  ['requestParameters', 'policyDocument'],
  ['responseElements', 'errorMessage'],
] as const;

/** One change to an event. `index` picks a leaf (modulo the number of leaves), so it shrinks towards the first. */
export type Mutation =
  | { kind: 'leaf'; index: number; value: string }
  | { kind: 'set'; path: readonly string[]; value: string }
  | { kind: 'wrong-type'; index: number; value: unknown }
  | { kind: 'delete'; index: number }
  /** A value nested `depth` levels deep (built when applied, so fast-check never has to print it). */
  | { kind: 'deep'; index: number; depth: number; shape: 'array' | 'object' }
  | { kind: 'huge'; index: number; bytes: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('leaf' as const), index: fc.nat(), value: hostileString() }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      path: fc.constantFrom(...TARGETED_PATHS),
      value: hostileString(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('wrong-type' as const), index: fc.nat(), value: wrongType }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), index: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deep' as const),
      index: fc.nat(),
      depth: fc.integer({ min: 10, max: 5_000 }),
      shape: fc.constantFrom('array' as const, 'object' as const),
    }),
  },
  {
    weight: 1,
    // Up to an SQS message's / EventBridge event's 256 KB.
    arbitrary: fc.record({
      kind: fc.constant('huge' as const),
      index: fc.nat(),
      bytes: fc.integer({ min: 20_000, max: 250_000 }),
    }),
  },
);

type Container = Record<string, unknown> | unknown[];

/** Every [parent, key] of the event (strings only, or any value), in a stable order; iterative, for deep values. */
function slots(root: unknown, stringsOnly: boolean): [Container, string | number][] {
  const found: [Container, string | number][] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((item, i) => [i, item])
      : Object.entries(value);
    for (const [key, item] of entries) {
      if (!stringsOnly || typeof item === 'string') found.push([value as Container, key]);
    }
    for (const [, item] of entries.reverse()) stack.push(item);
  }
  return found;
}

const put = ([parent, key]: [Container, string | number], value: unknown) => {
  (parent as Record<string | number, unknown>)[key] = value;
};

/** Sets `detail.<path>`, creating objects (or arrays, for numeric segments) on the way. */
function setPath(detail: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = detail;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (next === null || typeof next !== 'object') node[segment] = /^\d+$/.test(path[i + 1] ?? '') ? [] : {};
    node = node[segment] as Record<string, unknown>;
  });
}

/** The event with the mutations applied, in order (a fresh copy). */
export function mutate(event: EventBridgeEvent, mutations: readonly Mutation[]): EventBridgeEvent {
  const copy = structuredClone(event);
  for (const m of mutations) {
    if (m.kind === 'set') {
      if (copy.detail !== null && typeof copy.detail === 'object' && !Array.isArray(copy.detail))
        setPath(copy.detail, m.path, m.value);
      continue;
    }
    const candidates = slots(copy, m.kind === 'leaf');
    const slot = candidates[m.index % Math.max(candidates.length, 1)];
    if (slot === undefined) continue;
    if (m.kind === 'leaf' || m.kind === 'wrong-type') put(slot, m.value);
    else if (m.kind === 'deep') put(slot, nested(m.depth, m.shape));
    else if (m.kind === 'huge') put(slot, `<!channel> ${'\u202Eevil '.repeat(Math.ceil(m.bytes / 6))}`);
    else if (Array.isArray(slot[0])) slot[0].splice(Number(slot[1]), 1);
    else delete slot[0][slot[1]];
  }
  return copy;
}

/** The fixtures the built-in catalog watches (so a mutation that keeps them valid reaches Slack). */
export function watchedFixtures(): [string, EventBridgeEvent][] {
  return [...uniqueCorpusEvents()].filter(
    ([, event]) => describeChange(event, builtInCatalog).watches.length > 0,
  );
}

/** A fixture event with 1–4 mutations; `events` names which fixture. */
export function hostileEvent(fixtures: readonly [string, EventBridgeEvent][]): fc.Arbitrary<{
  fixture: string;
  mutations: Mutation[];
}> {
  return fc.record({
    fixture: fc.constantFrom(...fixtures.map(([file]) => file)),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  });
}
