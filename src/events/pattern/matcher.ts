import type { SubRule, ValueSpec } from './compiler';
import { compileIgnoreCase } from './ignore-case';
import { type HexRange, hexRangeMatches, ipToHex, javaSplit } from './ip';
import { compileJavaSuffix, hasSurrogate, javaUnitView, javaUtf8View } from './java-strings';
import { RepeatedKeyValues } from './json-reader';
import { layoutMachines, type MachineLayout } from './machines';
import { comparableNumber, NumberLiteral } from './numbers';
import { compileWildcard } from './wildcard';

/**
 * Matching: each sub-rule is a list of fields sorted by dotted path (event-ruler's order), matched depth-first
 * against the event with array consistency: once a field has been matched inside element i of an array of
 * objects, later fields must come from that same element i (or from outside the array). Scalars inside an
 * array do not bind the element. `exists: false` holds when no value of the path is consistent with the
 * elements bound so far - which is why the sorted order matters (event-ruler behaves the same way).
 *
 * Only the pattern's paths are walked; nothing is flattened or copied, and no regular expression runs here.
 */

type LeafTest = (value: unknown) => boolean;

interface FieldPlan {
  readonly path: string;
  /** keys[i][j - i]: path segments i..j joined with '.', the event keys that can stand for them. */
  readonly keys: readonly (readonly (string | undefined)[])[];
  readonly segmentCount: number;
  /** Undefined when the field only says `exists: false`. */
  readonly test: LeafTest | undefined;
  readonly absent: boolean;
}

const MATCH = 0;
const FIND_ANY = 1;

const ALWAYS: LeafTest = () => true;
const EMPTY: object = Object.freeze({});

function anyOf(tests: readonly LeafTest[]): LeafTest | undefined {
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0];
  return (value) => {
    for (const test of tests) if (test(value)) return true;
    return false;
  };
}

function anyString(
  predicates: readonly ((value: string) => boolean)[],
): ((value: string) => boolean) | undefined {
  if (predicates.length === 0) return undefined;
  if (predicates.length === 1) return predicates[0];
  return (value) => {
    for (const predicate of predicates) if (predicate(value)) return true;
    return false;
  };
}

function inNumericRange(value: number, spec: Extract<ValueSpec, { kind: 'numeric' }>): boolean {
  return (
    (spec.openBottom ? value > spec.bottom : value >= spec.bottom) &&
    (spec.openTop ? value < spec.top : value <= spec.top)
  );
}

const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Whether a plain (already parsed) event number is one event-ruler could not compare: a subnormal whose JSON
 * text is not how Java prints it (JSON.stringify(5e-324) is "5e-324", Java's is "4.9E-324").
 */
function isUncomparablePlain(value: number): boolean {
  return (
    value > -MIN_NORMAL && value < MIN_NORMAL && value !== 0 && comparableNumber(String(value)) === undefined
  );
}

/** The value of an event number, or undefined for anything else (and for numbers event-ruler cannot compare). */
function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return isUncomparablePlain(value) ? undefined : value;
  return value instanceof NumberLiteral ? value.value : undefined;
}

/** The literal text of an event number: its raw text when it was read from text, else what JSON would print. */
function numberText(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return value instanceof NumberLiteral ? value.text : undefined;
}

/**
 * Builds the test for one field's alternatives (any one matching is enough).
 * @param numbersByText Whether the field's byte machine has no numeric operand, so that event-ruler walks an
 *   event number's literal text through it (ByteMachine.transitionOn: NUMERIC only when `hasNumeric`, else
 *   STRING with the unquoted text). IP ranges then see the number's digits as hex digits.
 */
function buildLeafTest(specs: readonly ValueSpec[], numbersByText: boolean): LeafTest | undefined {
  const strings = new Set<string>();
  const numbers = new Set<number>();
  const numberTexts = new Set<string>();
  const literals = new Set<boolean | null>();
  const ranges: HexRange[] = [];
  const stringTests: ((value: string) => boolean)[] = [];
  const numberTests: ((value: number) => boolean)[] = [];
  const others: LeafTest[] = [];
  let valueSpecs = 0;
  // Operands other than exact strings are compared as event-ruler's bytes (see java-strings.ts); exact strings
  // as strings, as event-ruler's shortcut transition does. Event strings need the byte view only when an
  // operand has a `?` that an unpaired surrogate in the event could stand for (otherwise both views agree);
  // a surrogate-bearing suffix operand compares in that view itself.
  let needsEventView = false;
  const operand = (text: string): string => {
    const view = javaUtf8View(text);
    if (view.includes('?')) needsEventView = true;
    return view;
  };
  const unitOperand = (text: string): string => {
    const view = javaUnitView(text);
    if (view.includes('?')) needsEventView = true;
    return view;
  };
  // Read when an event is matched, after every operand has been seen.
  const eventView = (text: string): string => (needsEventView ? javaUtf8View(text) : text);
  const suffixTest = (text: string): ((value: string) => boolean) => {
    if (hasSurrogate(text)) return compileJavaSuffix(text);
    const suffix = operand(text);
    return (value) => value.endsWith(suffix);
  };

  for (const spec of specs) {
    if (spec.kind === 'absent') continue;
    valueSpecs++;
    switch (spec.kind) {
      case 'exists':
        return ALWAYS;
      case 'exact':
        strings.add(spec.value);
        break;
      case 'number':
        if (spec.value === undefined) numberTexts.add(spec.text);
        else numbers.add(spec.value);
        break;
      case 'literal':
        literals.add(spec.value);
        break;
      case 'ip':
        ranges.push(spec.range);
        break;
      case 'prefix': {
        const prefix = operand(spec.value);
        stringTests.push((value) => value.startsWith(prefix));
        break;
      }
      case 'suffix':
        stringTests.push(suffixTest(spec.value));
        break;
      case 'equals-ignore-case':
        stringTests.push(compileIgnoreCase(unitOperand(spec.value), 'equals'));
        break;
      case 'prefix-ignore-case':
        stringTests.push(compileIgnoreCase(unitOperand(spec.value), 'prefix'));
        break;
      case 'suffix-ignore-case':
        stringTests.push(compileIgnoreCase(unitOperand(spec.value), 'suffix'));
        break;
      case 'wildcard':
        stringTests.push(compileWildcard(operand(spec.value)));
        break;
      case 'numeric':
        numberTests.push((value) => inNumericRange(value, spec));
        break;
      case 'numeric-equals':
        numbers.add(spec.value);
        break;
      case 'anything-but': {
        const excluded = new Set(spec.strings.map(operand));
        others.push((value) => typeof value !== 'string' || !excluded.has(eventView(value)));
        break;
      }
      case 'anything-but-numbers': {
        const excluded = new Set(spec.numbers);
        others.push((value) => {
          const number = numericValue(value);
          return number === undefined || !excluded.has(number);
        });
        break;
      }
      case 'anything-but-prefix':
      case 'anything-but-suffix':
      case 'anything-but-ignore-case':
      case 'anything-but-wildcard': {
        const excluded = anyString(
          spec.values.map((text): ((value: string) => boolean) => {
            if (spec.kind === 'anything-but-prefix') {
              const prefix = operand(text);
              return (value) => value.startsWith(prefix);
            }
            if (spec.kind === 'anything-but-suffix') return suffixTest(text);
            if (spec.kind === 'anything-but-ignore-case')
              return compileIgnoreCase(unitOperand(text), 'equals');
            return compileWildcard(operand(text));
          }),
        );
        // An empty operand list passes JsonRuleCompiler's check, but event-ruler adds no transition for it, so
        // it never matches anything.
        if (excluded !== undefined) {
          others.push((value) => typeof value !== 'string' || !excluded(eventView(value)));
        }
        break;
      }
    }
  }
  if (valueSpecs === 0) return undefined;

  const tests: LeafTest[] = [];
  const stringTest = anyString(stringTests);
  if (strings.size > 0 && stringTest === undefined && ranges.length === 0) {
    tests.push((value) => typeof value === 'string' && strings.has(value));
  } else if (strings.size > 0 || stringTest !== undefined || ranges.length > 0) {
    tests.push((value) => {
      if (typeof value !== 'string') return false;
      if (strings.has(value)) return true;
      if (stringTest?.(eventView(value))) return true;
      if (ranges.length > 0) {
        const hex = ipToHex(value);
        if (hex !== undefined) for (const range of ranges) if (hexRangeMatches(hex, range)) return true;
      }
      return false;
    });
  }
  if (numbers.size > 0 || numberTests.length > 0) {
    tests.push((value) => {
      const number = numericValue(value);
      if (number === undefined) return false;
      if (numbers.has(number)) return true;
      for (const test of numberTests) if (test(number)) return true;
      return false;
    });
  }
  if (numberTexts.size > 0) {
    tests.push((value) => {
      if (value instanceof NumberLiteral) return value.value === undefined && numberTexts.has(value.text);
      return typeof value === 'number' && isUncomparablePlain(value) && numberTexts.has(String(value));
    });
  }
  if (ranges.length > 0) {
    // A number reaches the IP ranges by its text when the machine has no numeric operand, or when event-ruler
    // cannot compare it (then it falls back to the STRING walk too).
    tests.push((value) => {
      const text = numberText(value);
      if (text === undefined || (!numbersByText && numericValue(value) !== undefined)) return false;
      for (const range of ranges) if (hexRangeMatches(text, range)) return true;
      return false;
    });
  }
  if (literals.size > 0) {
    tests.push((value) => (value === null || typeof value === 'boolean') && literals.has(value));
  }
  tests.push(...others);
  return anyOf(tests) ?? (() => false);
}

function isStepUsed(step: string, usedSteps: ReadonlySet<string>): boolean {
  if (usedSteps.has(step)) return true;
  return step.includes('.') && javaSplit(step, '.').every((part) => usedSteps.has(part));
}

function planField(
  path: string,
  specs: readonly ValueSpec[],
  usedSteps: ReadonlySet<string>,
  numbersByText: boolean,
): FieldPlan {
  const segments = path.split('.');
  const keys: (string | undefined)[][] = [];
  for (let i = 0; i < segments.length; i++) {
    const row: (string | undefined)[] = [];
    let key = '';
    for (let j = i; j < segments.length; j++) {
      key = j === i ? (segments[j] ?? '') : `${key}.${segments[j] ?? ''}`;
      // event-ruler ignores event keys that no pattern path is made of (Event/GenericMachine.isFieldStepUsed).
      row.push(isStepUsed(key, usedSteps) ? key : undefined);
    }
    keys.push(row);
  }
  return {
    path,
    keys,
    segmentCount: segments.length,
    test: buildLeafTest(specs, numbersByText),
    absent: specs.some((spec) => spec.kind === 'absent'),
  };
}

/** Walks one sub-rule over events; holds the array elements bound so far (reused between events). */
class RuleWalker {
  private readonly boundArrays: unknown[] = [];
  private readonly boundIndexes: number[] = [];
  private depth = 0;
  private root: object = EMPTY;

  constructor(private readonly fields: readonly FieldPlan[]) {}

  matches(event: object): boolean {
    this.root = event;
    this.depth = 0;
    const matched = this.fromField(0);
    // Drop references to the event's arrays (a match returns without unwinding the bindings).
    this.boundArrays.fill(undefined);
    this.root = EMPTY;
    return matched;
  }

  private fromField(k: number): boolean {
    const field = this.fields[k];
    if (field === undefined) return true;
    if (field.absent && !this.inObject(this.root, field, 0, k, FIND_ANY) && this.fromField(k + 1))
      return true;
    return field.test !== undefined && this.inObject(this.root, field, 0, k, MATCH);
  }

  private boundIndex(array: unknown): number {
    for (let i = 0; i < this.depth; i++) if (this.boundArrays[i] === array) return this.boundIndexes[i] ?? -1;
    return -1;
  }

  private inObject(object: object, field: FieldPlan, segment: number, k: number, mode: number): boolean {
    const row = field.keys[segment];
    if (row === undefined) return false;
    for (let j = 0; j < row.length; j++) {
      const key = row[j];
      if (key === undefined) continue;
      const value = (object as Record<string, unknown>)[key];
      // JSON never holds undefined or functions, so those are absent keys or inherited Object.prototype
      // members; only `__proto__` needs the (slower) own-property check.
      if (value === undefined || typeof value === 'function') continue;
      if (key === '__proto__' && !Object.hasOwn(object, key)) continue;
      const next = segment + j + 1;
      const found =
        next === field.segmentCount
          ? this.atLeaf(value, field, k, mode)
          : this.inValue(value, field, next, k, mode);
      if (found) return true;
    }
    return false;
  }

  /** A value on the way to the path's end: objects continue the walk, arrays fan out. */
  private inValue(value: unknown, field: FieldPlan, segment: number, k: number, mode: number): boolean {
    if (typeof value !== 'object' || value === null) return false;
    if (Array.isArray(value)) {
      const bound = this.boundIndex(value);
      if (bound >= 0) return this.inValue(value[bound], field, segment, k, mode);
      for (let i = 0; i < value.length; i++) {
        const element: unknown = value[i];
        if (typeof element !== 'object' || element === null) continue;
        this.bind(value, i, mode);
        const found = this.inValue(element, field, segment, k, mode);
        this.unbind(mode);
        if (found) return true;
      }
      return false;
    }
    if (value instanceof RepeatedKeyValues) {
      for (const each of value.values) if (this.inValue(each, field, segment, k, mode)) return true;
      return false;
    }
    if (value instanceof NumberLiteral) return false;
    return this.inObject(value, field, segment, k, mode);
  }

  /** A value at the path's end: scalars are leaves; arrays contribute their scalars; objects nothing. */
  private atLeaf(value: unknown, field: FieldPlan, k: number, mode: number): boolean {
    if (typeof value === 'object' && value !== null && !(value instanceof NumberLiteral)) {
      if (Array.isArray(value)) {
        const bound = this.boundIndex(value);
        for (let i = 0; i < value.length; i++) {
          const element: unknown = value[i];
          if (Array.isArray(element)) {
            if (bound >= 0 && bound !== i) continue;
            if (bound < 0) this.bind(value, i, mode);
            const found = this.atLeaf(element, field, k, mode);
            if (bound < 0) this.unbind(mode);
            if (found) return true;
          } else if (typeof element !== 'object' || element === null || element instanceof NumberLiteral) {
            if (this.leaf(element, field, k, mode)) return true;
          }
        }
        return false;
      }
      if (value instanceof RepeatedKeyValues) {
        for (const each of value.values) if (this.atLeaf(each, field, k, mode)) return true;
      }
      return false;
    }
    return this.leaf(value, field, k, mode);
  }

  private leaf(value: unknown, field: FieldPlan, k: number, mode: number): boolean {
    if (mode === FIND_ANY) return true;
    return field.test?.(value) === true && this.fromField(k + 1);
  }

  /** Binds element `index` of `array` for the fields matched next (not needed when looking for any value). */
  private bind(array: unknown[], index: number, mode: number): void {
    if (mode === FIND_ANY) return;
    this.boundArrays[this.depth] = array;
    this.boundIndexes[this.depth] = index;
    this.depth++;
  }

  private unbind(mode: number): void {
    if (mode === FIND_ANY) return;
    this.depth--;
    this.boundArrays[this.depth] = undefined;
  }
}

const NUMERIC_KINDS = new Set<ValueSpec['kind']>(['numeric', 'numeric-equals', 'anything-but-numbers']);

/**
 * Whether a machine the field lives in has a numeric operand (ByteMachine's `hasNumeric`). A field that reaches
 * several machines counts as numeric when any of them is: a simplification, since event-ruler decides per name
 * state (only `$or` branches whose earlier fields share some but not all operands reach several).
 */
function hasNumericOperand(layout: MachineLayout, rule: SubRule, path: string): boolean {
  return layout
    .machinesOf(rule, path)
    .some((machine) =>
      (layout.additions.get(machine) ?? []).some(
        (spec) => NUMERIC_KINDS.has(spec.kind) || (spec.kind === 'number' && spec.value !== undefined),
      ),
    );
}

/** A matcher for a compiled set of sub-rules; any matching sub-rule makes the pattern match. */
export function buildMatcher(subRules: readonly SubRule[]): (event: object) => boolean {
  const usedSteps = new Set<string>();
  for (const rule of subRules)
    for (const path of rule.keys()) for (const step of javaSplit(path, '.')) usedSteps.add(step);

  const layout = layoutMachines(subRules);
  const seen = new Set<string>();
  const walkers: RuleWalker[] = [];
  for (const rule of subRules) {
    const paths = [...rule.keys()].sort();
    const signature = JSON.stringify(paths.map((path) => [path, rule.get(path)]));
    if (seen.has(signature)) continue;
    seen.add(signature);
    walkers.push(
      new RuleWalker(
        paths.map((path) =>
          planField(path, rule.get(path) ?? [], usedSteps, !hasNumericOperand(layout, rule, path)),
        ),
      ),
    );
  }
  if (walkers.length === 1) {
    const only = walkers[0] as RuleWalker;
    return (event) => only.matches(event);
  }
  return (event) => {
    for (const walker of walkers) if (walker.matches(event)) return true;
    return false;
  };
}
