import { EngineError } from '../errors';
import { CidrSyntaxError, cidrRange, type HexRange, ipLiteralRange } from './ip';
import type { JsonLexer, JsonToken } from './json-lexer';
import { comparableNumber } from './numbers';
import { wildcardSyntaxError } from './wildcard';

/**
 * Compiles pattern tokens into sub-rules, following the order in which event-ruler's JsonRuleCompiler reads
 * and checks a pattern, so that the first problem found is the one EventBridge reports.
 *
 * `$or` is expanded the way event-ruler expands it: every branch copies the sub-rules built so far, and a
 * field written later (in document order) replaces an earlier field of the same dotted path in every
 * sub-rule it reaches. That is also how duplicate keys end up "last one wins".
 */

/** One operand of a field's match array. */
export type ValueSpec =
  | { readonly kind: 'exact'; readonly value: string }
  | { readonly kind: 'number'; readonly text: string; readonly value: number | undefined }
  | { readonly kind: 'literal'; readonly value: boolean | null }
  | { readonly kind: 'ip'; readonly range: HexRange }
  | {
      readonly kind:
        | 'prefix'
        | 'suffix'
        | 'equals-ignore-case'
        | 'prefix-ignore-case'
        | 'suffix-ignore-case'
        | 'wildcard';
      readonly value: string;
    }
  | {
      readonly kind: 'numeric';
      readonly bottom: number;
      readonly openBottom: boolean;
      readonly top: number;
      readonly openTop: boolean;
    }
  | { readonly kind: 'numeric-equals'; readonly value: number }
  | { readonly kind: 'exists' }
  | { readonly kind: 'absent' }
  | { readonly kind: 'anything-but'; readonly strings: readonly string[] }
  | { readonly kind: 'anything-but-numbers'; readonly numbers: readonly number[] }
  | {
      readonly kind:
        | 'anything-but-prefix'
        | 'anything-but-suffix'
        | 'anything-but-ignore-case'
        | 'anything-but-wildcard';
      readonly values: readonly string[];
    };

/** A conjunction of fields: dotted path -> alternatives (any one may match). */
export type SubRule = Map<string, readonly ValueSpec[]>;

/** The reason event-ruler gives for rejecting a pattern (without the "Event pattern is not valid" prefix). */
export class PatternReasonError extends EngineError {
  readonly code = 'PatternReason';
}

/** The `$or` expansion went past the allowed number of sub-rules. */
export class TooManyCombinationsError extends EngineError {
  readonly code = 'TooManyCombinations';
}

// event-ruler reserves these names inside $or branches (operators and names kept for future operators).
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

function fail(reason: string): never {
  throw new PatternReasonError(reason);
}

const TOO_MANY_TERMS = 'Too many elements in numeric expression';
const ONLY_ONE_KEY = 'Only one key allowed in match expression';

class RuleCompiler {
  private readonly path: string[] = [];

  constructor(
    private readonly lexer: JsonLexer,
    private readonly maxSubRules: number,
  ) {}

  compile(): SubRule[] {
    const rules: SubRule[] = [];
    if (this.lexer.nextToken() !== 'START_OBJECT') fail('Filter is not an object');
    this.parseObject(rules, false);
    return rules;
  }

  private next(): JsonToken | null {
    return this.lexer.nextToken();
  }

  /** event-ruler joins path steps with '.', except after an empty base path. */
  private extendedName(step: string): string {
    const base = this.path.join('.');
    return base.length === 0 ? step : `${base}.${step}`;
  }

  private parseObject(rules: SubRule[], insideOr: boolean): void {
    let fieldsPresent = false;
    for (let token = this.next(); token !== 'END_OBJECT' && token !== null; token = this.next()) {
      fieldsPresent = true;
      const step = this.lexer.fieldName();
      if (step === '$or') {
        this.parseOr(rules);
        continue;
      }
      if (insideOr && RESERVED_IN_OR.has(step)) {
        fail(`${step} is Ruler reserved fieldName which cannot be used inside $or.`);
      }
      const value = this.next();
      if (value === 'START_OBJECT') {
        this.path.push(step);
        this.parseObject(rules, insideOr);
        this.path.pop();
      } else if (value === 'START_ARRAY') {
        this.writeRules(rules, this.extendedName(step));
      } else {
        fail(`"${step}" must be an object or an array`);
      }
    }
    if (!fieldsPresent) fail('Empty objects are not allowed');
  }

  private parseOr(rules: SubRule[]): void {
    const before = rules.map((rule) => new Map(rule));
    rules.length = 0;
    if (this.next() !== 'START_ARRAY') fail('It must be an Array followed with $or.');
    let branches = 0;
    for (let token = this.next(); token !== 'END_ARRAY' && token !== null; token = this.next()) {
      branches++;
      if (token !== 'START_OBJECT') fail('Only JSON object is allowed in array of $or relationship.');
      const branch = before.map((rule) => new Map(rule));
      if (branch.length === 0) branch.push(new Map());
      this.parseObject(branch, true);
      rules.push(...branch);
      if (rules.length > this.maxSubRules) throw new TooManyCombinationsError(String(rules.length));
    }
    if (branches < 2) fail('There must have at least 2 Objects in $or relationship.');
  }

  private writeRules(rules: SubRule[], name: string): void {
    const values: ValueSpec[] = [];
    for (let token = this.next(); token !== 'END_ARRAY' && token !== null; token = this.next()) {
      switch (token) {
        case 'START_OBJECT':
          values.push(this.matchExpression());
          break;
        case 'VALUE_STRING': {
          const text = this.lexer.getText();
          const range = ipLiteralRange(text);
          values.push(range === undefined ? { kind: 'exact', value: text } : { kind: 'ip', range });
          break;
        }
        case 'VALUE_NUMBER': {
          const text = this.lexer.getText();
          values.push({ kind: 'number', text, value: comparableNumber(text) });
          break;
        }
        case 'VALUE_TRUE':
          values.push({ kind: 'literal', value: true });
          break;
        case 'VALUE_FALSE':
          values.push({ kind: 'literal', value: false });
          break;
        case 'VALUE_NULL':
          values.push({ kind: 'literal', value: null });
          break;
        default:
          fail('Match value must be String, number, true, false, or null');
      }
    }
    if (values.length === 0) fail('Empty arrays are not allowed');
    if (rules.length === 0) rules.push(new Map());
    for (const rule of rules) rule.set(name, values);
  }

  /** Requires the operator object to end here. */
  private endOfExpression(message: string): void {
    if (this.next() !== 'END_OBJECT') fail(message);
  }

  private stringOperand(message: string): string {
    if (this.next() !== 'VALUE_STRING') fail(message);
    return this.lexer.getText();
  }

  private matchExpression(): ValueSpec {
    if (this.next() !== 'FIELD_NAME') fail('Match expression name not found');
    const operator = this.lexer.fieldName();
    switch (operator) {
      case 'exactly': {
        const value = this.stringOperand('exact match pattern must be a string');
        this.endOfExpression(ONLY_ONE_KEY);
        return { kind: 'exact', value };
      }
      case 'prefix':
      case 'suffix': {
        const token = this.next();
        if (token === 'START_OBJECT') return this.ignoreCaseAffix(operator);
        if (token !== 'VALUE_STRING') fail(`${operator} match pattern must be a string`);
        const value = this.lexer.getText();
        this.endOfExpression(ONLY_ONE_KEY);
        return { kind: operator, value };
      }
      case 'numeric': {
        if (this.next() !== 'START_ARRAY') fail('Value of numeric must be an array.');
        const spec = this.numericExpression();
        this.endOfExpression(TOO_MANY_TERMS);
        return spec;
      }
      case 'anything-but':
        return this.anythingBut();
      case 'exists': {
        const token = this.next();
        if (token !== 'VALUE_TRUE' && token !== 'VALUE_FALSE') {
          fail('exists match pattern must be either true or false.');
        }
        this.endOfExpression(ONLY_ONE_KEY);
        return token === 'VALUE_TRUE' ? { kind: 'exists' } : { kind: 'absent' };
      }
      case 'cidr': {
        // event-ruler reuses the prefix message here.
        const text = this.stringOperand('prefix match pattern must be a string');
        let range: HexRange;
        try {
          range = cidrRange(text);
        } catch (error) {
          if (error instanceof CidrSyntaxError) fail(error.message);
          throw error;
        }
        this.endOfExpression(ONLY_ONE_KEY);
        return { kind: 'ip', range };
      }
      case 'equals-ignore-case': {
        const value = this.stringOperand('equals-ignore-case match pattern must be a string');
        this.endOfExpression(ONLY_ONE_KEY);
        return { kind: 'equals-ignore-case', value };
      }
      case 'wildcard': {
        const value = this.stringOperand('wildcard match pattern must be a string');
        const problem = wildcardSyntaxError(value);
        if (problem !== undefined) fail(problem);
        this.endOfExpression(ONLY_ONE_KEY);
        return { kind: 'wildcard', value };
      }
      default:
        fail(`Unrecognized match type ${operator}`);
    }
  }

  private ignoreCaseAffix(operator: 'prefix' | 'suffix'): ValueSpec {
    const label = operator === 'prefix' ? 'Prefix' : 'Suffix';
    if (this.next() !== 'FIELD_NAME') fail(`${label} expression name not found`);
    const inner = this.lexer.fieldName();
    if (inner !== 'equals-ignore-case') fail(`Unsupported ${operator} pattern: ${inner}`);
    const value = this.stringOperand('equals-ignore-case match pattern must be a string');
    this.endOfExpression(ONLY_ONE_KEY);
    this.endOfExpression(ONLY_ONE_KEY);
    return { kind: operator === 'prefix' ? 'prefix-ignore-case' : 'suffix-ignore-case', value };
  }

  private comparable(text: string): number {
    const value = comparableNumber(text);
    if (value === undefined) fail(`Cannot compare number : ${text}`);
    return value;
  }

  private numericExpression(): ValueSpec {
    const lexer = this.lexer;
    let token = this.next();
    if (token !== 'VALUE_STRING') fail(`Invalid member in numeric match: ${lexer.getText()}`);
    const operator = lexer.getText();
    token = this.next();
    switch (operator) {
      case '=': {
        if (token !== 'VALUE_NUMBER') fail('Value of equals must be numeric');
        const text = lexer.getText();
        if (this.next() !== 'END_ARRAY') fail(TOO_MANY_TERMS);
        return { kind: 'numeric-equals', value: this.comparable(text) };
      }
      case '>=':
      case '>': {
        if (token !== 'VALUE_NUMBER') fail(`Value of ${operator} must be numeric`);
        const bottomText = lexer.getText();
        token = this.next();
        const openBottom = operator === '>';
        if (token === 'END_ARRAY') {
          return {
            kind: 'numeric',
            bottom: this.comparable(bottomText),
            openBottom,
            top: Number.MAX_VALUE,
            openTop: false,
          };
        }
        return this.numericRange(token, bottomText, openBottom);
      }
      case '<=':
      case '<': {
        if (token !== 'VALUE_NUMBER') fail(`Value of ${operator} must be numeric`);
        const topText = lexer.getText();
        if (this.next() !== 'END_ARRAY') fail(TOO_MANY_TERMS);
        return {
          kind: 'numeric',
          bottom: -Number.MAX_VALUE,
          openBottom: false,
          top: this.comparable(topText),
          openTop: operator === '<',
        };
      }
      default:
        fail(`Unrecognized numeric range operator: ${operator}`);
    }
  }

  private numericRange(token: JsonToken | null, bottomText: string, openBottom: boolean): ValueSpec {
    const lexer = this.lexer;
    if (token !== 'VALUE_STRING') fail(`Bad value in numeric range: ${lexer.getText()}`);
    const operator = lexer.getText();
    if (operator !== '<' && operator !== '<=') fail(`Bad numeric range operator: ${operator}`);
    if (this.next() !== 'VALUE_NUMBER') fail(`Value of ${operator} must be numeric`);
    const topText = lexer.getText();
    if (this.next() !== 'END_ARRAY') fail('Too many terms in numeric range expression');
    const bottom = this.comparable(bottomText);
    const top = this.comparable(topText);
    if (bottom >= top) fail('Bottom must be less than top');
    return { kind: 'numeric', bottom, openBottom, top, openTop: operator === '<' };
  }

  private anythingBut(): ValueSpec {
    type Flavour = 'plain' | 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard';
    let flavour: Flavour = 'plain';
    let token = this.next();
    if (token === 'START_OBJECT') {
      if (this.next() !== 'FIELD_NAME') fail('Anything-But expression name not found');
      const inner = this.lexer.fieldName();
      if (
        inner !== 'equals-ignore-case' &&
        inner !== 'prefix' &&
        inner !== 'suffix' &&
        inner !== 'wildcard'
      ) {
        fail(`Unsupported anything-but pattern: ${inner}`);
      }
      flavour = inner;
      token = this.next();
    }
    if (token !== 'START_ARRAY' && token !== 'VALUE_STRING' && token !== 'VALUE_NUMBER') {
      fail('Value of anything-but must be an array or single string/number value.');
    }
    const spec =
      flavour === 'plain' ? this.anythingButValues(token) : this.anythingButOperands(flavour, token);
    this.endOfExpression(TOO_MANY_TERMS);
    if (flavour !== 'plain') this.endOfExpression(TOO_MANY_TERMS);
    return spec;
  }

  /** `anything-but` with a string, a number, or a list of either (not mixed). */
  private anythingButValues(first: JsonToken): ValueSpec {
    const lexer = this.lexer;
    if (first !== 'START_ARRAY') {
      const text = lexer.getText();
      return first === 'VALUE_NUMBER'
        ? { kind: 'anything-but-numbers', numbers: [this.comparable(text)] }
        : { kind: 'anything-but', strings: [text] };
    }
    const strings: string[] = [];
    const numbers: number[] = [];
    for (let token = this.next(); token !== 'END_ARRAY' && token !== null; token = this.next()) {
      if (token === 'VALUE_STRING') strings.push(lexer.getText());
      else if (token === 'VALUE_NUMBER') numbers.push(this.comparable(lexer.getText()));
      else fail('Inside anything but list, start|null|boolean is not supported.');
    }
    if (strings.length > 0 === numbers.length > 0) {
      fail('Inside anything but list, either all values are number or string, mixed type is not supported');
    }
    return numbers.length > 0 ? { kind: 'anything-but-numbers', numbers } : { kind: 'anything-but', strings };
  }

  /** `anything-but` with equals-ignore-case / prefix / suffix / wildcard and one string or a list of them. */
  private anythingButOperands(
    flavour: 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard',
    first: JsonToken,
  ): ValueSpec {
    const values: string[] = [];
    const take = (token: JsonToken | null): void => {
      if (token !== 'VALUE_STRING') {
        if (flavour === 'equals-ignore-case') {
          fail('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
        }
        if (flavour === 'wildcard') fail('wildcard match pattern must be a string');
        fail('prefix/suffix match pattern must be a string');
      }
      const text = this.lexer.getText();
      if ((flavour === 'prefix' || flavour === 'suffix') && text.length === 0) {
        fail('Null prefix/suffix not allowed');
      }
      values.push(text);
    };
    if (first === 'START_ARRAY') {
      for (let token = this.next(); token !== 'END_ARRAY' && token !== null; token = this.next()) take(token);
    } else {
      take(first);
    }
    if (flavour === 'wildcard') {
      for (const value of values) {
        const problem = wildcardSyntaxError(value);
        if (problem !== undefined) fail(problem);
      }
    }
    const kind =
      flavour === 'equals-ignore-case'
        ? 'anything-but-ignore-case'
        : flavour === 'prefix'
          ? 'anything-but-prefix'
          : flavour === 'suffix'
            ? 'anything-but-suffix'
            : 'anything-but-wildcard';
    return { kind, values };
  }
}

/**
 * Compiles a pattern read by `lexer` into its sub-rules.
 * @throws PatternReasonError with event-ruler's reason when the pattern is invalid.
 * @throws TooManyCombinationsError when `$or` expands to more than `maxSubRules` sub-rules.
 * @throws JsonSyntaxError when the text is not JSON (before any pattern problem that comes later in it).
 */
export function compileSubRules(lexer: JsonLexer, maxSubRules: number): SubRule[] {
  return new RuleCompiler(lexer, maxSubRules).compile();
}
