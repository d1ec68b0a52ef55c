/**
 * EventBridge input transformers (`InputPathsMap` + `InputTemplate`), rendered exactly as the service delivers
 * them to a target, plus the checks `PutTargets` makes when the transformer is saved.
 *
 * The rules are those recorded in test/fixtures/README.md (section input-transformer): AWS-recorded SQS bodies
 * (LocalStack snapshots) and the EventBridge user guide. In short:
 * - A template whose first non-blank character is `"` is a STRING template: the payload keeps its quotes,
 *   values are spliced in raw (not escaped), and an object/array value becomes compact JSON with every `"`
 *   removed (`{items:[{instanceId:i-0a6asdf2345ghj}]}`). EventBridge does not check that this output is JSON.
 * - A template starting with `{` or `[`, or any other that is JSON once its placeholders are filled (`<v>`), is a
 *   JSON template. A placeholder outside quotes is replaced by the value as JSON (a string gets exactly one pair
 *   of quotes, a missing path gives `""`); a placeholder inside a quoted string is spliced in raw. If the result
 *   is not valid JSON, EventBridge silently drops the event for that target.
 * - Anything else is a TEXT template: the API reference's own first example is `<instance> is in state <status>`
 *   (and `<instance> is in state \"<status>\"` for literal quotes), so PutTargets accepts it. It is filled like a
 *   string template, without surrounding quotes to keep. What EventBridge delivers for it is documented by that
 *   example, not AWS-recorded (test/fixtures/README.md lists it as not verified).
 */

import { isRecord } from '../json';
import { EngineError, InvalidEventError } from './errors';

/** What `applyInputTransformer` accepts: the same shape as a rule target's `InputTransformer`. */
export interface InputTransformerConfig {
  readonly inputPathsMap?: Readonly<Record<string, string>> | undefined;
  readonly inputTemplate: string;
}

/** Values of the reserved variables, which EventBridge fills from the rule and the ingestion. */
export interface InputTransformerContext {
  /** `<aws.events.rule-name>` */
  readonly ruleName?: string | undefined;
  /** `<aws.events.rule-arn>`; on a custom bus: `arn:aws:events:<region>:<account>:rule/<bus>/<rule>`. */
  readonly ruleArn?: string | undefined;
  /** `<aws.events.event.ingestion-time>`: when EventBridge received the event (ISO-8601). */
  readonly ingestionTime?: string | undefined;
}

/** Target fields that `PutTargets` checks together with the transformer. */
export interface ValidateInputTransformerOptions {
  /**
   * The target's `Id`, quoted in EventBridge's messages. Defaults to {@link DEFAULT_TARGET_ID}, the id CDK gives
   * the first target of a rule when none is set.
   */
  readonly targetId?: string | undefined;
  /** The target's `Input`, if it also has one (EventBridge then rejects the target). */
  readonly input?: string | undefined;
  /** The target's `InputPath`, if it also has one (EventBridge then rejects the target). */
  readonly inputPath?: string | undefined;
}

/**
 * Who refuses the transformer:
 * - `eventbridge`: `PutTargets` answers `ValidationException` with `message`. The invalid-placeholder and
 *   "Only one of Input, InputPath, or InputTransformer" texts are AWS-recorded verbatim; the length/pattern
 *   texts follow AWS's generic constraint-message format for the first target of the request (`targets.1`),
 *   their exact wording is not AWS-recorded.
 * - `infrawatch`: EventBridge would accept it, but either it can never deliver the output (invalid JSON, a
 *   placeholder used as an object key, the event variables inside quotes) or what it delivers is not verified
 *   (wildcards and other JSONPath forms, the event variables in a string template), so InfraWatch refuses to
 *   predict it.
 */
export type InputTransformerRejection = 'eventbridge' | 'infrawatch';

/** Result of {@link validateInputTransformer}. */
export type InputTransformerValidation =
  | { readonly valid: true }
  | { readonly valid: false; readonly message: string; readonly rejectedBy: InputTransformerRejection };

/** The id CDK gives the first target of a rule (`Target0`); used when no target id is given. */
export const DEFAULT_TARGET_ID = 'Target0';

/** Variables EventBridge fills itself; they need no `InputPathsMap` entry. */
export const RESERVED_VARIABLES = [
  'aws.events.rule-name',
  'aws.events.rule-arn',
  'aws.events.event.ingestion-time',
  'aws.events.event',
  'aws.events.event.json',
] as const;

/** The `InputTransformer` limits of the EventBridge API (`PutTargets`). */
export const INPUT_TRANSFORMER_LIMITS = {
  maxInputPathsMapEntries: 100,
  maxKeyLength: 256,
  maxPathLength: 256,
  maxTemplateLength: 8192,
} as const;

/** Thrown by {@link applyInputTransformer} for a transformer that {@link validateInputTransformer} refuses. */
export class InvalidInputTransformerError extends EngineError {
  readonly code = 'InvalidInputTransformer';
  readonly rejectedBy: InputTransformerRejection;

  constructor(message: string, rejectedBy: InputTransformerRejection) {
    super(message);
    this.rejectedBy = rejectedBy;
  }
}

/**
 * The transformer is valid, but for this event EventBridge would silently not deliver anything to the target:
 * the filled JSON template is not valid JSON.
 */
export class UndeliverablePayloadError extends EngineError {
  readonly code = 'Undeliverable';
  /** The text EventBridge would have produced (and then dropped). */
  readonly payload: string;

  constructor(message: string, payload: string) {
    super(message);
    this.payload = payload;
  }
}

/** The template uses a reserved variable whose value was not given in the context. */
export class MissingTransformerContextError extends EngineError {
  readonly code = 'MissingTransformerContext';
  readonly variable: string;

  constructor(variable: string, field: keyof InputTransformerContext) {
    super(`The template uses <${variable}>, but no context.${field} was given to fill it.`);
    this.variable = variable;
  }
}

export { InvalidEventError };

// ---------------------------------------------------------------------------------------------------------
// JSONPath

type PathStep =
  | { readonly kind: 'property'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number };

type PathParse =
  | { readonly ok: true; readonly steps: readonly PathStep[] }
  | { readonly ok: false; readonly problem: string };

const WILDCARD =
  'EventBridge documents wildcards but not what it delivers for them, so InfraWatch does not model them';
const UNDOCUMENTED =
  'EventBridge does not document this JSONPath form for input transformers, so InfraWatch does not model it';
// Characters that end a dot-notation name, or start a JSONPath form (filter, union, script) we do not model.
const DOT_NAME = /^[^.[\]\s'"*?()@,]+/;

/**
 * Parses the JSONPath subset that EventBridge documents for input transformers and that InfraWatch models:
 * `$`, `.name` (dashes, underscores, slashes, any non-ASCII), `[0]`, `['name']` / `["name"]`.
 */
function parseJsonPath(path: string): PathParse {
  if (!path.startsWith('$')) return { ok: false, problem: 'does not start with $' };
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const rest = path.slice(i + 1);
      if (rest.startsWith('.')) return { ok: false, problem: `uses recursive descent (..); ${UNDOCUMENTED}` };
      if (rest.startsWith('*')) return { ok: false, problem: `uses a wildcard (.*); ${WILDCARD}` };
      const name = DOT_NAME.exec(rest)?.[0];
      if (name === undefined) {
        const at =
          rest.length === 0 ? 'ends with a dot' : `has an unexpected character after a dot at ${i + 1}`;
        return { ok: false, problem: at };
      }
      steps.push({ kind: 'property', name });
      i += 1 + name.length;
    } else if (c === '[') {
      const quote = path[i + 1];
      if (quote === "'" || quote === '"') {
        let name = '';
        let j = i + 2;
        for (; j < path.length && path[j] !== quote; j++) {
          const ch = path[j] as string;
          if (ch === '\\' && j + 1 < path.length) {
            j++;
            name += path[j];
          } else name += ch;
        }
        if (j >= path.length) return { ok: false, problem: `has an unterminated quoted name at ${i}` };
        if (path[j + 1] === ',')
          return { ok: false, problem: `selects several names at once; ${UNDOCUMENTED}` };
        if (path[j + 1] !== ']') return { ok: false, problem: `has no ] after the quoted name at ${i}` };
        steps.push({ kind: 'property', name });
        i = j + 2;
      } else {
        const end = path.indexOf(']', i);
        if (end < 0) return { ok: false, problem: `has an unclosed [ at ${i}` };
        const inner = path.slice(i + 1, end).trim();
        if (inner === '*') return { ok: false, problem: `uses a wildcard ([*]); ${WILDCARD}` };
        if (inner.startsWith('?')) return { ok: false, problem: `uses a filter ([?()]); ${UNDOCUMENTED}` };
        if (inner.includes(':'))
          return { ok: false, problem: `uses an array slice ([a:b]); ${UNDOCUMENTED}` };
        if (inner.includes(','))
          return { ok: false, problem: `selects several indexes at once; ${UNDOCUMENTED}` };
        if (/^-\d+$/.test(inner)) return { ok: false, problem: `uses a negative index; ${UNDOCUMENTED}` };
        if (!/^\d+$/.test(inner)) return { ok: false, problem: `has an invalid index [${inner}]` };
        steps.push({ kind: 'index', index: Number(inner) });
        i = end + 1;
      }
    } else {
      return { ok: false, problem: `has an unexpected character '${c}' at ${i}` };
    }
  }
  return { ok: true, steps };
}

type Resolved = { readonly found: false } | { readonly found: true; readonly value: unknown };

const MISSING: Resolved = { found: false };

function resolvePath(event: unknown, steps: readonly PathStep[]): Resolved {
  let current: unknown = event;
  for (const step of steps) {
    if (step.kind === 'property') {
      if (!isRecord(current) || !Object.hasOwn(current, step.name)) return MISSING;
      current = current[step.name];
    } else {
      if (!Array.isArray(current) || step.index >= current.length) return MISSING;
      current = current[step.index];
    }
    if (current === undefined) return MISSING;
  }
  return { found: true, value: current };
}

// ---------------------------------------------------------------------------------------------------------
// JSON text

/** Compact JSON in the value's own key order, as EventBridge inserts objects and arrays. */
function toCompactJson(value: unknown, where: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value))
        throw new InvalidEventError(`The event holds a non-finite number at ${where}.`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, index) => toCompactJson(item, `${where}[${index}]`)).join(',')}]`;
      }
      const members: string[] = [];
      for (const [key, member] of Object.entries(value)) {
        if (member === undefined) continue;
        members.push(`${JSON.stringify(key)}:${toCompactJson(member, `${where}.${key}`)}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      throw new InvalidEventError(`The event holds a ${typeof value}, which JSON cannot carry, at ${where}.`);
  }
}

/** Text of a scalar spliced into a string literal: strings raw, numbers/booleans/null as their JSON text. */
function rawText(value: unknown, where: string): string {
  return typeof value === 'string' ? value : toCompactJson(value, where);
}

// ---------------------------------------------------------------------------------------------------------
// Template

type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'placeholder'; readonly name: string; readonly inString: boolean };

interface ParsedTemplate {
  readonly kind: 'string' | 'json' | 'text';
  readonly segments: readonly Segment[];
}

// EventBridge treats every <...> as a placeholder: "<" and ">" cannot be escaped in a template.
const PLACEHOLDER = /<([^<>]*)>/g;

function parseTemplate(template: string): ParsedTemplate {
  const kind = template.trimStart().startsWith('"') ? 'string' : 'json';
  const segments: Segment[] = [];
  let inString = false;
  let escaped = false;
  const scan = (text: string): void => {
    for (const ch of text) {
      if (escaped) escaped = false;
      else if (inString && ch === '\\') escaped = true;
      else if (ch === '"') inString = !inString;
    }
  };
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const text = template.slice(last, match.index);
    scan(text);
    if (text.length > 0) segments.push({ kind: 'text', text });
    segments.push({ kind: 'placeholder', name: match[1] as string, inString });
    escaped = false;
    last = match.index + match[0].length;
  }
  const tail = template.slice(last);
  if (tail.length > 0) segments.push({ kind: 'text', text: tail });
  return { kind: kind === 'json' ? jsonOrText(template, segments) : kind, segments };
}

/** `{…}` and `[…]` are meant as JSON (and refused when they cannot be); other templates are JSON only if they parse. */
function jsonOrText(template: string, segments: readonly Segment[]): 'json' | 'text' {
  const first = template.trimStart()[0];
  if (first === '{' || first === '[') return 'json';
  return parsesAsJson(probe(segments, () => '""')).ok ? 'json' : 'text';
}

/** The template with each placeholder outside quotes replaced by `outside` and each one inside by `x`. */
function probe(segments: readonly Segment[], outside: (index: number) => string): string {
  let index = 0;
  return segments
    .map((segment) => {
      if (segment.kind === 'text') return segment.text;
      if (segment.inString) return 'x';
      return outside(index++);
    })
    .join('');
}

function parsesAsJson(text: string): { ok: true } | { ok: false; error: string } {
  try {
    JSON.parse(text);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

const EVENT_VARIABLES: ReadonlySet<string> = new Set(['aws.events.event', 'aws.events.event.json']);
const RESERVED: ReadonlySet<string> = new Set(RESERVED_VARIABLES);

interface AnalysedTransformer {
  readonly template: ParsedTemplate;
  readonly paths: ReadonlyMap<string, readonly PathStep[]>;
}

type Analysis =
  | { readonly valid: true; readonly analysed: AnalysedTransformer }
  | { readonly valid: false; readonly message: string; readonly rejectedBy: InputTransformerRejection };

function javaMapText(map: Readonly<Record<string, string>>): string {
  return `{${Object.entries(map)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ')}}`;
}

function constraintMessage(value: string, field: string, constraint: string): string {
  return `1 validation error detected: Value '${value}' at 'targets.1.member.inputTransformer.${field}' failed to satisfy constraint: ${constraint}`;
}

const KEY_PATTERN = /^[A-Za-z0-9_-]+$/;
const KEY_CONSTRAINTS =
  'Map keys must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]';
const VALUE_CONSTRAINTS =
  'Map values must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]';

function analyse(transformer: InputTransformerConfig, options: ValidateInputTransformerOptions): Analysis {
  const targetId = options.targetId ?? DEFAULT_TARGET_ID;
  const eventbridge = (message: string): Analysis => ({ valid: false, message, rejectedBy: 'eventbridge' });
  const infrawatch = (message: string): Analysis => ({ valid: false, message, rejectedBy: 'infrawatch' });

  if (options.input !== undefined || options.inputPath !== undefined) {
    return eventbridge(
      `Only one of Input, InputPath, or InputTransformer must be provided for target ${targetId}.`,
    );
  }

  // Model constraints first: the API front end checks them before the service looks at the template.
  const template = transformer.inputTemplate;
  const limits = INPUT_TRANSFORMER_LIMITS;
  if (template.length < 1) {
    return eventbridge(
      constraintMessage(template, 'inputTemplate', 'Member must have length greater than or equal to 1'),
    );
  }
  if (template.length > limits.maxTemplateLength) {
    return eventbridge(
      constraintMessage(
        template,
        'inputTemplate',
        `Member must have length less than or equal to ${limits.maxTemplateLength}`,
      ),
    );
  }
  const map = transformer.inputPathsMap ?? {};
  const entries = Object.entries(map);
  if (entries.length > limits.maxInputPathsMapEntries) {
    return eventbridge(
      constraintMessage(
        javaMapText(map),
        'inputPathsMap',
        `Member must have length less than or equal to ${limits.maxInputPathsMapEntries}`,
      ),
    );
  }
  for (const [key, path] of entries) {
    // Keys may not start with "AWS." (reserved); the pattern, which has no dot, already forbids that.
    if (!KEY_PATTERN.test(key) || key.length > limits.maxKeyLength) {
      return eventbridge(constraintMessage(javaMapText(map), 'inputPathsMap', KEY_CONSTRAINTS));
    }
    if (path.length > limits.maxPathLength) {
      return eventbridge(constraintMessage(javaMapText(map), 'inputPathsMap', VALUE_CONSTRAINTS));
    }
  }

  const parsed = parseTemplate(template);
  for (const segment of parsed.segments) {
    if (segment.kind === 'placeholder' && !Object.hasOwn(map, segment.name) && !RESERVED.has(segment.name)) {
      return eventbridge(
        `InputTemplate for target ${targetId} contains invalid placeholder ${segment.name}.`,
      );
    }
  }

  const paths = new Map<string, readonly PathStep[]>();
  for (const [key, path] of entries) {
    const result = parseJsonPath(path);
    if (!result.ok) return infrawatch(`InputPathsMap value for ${key} (${path}) ${result.problem}.`);
    paths.set(key, result.steps);
  }

  for (const segment of parsed.segments) {
    if (segment.kind !== 'placeholder' || !EVENT_VARIABLES.has(segment.name)) continue;
    if (parsed.kind !== 'json') {
      return infrawatch(
        `<${segment.name}> is only meant as an unquoted JSON value (EventBridge inserts it unescaped); in a ${parsed.kind} template what EventBridge delivers for it is not verified, so InfraWatch does not model it.`,
      );
    }
    if (segment.inString) {
      return infrawatch(
        `<${segment.name}> sits inside a quoted string: EventBridge inserts the event unescaped, the output is never valid JSON and nothing would be delivered. Use it unquoted, e.g. {"event": <${segment.name}>}.`,
      );
    }
  }

  if (parsed.kind === 'json') {
    const asValues = parsesAsJson(probe(parsed.segments, () => '""'));
    if (!asValues.ok) {
      return infrawatch(
        `InputTemplate starts like JSON but is not valid JSON once its placeholders are filled (${asValues.error}), so EventBridge would never deliver it.`,
      );
    }
    const outsideNames = parsed.segments.flatMap((s) =>
      s.kind === 'placeholder' && !s.inString ? [s.name] : [],
    );
    for (let k = 0; k < outsideNames.length; k++) {
      if (!parsesAsJson(probe(parsed.segments, (index) => (index === k ? '0' : '""'))).ok) {
        return infrawatch(
          `InputTemplate uses <${outsideNames[k]}> as an object key; EventBridge only allows placeholders as values.`,
        );
      }
    }
  }

  return { valid: true, analysed: { template: parsed, paths } };
}

/**
 * Checks a transformer as `PutTargets` would, then for what InfraWatch can predict (see
 * {@link InputTransformerRejection}). Returns the first problem found.
 *
 * @param transformer - `InputPathsMap` (optional) and `InputTemplate`.
 * @param targetOrOptions - the target id quoted in EventBridge's messages (default {@link DEFAULT_TARGET_ID}),
 *   or options that also carry the target's `Input`/`InputPath`.
 */
export function validateInputTransformer(
  transformer: InputTransformerConfig,
  targetOrOptions?: string | ValidateInputTransformerOptions,
): InputTransformerValidation {
  const options =
    typeof targetOrOptions === 'string' ? { targetId: targetOrOptions } : (targetOrOptions ?? {});
  const analysis = analyse(transformer, options);
  if (analysis.valid) return { valid: true };
  return { valid: false, message: analysis.message, rejectedBy: analysis.rejectedBy };
}

// The envelope <aws.events.event> carries: no detail, `detailType` instead of `detail-type`, keys in the order
// AWS delivered them (LocalStack snapshot ls-reserved-json-event-vs-event-json).
const ENVELOPE_ORDER = ['id', 'account', 'detail-type', 'time', 'source', 'region', 'resources', 'version'];

function envelopeOf(event: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const envelope: Record<string, unknown> = {};
  const rest = Object.keys(event).filter((key) => !ENVELOPE_ORDER.includes(key) && key !== 'detail');
  for (const key of [...ENVELOPE_ORDER, ...rest]) {
    if (!Object.hasOwn(event, key) || event[key] === undefined) continue;
    envelope[key === 'detail-type' ? 'detailType' : key] = event[key];
  }
  return envelope;
}

function reservedValue(
  name: string,
  event: Readonly<Record<string, unknown>>,
  context: InputTransformerContext,
): unknown {
  const required = (field: 'ruleName' | 'ruleArn' | 'ingestionTime'): string => {
    const value = context[field];
    if (value === undefined) throw new MissingTransformerContextError(name, field);
    return value;
  };
  switch (name) {
    case 'aws.events.rule-name':
      return required('ruleName');
    case 'aws.events.rule-arn':
      return required('ruleArn');
    case 'aws.events.event.ingestion-time':
      return required('ingestionTime');
    case 'aws.events.event':
      return envelopeOf(event);
    default:
      return event;
  }
}

function stripQuotes(json: string): string {
  return json.replaceAll('"', '');
}

interface CachedAnalysis {
  readonly template: string;
  readonly map: Readonly<Record<string, string>> | undefined;
  /** The map's entries when it was analysed: a transformer edited in place must be analysed again. */
  readonly entries: ReadonlyArray<readonly [string, string]>;
  readonly analysis: Analysis;
}

// A watch's transformer renders every event the watch matches (describeChange calls applyInputTransformer for
// each one); parsing and checking the same template and paths each time cost more than rendering them.
const ANALYSED = new WeakMap<InputTransformerConfig, CachedAnalysis>();

function sameEntries(
  map: Readonly<Record<string, string>> | undefined,
  entries: ReadonlyArray<readonly [string, string]>,
): boolean {
  if (map === undefined) return entries.length === 0;
  let count = 0;
  for (const key in map) {
    if (!Object.hasOwn(map, key)) return false;
    const entry = entries[count];
    if (entry === undefined || entry[0] !== key || entry[1] !== map[key]) return false;
    count++;
  }
  return count === entries.length;
}

/** `analyse(transformer, {})`, computed once per transformer object while it stays unchanged. */
function analysed(transformer: InputTransformerConfig): Analysis {
  const cached = ANALYSED.get(transformer);
  const map = transformer.inputPathsMap;
  if (
    cached !== undefined &&
    cached.template === transformer.inputTemplate &&
    cached.map === map &&
    sameEntries(map, cached.entries)
  ) {
    return cached.analysis;
  }
  const analysis = analyse(transformer, {});
  ANALYSED.set(transformer, {
    template: transformer.inputTemplate,
    map,
    entries: Object.entries(map ?? {}),
    analysis,
  });
  return analysis;
}

/**
 * Renders the payload EventBridge delivers to a target for `event`, byte for byte where AWS recorded it.
 *
 * String templates keep their surrounding quotes (`"instance i-0123 is in RUNNING"`). In a JSON template the
 * template's own whitespace is kept (AWS verified these payloads as parsed JSON only). Numbers are written as
 * JavaScript prints them, so `300.0` in the original event text comes out as `300`.
 *
 * @throws InvalidInputTransformerError when {@link validateInputTransformer} refuses the transformer.
 * @throws UndeliverablePayloadError when EventBridge would silently deliver nothing (the JSON output is invalid,
 *   e.g. an object variable inside a quoted string of a JSON template).
 * @throws MissingTransformerContextError when a reserved rule/ingestion variable is used but not in `context`.
 * @throws InvalidEventError when `event` is not a JSON object.
 */
export function applyInputTransformer(
  transformer: InputTransformerConfig,
  event: unknown,
  context: InputTransformerContext = {},
): string {
  const analysis = analysed(transformer);
  if (!analysis.valid) throw new InvalidInputTransformerError(analysis.message, analysis.rejectedBy);
  if (!isRecord(event)) throw new InvalidEventError('An EventBridge event is a JSON object.');
  const { template, paths } = analysis.analysed;

  const resolved = new Map<string, Resolved>();
  const lookup = (name: string): Resolved => {
    let value = resolved.get(name);
    if (value === undefined) {
      const steps = paths.get(name);
      value =
        steps === undefined
          ? { found: true, value: reservedValue(name, event, context) }
          : resolvePath(event, steps);
      resolved.set(name, value);
    }
    return value;
  };

  let culprit: string | undefined;
  let output = '';
  for (const segment of template.segments) {
    if (segment.kind === 'text') {
      output += segment.text;
      continue;
    }
    const where = `<${segment.name}>`;
    const value = lookup(segment.name);
    if (template.kind !== 'json') {
      if (!value.found) continue;
      const composite = typeof value.value === 'object' && value.value !== null;
      output += composite ? stripQuotes(toCompactJson(value.value, where)) : rawText(value.value, where);
    } else if (segment.inString) {
      if (!value.found) continue;
      const text = rawText(value.value, where);
      if (culprit === undefined && typeof value.value === 'object' && value.value !== null) {
        culprit = `${where} holds ${Array.isArray(value.value) ? 'an array' : 'an object'} and sits inside a quoted string of a JSON template; EventBridge inserts it as raw JSON, so the output is not valid JSON. Use it unquoted as a value, e.g. "key": ${where}.`;
      } else if (
        culprit === undefined &&
        typeof value.value === 'string' &&
        JSON.stringify(value.value) !== `"${value.value}"`
      ) {
        culprit = `the value of ${where} contains a double quote, backslash or control character, which EventBridge does not escape inside a quoted string.`;
      }
      output += text;
    } else {
      output += value.found ? toCompactJson(value.value, where) : '""';
    }
  }

  if (template.kind === 'json') {
    const check = parsesAsJson(output);
    if (!check.ok) {
      const why = culprit ?? `the filled template is not valid JSON (${check.error}).`;
      throw new UndeliverablePayloadError(
        `EventBridge would not deliver this event to the target: ${why}`,
        output,
      );
    }
  }
  return output;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Decodes JSON escapes that are valid and leaves any other backslash as it is (values are spliced raw). */
function decodeLeniently(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|["\\/bfnrt])/g, (_, sequence: string) =>
    sequence.length === 5
      ? String.fromCharCode(Number.parseInt(sequence.slice(1), 16))
      : (SIMPLE_ESCAPES[sequence] ?? sequence),
  );
}

function isQuotedLine(line: string): boolean {
  if (line.length < 2 || !line.startsWith('"') || !line.endsWith('"')) return false;
  let backslashes = 0;
  for (let i = line.length - 2; i >= 1 && line[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/**
 * The text of a string-template payload without its surrounding quotes, for a one-line summary:
 * `"The user alice has initiated StopInstances ..."` becomes `The user alice has initiated StopInstances ...`.
 * Valid JSON escapes (`\"`, `\n`, `\u00e9`) are decoded; any other backslash is kept, because EventBridge
 * splices values in raw. A payload made of several quoted lines (the multi-line template style used for SNS
 * e-mails) gives its lines joined with `\n`. Anything else (a JSON object, plain text) is returned unchanged.
 */
export function unquoteStringPayload(payload: string): string {
  const lines = payload
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (lines.length === 0) return payload;
  if (lines.every(isQuotedLine)) return lines.map((line) => decodeLeniently(line.slice(1, -1))).join('\n');
  const trimmed = payload.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return decodeLeniently(trimmed.slice(1, -1));
  }
  return payload;
}
