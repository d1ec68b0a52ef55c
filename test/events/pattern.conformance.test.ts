import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePattern, InvalidPatternError, validatePattern } from '../../src/events/pattern';

/**
 * Conformance with EventBridge / aws/event-ruler (see test/fixtures/README.md for how every expectation was
 * established). Every case runs through the raw JSON text when the fixture has it, because number literals,
 * repeated keys and escapes only survive in text.
 *
 * Low-confidence cases (event-ruler quirks) - decision: reproduce event-ruler for all of them, because the
 * service runs event-ruler and a watch must fire exactly when the EventBridge rule would deliver:
 * - quirk-cidr-v4-0-vs-v6, quirk-cidr-v4-block-matches-v6, quirk-cidr-v6-all-matches-v4: CIDR ranges are
 *   matched digit by digit on hex strings, so IPv4 blocks can match IPv6 addresses and the reverse.
 * - quirk-exists-false-key-order: fields are matched in sorted path order, so `exists: false` is judged
 *   before a later-sorted field binds the array element.
 * - quirk-ip-literal-leading-zero: IP literals are parsed as addresses (decimal octets, leading zeros allowed).
 * - cidr-number-*, ip-literal-number-*: a JSON number is walked through a CIDR range's hex-digit trie by its
 *   literal text (unless the field's byte machine has a numeric operand), so 0.0.0.0/0 matches the number 1.
 */

interface PatternCase {
  id: string;
  pattern: unknown;
  event: unknown;
  match: boolean;
  confidence: 'high' | 'medium' | 'low';
  patternRaw?: string;
  eventRaw?: string;
  quirk?: boolean;
}

interface InvalidPatternCase {
  id: string;
  pattern: unknown;
  patternRaw: string | null;
  errorCode: string;
  awsMessage: string | null;
  expectedAwsMessage?: string | null;
}

const fixtures = join(__dirname, '..', 'fixtures', 'eventbridge-patterns');
const cases: PatternCase[] = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8'));
const invalidCases: InvalidPatternCase[] = JSON.parse(
  readFileSync(join(fixtures, 'invalid-patterns.json'), 'utf8'),
);

const byConfidence = (confidence: PatternCase['confidence']): PatternCase[] =>
  cases.filter((c) => c.confidence === confidence);

function runCase(fixture: PatternCase): void {
  // Prepare
  const c = structuredClone(fixture);
  const pattern = c.patternRaw ?? (c.pattern as object);
  const event = c.eventRaw ?? c.event;

  // Act
  const matched = compilePattern(pattern).matches(event);

  // Assess
  expect(matched).toBe(c.match);
}

describe('EventBridge pattern conformance (cases.json)', () => {
  it('covers every case of the fixture', () => {
    expect(byConfidence('high').length + byConfidence('medium').length + byConfidence('low').length).toBe(
      cases.length,
    );
    expect(cases.length).toBe(404);
  });

  describe('high confidence', () => {
    test.each(byConfidence('high'))('$id', runCase);
  });

  describe('medium confidence', () => {
    test.each(byConfidence('medium'))('$id', runCase);
  });

  describe('low confidence (event-ruler quirks, reproduced on purpose)', () => {
    test.each(byConfidence('low'))('$id', runCase);
  });

  it('gives the same answer for the parsed form of every case without number/key subtleties', () => {
    // Prepare: cases whose raw text differs from JSON.parse only in ways that do not matter to matching.
    const parsedOnly = cases.filter((c) => c.patternRaw === undefined && c.eventRaw === undefined);

    // Act
    const mismatches = parsedOnly.filter((c) => {
      const copy = structuredClone(c);
      return compilePattern(JSON.stringify(copy.pattern)).matches(JSON.stringify(copy.event)) !== copy.match;
    });

    // Assess
    expect(mismatches.map((c) => c.id)).toEqual([]);
  });
});

const concreteInvalid = invalidCases.filter((c) => c.pattern !== null || c.patternRaw !== null);
const documentedLimits = invalidCases.filter((c) => c.pattern === null && c.patternRaw === null);

describe('EventBridge pattern validation (invalid-patterns.json)', () => {
  it('covers every invalid pattern of the fixture', () => {
    expect(concreteInvalid.length + documentedLimits.length).toBe(invalidCases.length);
    expect(invalidCases.length).toBe(135);
  });

  test.each(concreteInvalid)('$id', (fixture) => {
    // Prepare
    const c = structuredClone(fixture);
    const pattern = c.patternRaw ?? (c.pattern as object);
    const expected = c.awsMessage ?? c.expectedAwsMessage ?? undefined;

    // Act
    const result = validatePattern(pattern);
    let thrown: unknown;
    try {
      compilePattern(pattern);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(result.valid).toBe(false);
    expect(thrown).toBeInstanceOf(InvalidPatternError);
    const error = thrown as InvalidPatternError;
    expect(error.code).toBe('InvalidEventPattern');
    if (result.valid) return;
    expect(error.message).toBe(result.message);
    expect(result.message.startsWith('Event pattern is not valid. Reason: ')).toBe(true);
    if (expected !== undefined) expect(result.message).toBe(expected);
  });

  describe('documented limits (no concrete pattern in the fixture)', () => {
    const orBranches = (field: string, count: number): object[] =>
      Array.from({ length: count }, (_, i) => ({ [`${field}${i}`]: [`v${i}`] }));

    const limitChecks: Record<string, () => void> = {
      'docs-or-combinations-over-1000': () => {
        // Four $or arrays of 6 branches expand to 6^4 = 1296 combinations: rejected.
        const tooMany = {
          a: { $or: orBranches('a', 6) },
          b: { $or: orBranches('b', 6) },
          c: { $or: orBranches('c', 6) },
          d: { $or: orBranches('d', 6) },
        };
        // Three $or arrays of 10 branches expand to exactly 1000: accepted.
        const atLimit = {
          a: { $or: orBranches('a', 10) },
          b: { $or: orBranches('b', 10) },
          c: { $or: orBranches('c', 10) },
        };

        const rejected = validatePattern(tooMany);
        expect(rejected.valid).toBe(false);
        if (!rejected.valid) expect(rejected.message).toMatch(/^Event pattern is not valid\. Reason: .*1000/);
        expect(validatePattern(atLimit)).toEqual({ valid: true });
        expect(compilePattern(atLimit).matches({ a: { a3: 'v3' }, b: { b9: 'v9' }, c: { c0: 'v0' } })).toBe(
          true,
        );
      },
      'docs-wildcard-complexity': () => {
        const message =
          'Event pattern is not valid. Reason: Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';
        expect(validatePattern({ EventBusArn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] })).toEqual({
          valid: false,
          message,
        });
        expect(
          validatePattern({
            a: [{ 'anything-but': { wildcard: ['*a*', '*b*', '*c*', '*d*', '*e*', '*f*'] } }],
          }),
        ).toEqual({
          valid: false,
          message,
        });
        // Accepted by AWS (aws-content_wildcard_simplified, aws-content_wildcard_repeating).
        expect(
          validatePattern({ EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }),
        ).toEqual({
          valid: true,
        });
        expect(validatePattern({ FileName: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] })).toEqual(
          {
            valid: true,
          },
        );
      },
      'docs-pattern-max-length': () => {
        const sized = (length: number): string => {
          const skeleton = '{"source":["aws.ec2"],"detail":{"note":[""]}}';
          return skeleton.replace('[""]', `["${'x'.repeat(length - skeleton.length)}"]`);
        };
        expect(sized(4096)).toHaveLength(4096);

        expect(validatePattern(sized(4096))).toEqual({ valid: true });
        let thrown: unknown;
        try {
          compilePattern(sized(4097));
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(InvalidPatternError);
        expect((thrown as InvalidPatternError).awsErrorCode).toBe('ValidationException');
        expect((thrown as InvalidPatternError).message).toContain('4096');
        // An object pattern is measured as the JSON text an SDK would send.
        expect(validatePattern(JSON.parse(sized(4097)) as object).valid).toBe(false);
      },
    };

    test.each(documentedLimits)('$id', (fixture) => {
      const check = limitChecks[fixture.id];
      if (!check) throw new Error(`no check for the documented limit ${fixture.id}`);
      check();
    });
  });
});
