import { EngineError, InvalidEventError } from './errors';
import { compileSubRules, PatternReasonError, TooManyCombinationsError } from './pattern/compiler';
import { JsonLexer, JsonSyntaxError } from './pattern/json-lexer';
import { readEventJson } from './pattern/json-reader';
import {
  MAX_OR_COMBINATIONS,
  MAX_PATTERN_LENGTH,
  MAX_WILDCARD_COMPLEXITY,
  worstWildcardComplexity,
} from './pattern/limits';
import { buildMatcher } from './pattern/matcher';

/**
 * Amazon EventBridge event patterns: compile once, match many events, with the semantics of the service
 * (which runs aws/event-ruler, array-consistent matching) and the service's exact validation messages.
 */

const REASON_PREFIX = 'Event pattern is not valid. Reason: ';

/** A pattern EventBridge would reject. `message` is the text EventBridge returns. */
export class InvalidPatternError extends EngineError {
  readonly code = 'InvalidEventPattern';

  /**
   * @param message EventBridge's error message.
   * @param awsErrorCode The API error EventBridge raises: `InvalidEventPatternException` for pattern problems,
   *   `ValidationException` for the 4096-character request limit.
   */
  constructor(
    message: string,
    readonly awsErrorCode:
      | 'InvalidEventPatternException'
      | 'ValidationException' = 'InvalidEventPatternException',
  ) {
    super(message);
  }
}

export { InvalidEventError };

/** A compiled pattern; compile once, then call {@link CompiledPattern.matches} for every event. */
export interface CompiledPattern {
  /**
   * Whether EventBridge would deliver `event` to a rule with this pattern.
   * @param event The event as an object (e.g. what Lambda receives) or as raw JSON text. Raw text keeps
   *   number literals exact and every value of a repeated key, as the service sees them.
   * @throws InvalidEventError when the event is not a JSON object.
   */
  matches(event: unknown): boolean;
}

export type PatternValidation = { valid: true } | { valid: false; message: string };

function patternText(pattern: object | string): string {
  if (typeof pattern === 'string') return pattern;
  let text: string | undefined;
  try {
    text = JSON.stringify(pattern);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new InvalidPatternError(`${REASON_PREFIX}pattern is not JSON-serializable (${detail})`);
  }
  // JSON.stringify(undefined) is undefined: an empty document, which event-ruler reports as not an object.
  return text ?? '';
}

function compileToMatcher(pattern: object | string): (event: object) => boolean {
  // An object pattern is measured and read as the JSON text an SDK would send for it.
  const text = patternText(pattern);
  if (text.length > MAX_PATTERN_LENGTH) {
    throw new InvalidPatternError(
      `1 validation error detected: Value at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PATTERN_LENGTH}`,
      'ValidationException',
    );
  }
  let subRules: ReturnType<typeof compileSubRules>;
  try {
    subRules = compileSubRules(new JsonLexer(text), MAX_OR_COMBINATIONS);
  } catch (error) {
    if (error instanceof PatternReasonError || error instanceof JsonSyntaxError) {
      throw new InvalidPatternError(`${REASON_PREFIX}${error.message}`);
    }
    if (error instanceof TooManyCombinationsError) {
      throw new InvalidPatternError(
        `${REASON_PREFIX}The $or relationships expand to more than ${MAX_OR_COMBINATIONS} combinations`,
      );
    }
    throw error;
  }
  if (worstWildcardComplexity(subRules) > MAX_WILDCARD_COMPLEXITY) {
    throw new InvalidPatternError(
      `${REASON_PREFIX}Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character`,
    );
  }
  return buildMatcher(subRules);
}

function toEventObject(event: unknown): object {
  let value = event;
  if (typeof event === 'string') {
    try {
      value = readEventJson(event);
    } catch (error) {
      if (error instanceof JsonSyntaxError)
        throw new InvalidEventError(`Event is not valid JSON: ${error.message}`, undefined, { cause: error });
      throw error;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidEventError('Event must be a JSON object');
  }
  return value;
}

/**
 * Reads raw event JSON text once, the way EventBridge sees it (exact number literals, every value of a repeated
 * key), for matching against many compiled patterns without re-reading the text for each.
 * @throws InvalidEventError when the text is not JSON or not a JSON object.
 */
export function parseEventText(text: string): object {
  return toEventObject(text);
}

/**
 * Compiles an EventBridge event pattern.
 * @param pattern The pattern as an object or as JSON text. Text keeps number literals and repeated keys exactly.
 * @throws InvalidPatternError with EventBridge's message when the service would reject the pattern.
 */
export function compilePattern(pattern: object | string): CompiledPattern {
  const match = compileToMatcher(pattern);
  return {
    matches(event: unknown): boolean {
      return match(toEventObject(event));
    },
  };
}

/**
 * One-shot match; compile with {@link compilePattern} instead when the pattern is used more than once.
 * @throws InvalidPatternError when the pattern is invalid.
 * @throws InvalidEventError when the event is not a JSON object.
 */
export function matchesPattern(pattern: object | string, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}

/**
 * Checks a pattern the way PutRule / TestEventPattern do.
 * @returns `{ valid: false, message }` with EventBridge's message ("Event pattern is not valid. Reason: …").
 */
export function validatePattern(pattern: object | string): PatternValidation {
  try {
    compileToMatcher(pattern);
    return { valid: true };
  } catch (error) {
    if (error instanceof InvalidPatternError) return { valid: false, message: error.message };
    throw error;
  }
}
