import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { validateInputTransformer } from '../events/input-transformer';
import { validatePattern } from '../events/pattern';
import type { InputTransformer, Watch } from './types';

export class InvalidWatchError extends Error {
  readonly code = 'InvalidWatch';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
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

const customWatchSchema = z
  .object({
    id: name,
    title: z.string().min(1).max(150),
    description: z.string().max(500).optional(),
    aliases: z.array(name).max(10).optional(),
    severity: z.enum(['info', 'warning', 'critical']).optional(),
    pattern: z.unknown().optional(),
    eventPattern: z.unknown().optional(),
    EventPattern: z.unknown().optional(),
    inputTransformer: z.unknown().optional(),
    InputTransformer: z.unknown().optional(),
  })
  .strict();

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
  const parsed = customWatchSchema.safeParse(json);
  if (!parsed.success)
    throw new InvalidWatchError(file, `not a valid watch: ${describeIssues(parsed.error)}.`);
  const raw = parsed.data;

  const patterns = [raw.pattern, raw.eventPattern, raw.EventPattern].filter((p) => p !== undefined);
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

  if (raw.inputTransformer !== undefined && raw.InputTransformer !== undefined) {
    throw new InvalidWatchError(file, 'give either "inputTransformer" or "InputTransformer", not both.');
  }
  const rawTransformer = raw.inputTransformer ?? raw.InputTransformer;
  const inputTransformer =
    rawTransformer === undefined ? undefined : parseInputTransformer(rawTransformer, file);

  return {
    id: raw.id,
    aliases: raw.aliases ?? [],
    title: raw.title,
    description: raw.description ?? raw.title,
    pattern: pattern as Record<string, unknown>,
    ...(inputTransformer === undefined ? {} : { inputTransformer }),
    ...(raw.severity === undefined ? {} : { severity: raw.severity }),
    file,
  };
}

/**
 * Loads every `*.json` directly inside `dir` (not sub-folders: `watches/examples/` stays inactive until a
 * file is copied up). A missing directory means no custom watches; an invalid file fails loudly.
 */
export function loadCustomWatches(dir: string): Watch[] {
  let files: string[];
  try {
    files = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return files.map((fileName) => {
    const file = join(dir, fileName);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new InvalidWatchError(file, `not valid JSON: ${(error as Error).message}`);
    }
    return parseCustomWatch(json, file);
  });
}
