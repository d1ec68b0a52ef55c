/**
 * The base of every error the pure engine throws (events, watches, views): `name` from the class, a stable
 * `code`, and the `cause` kept.
 */
export abstract class EngineError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * An input that is not the event it should be: not a JSON object (pattern matching, input transformers) or
 * not a CloudTrail change (describeChange). One class for the whole engine, so callers test one thing.
 */
export class InvalidEventError extends EngineError {
  readonly code = 'InvalidEvent';
  /** One plain-words sentence per problem, e.g. `detail.eventID is missing`. */
  readonly issues: string[];

  constructor(message: string, issues: string[] = [message], options?: ErrorOptions) {
    super(message, options);
    this.issues = issues;
  }
}
