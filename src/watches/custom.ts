import { basename } from 'node:path';
import * as z from 'zod';
import { EngineError } from '../events/errors';
import { validateInputTransformer } from '../events/input-transformer';
import { validatePattern } from '../events/pattern';
import type { InputTransformer, Watch } from './types';

export class InvalidWatchError extends EngineError {
  readonly code = 'InvalidWatch';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** The custom-watch folder is missing or not a folder (a folder that was named must exist). */
export class WatchesFolderError extends EngineError {
  readonly code = 'WatchesFolder';
}

const WATCH_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Words the /infrawatch grammar gives a meaning of its own. */
const RESERVED_NAMES = new Set(['all', 'none', 'help', 'actor', 'account']);

const name = z
  .string()
  .regex(WATCH_ID, 'must be lowercase letters, digits and dashes (at most 63)')
  .refine((value) => !RESERVED_NAMES.has(value), 'is a reserved word');

/*
 * A user pastes what they already have, so the rule may come in any of the spellings AWS tools print:
 * `aws events describe-rule` / CloudFormation (`EventPattern` as a JSON string or object, `InputTransformer`
 * with `InputPathsMap`/`InputTemplate`), CDK/SDK camelCase, or Terraform's `input_paths`/`input_template`.
 */
const transformerSchema = z
  .object({
    inputPathsMap: z.record(z.string(), z.string()).optional(),
    InputPathsMap: z.record(z.string(), z.string()).optional(),
    input_paths: z.record(z.string(), z.string()).optional(),
    inputTemplate: z.string().optional(),
    InputTemplate: z.string().optional(),
    input_template: z.string().optional(),
  })
  .strict();

/** One target of `aws events list-targets-by-rule` (only its id and transformer matter here). */
const targetSchema = z.looseObject({ Id: z.string(), InputTransformer: z.unknown().optional() });

const customWatchSchema = z
  .object({
    id: name.optional(),
    title: z.string().min(1).max(150).optional(),
    description: z.string().max(500).optional(),
    aliases: z.array(name).max(10).optional(),
    severity: z.enum(['info', 'warning', 'critical']).optional(),
    pattern: z.unknown().optional(),
    eventPattern: z.unknown().optional(),
    EventPattern: z.unknown().optional(),
    inputTransformer: z.unknown().optional(),
    InputTransformer: z.unknown().optional(),
    // `aws events describe-rule` as printed (only Name, Description and EventPattern are used).
    Name: z.string().min(1).optional(),
    Arn: z.string().optional(),
    Description: z.string().optional(),
    State: z.string().optional(),
    EventBusName: z.string().optional(),
    CreatedBy: z.string().optional(),
    ManagedBy: z.string().optional(),
    RoleArn: z.string().optional(),
    ScheduleExpression: z.string().optional(),
    // `aws events list-targets-by-rule` as printed.
    Targets: z.array(targetSchema).optional(),
    NextToken: z.string().optional(),
  })
  .strict();

type RawWatch = z.infer<typeof customWatchSchema>;

/**
 * `aws events describe-rule` and `list-targets-by-rule` print two JSON objects: a watch may be both merged into
 * one object, or both as an array (`jq -s`), or (see {@link parseWatchFileText}) both printed one after the other.
 */
function mergeParts(json: unknown, file: string): unknown {
  if (!Array.isArray(json)) return json;
  const merged: Record<string, unknown> = {};
  for (const part of json) {
    if (typeof part !== 'object' || part === null || Array.isArray(part)) {
      throw new InvalidWatchError(file, 'each part of a watch given as an array must be a JSON object.');
    }
    Object.assign(merged, part);
  }
  return merged;
}

/** A watch id from the file name: `Prod IAM_changes.json` -> `prod-iam-changes`. */
function idFromFileName(file: string): string {
  const fileName = basename(file);
  const id = fileName
    .replace(/\.json$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  if (!name.safeParse(id).success) {
    throw new InvalidWatchError(
      file,
      `cannot take the watch id from the file name '${fileName}'; add "id": "my-watch" (lowercase letters, digits, dashes).`,
    );
  }
  return id;
}

/** The transformer of a pasted list-targets-by-rule output: the one its targets share, if any. */
function transformerOfTargets(targets: RawWatch['Targets'], file: string): unknown {
  const withTransformer = (targets ?? []).filter((target) => target.InputTransformer !== undefined);
  const [first, ...others] = withTransformer;
  const differing = others.filter(
    (target) => JSON.stringify(target.InputTransformer) !== JSON.stringify(first?.InputTransformer),
  );
  if (first !== undefined && differing.length > 0) {
    throw new InvalidWatchError(
      file,
      `targets ${[first, ...differing].map((t) => t.Id).join(' and ')} have different input transformers; keep the target whose message InfraWatch should show.`,
    );
  }
  return first?.InputTransformer;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')} ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * Validates an input transformer in any of the accepted spellings and returns it in canonical form.
 * @throws InvalidWatchError with EventBridge's PutTargets message for invalid placeholders and the like.
 */
export function parseInputTransformer(json: unknown, file: string): InputTransformer {
  const parsed = transformerSchema.safeParse(json);
  if (!parsed.success)
    throw new InvalidWatchError(file, `not a valid input transformer: ${describeIssues(parsed.error)}.`);
  const raw = parsed.data;
  const inputTemplate = raw.inputTemplate ?? raw.InputTemplate ?? raw.input_template;
  if (inputTemplate === undefined)
    throw new InvalidWatchError(file, 'an input transformer needs an inputTemplate.');
  const inputPathsMap = raw.inputPathsMap ?? raw.InputPathsMap ?? raw.input_paths;
  const transformer = inputPathsMap === undefined ? { inputTemplate } : { inputPathsMap, inputTemplate };
  const check = validateInputTransformer(transformer);
  if (!check.valid) throw new InvalidWatchError(file, check.message);
  return transformer;
}

/**
 * Validates one custom watch definition (already parsed from JSON) with EventBridge's own rules and messages.
 * @throws InvalidWatchError naming the file and, for patterns, EventBridge's "Event pattern is not valid" text.
 */
export function parseCustomWatch(json: unknown, file: string): Watch {
  const parsed = customWatchSchema.safeParse(mergeParts(json, file));
  if (!parsed.success)
    throw new InvalidWatchError(file, `not a valid watch: ${describeIssues(parsed.error)}.`);
  const raw = parsed.data;

  const patterns = [raw.pattern, raw.eventPattern, raw.EventPattern].filter((p) => p !== undefined);
  if (patterns.length === 0 && raw.ScheduleExpression !== undefined) {
    throw new InvalidWatchError(
      file,
      'this is a scheduled rule (ScheduleExpression): it has no event pattern to watch changes with.',
    );
  }
  if (patterns.length !== 1) {
    throw new InvalidWatchError(
      file,
      'a watch needs exactly one of "pattern", "eventPattern" or "EventPattern".',
    );
  }
  const patternInput = patterns[0];
  // The pattern is validated from its text when the user pasted it as a string (describe-rule output), so
  // number literals and duplicate keys are judged exactly as EventBridge judges them.
  const validity = validatePattern(patternInput as string | Record<string, unknown>);
  if (!validity.valid) throw new InvalidWatchError(file, validity.message);
  const pattern =
    typeof patternInput === 'string' ? (JSON.parse(patternInput) as Record<string, unknown>) : patternInput;
  if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern)) {
    throw new InvalidWatchError(file, 'Event pattern is not valid. Reason: Filter is not an object');
  }

  const givenTransformers = [raw.inputTransformer, raw.InputTransformer].filter((t) => t !== undefined);
  if (givenTransformers.length > 1) {
    throw new InvalidWatchError(file, 'give either "inputTransformer" or "InputTransformer", not both.');
  }
  if (givenTransformers.length > 0 && raw.Targets !== undefined) {
    throw new InvalidWatchError(
      file,
      'give either "InputTransformer" or "Targets" (list-targets-by-rule output), not both.',
    );
  }
  const rawTransformer = givenTransformers[0] ?? transformerOfTargets(raw.Targets, file);
  const inputTransformer =
    rawTransformer === undefined ? undefined : parseInputTransformer(rawTransformer, file);

  // A pasted rule has no title: its Description reads as one when it is short enough, else its Name does.
  const ruleDescription = raw.Description?.trim() || undefined;
  const title =
    raw.title ??
    (ruleDescription !== undefined && ruleDescription.length <= 150 ? ruleDescription : undefined) ??
    raw.Name ??
    idFromFileName(file);
  return {
    id: raw.id ?? idFromFileName(file),
    aliases: raw.aliases ?? [],
    title,
    description: raw.description ?? ruleDescription?.slice(0, 500) ?? title,
    pattern: pattern as Record<string, unknown>,
    ...(inputTransformer === undefined ? {} : { inputTransformer }),
    ...(raw.severity === undefined ? {} : { severity: raw.severity }),
    file,
  };
}

const TRANSFORMER_KEYS = ['inputTemplate', 'InputTemplate', 'input_template'];
const WATCH_KEYS = ['EventPattern', 'eventPattern', 'Targets', 'Name', 'ScheduleExpression', 'id', 'title'];

/**
 * Is this a watch file (a watch, or a pasted rule) rather than a bare EventBridge pattern? A bare pattern's
 * values are arrays or objects of event fields; a watch's `pattern` is an object or JSON text.
 */
export function isWatchDefinition(json: unknown): boolean {
  if (Array.isArray(json)) return true;
  if (typeof json !== 'object' || json === null) return false;
  const pattern = (json as Record<string, unknown>).pattern;
  return (
    WATCH_KEYS.some((key) => key in json) ||
    typeof pattern === 'string' ||
    (typeof pattern === 'object' && pattern !== null && !Array.isArray(pattern))
  );
}

/**
 * The input transformer of a rule file: a bare transformer, `aws events list-targets-by-rule` output, or a
 * whole watch. `undefined` when it has none.
 */
export function transformerOfRuleFile(json: unknown, file: string): InputTransformer | undefined {
  const merged = mergeParts(json, file);
  if (typeof merged === 'object' && merged !== null && TRANSFORMER_KEYS.some((key) => key in merged)) {
    return parseInputTransformer(merged, file);
  }
  const keys = typeof merged === 'object' && merged !== null ? Object.keys(merged) : [];
  if (keys.length > 0 && keys.every((key) => key === 'Targets' || key === 'NextToken')) {
    const targets = z.object({ Targets: z.array(targetSchema) }).safeParse(merged);
    if (!targets.success) {
      throw new InvalidWatchError(
        file,
        `not a list-targets-by-rule output: ${describeIssues(targets.error)}.`,
      );
    }
    const transformer = transformerOfTargets(targets.data.Targets, file);
    return transformer === undefined ? undefined : parseInputTransformer(transformer, file);
  }
  return parseCustomWatch(json, file).inputTransformer;
}

/**
 * The JSON of a watch file: one JSON value, or several printed one after the other (what
 * `{ aws events describe-rule …; aws events list-targets-by-rule …; } > watches/rule.json` writes), as an array.
 */
export function parseWatchFileText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const documents = splitJsonDocuments(text);
    if (documents === undefined || documents.length < 2) {
      throw new InvalidWatchError(file, `not valid JSON: ${(error as Error).message}`);
    }
    try {
      return documents.map((document) => JSON.parse(document) as unknown);
    } catch (partError) {
      throw new InvalidWatchError(file, `not valid JSON: ${(partError as Error).message}`);
    }
  }
}

/** Top-level `{…}`/`[…]` texts one after the other, or undefined when the text is not made of such. */
function splitJsonDocuments(text: string): string[] | undefined {
  const documents: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      if (depth === 0) return undefined;
      inString = true;
    } else if (ch === '{' || ch === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}' || ch === ']') {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) documents.push(text.slice(start, i + 1));
    } else if (depth === 0 && !/\s/.test(ch)) return undefined;
  }
  return depth === 0 ? documents : undefined;
}
