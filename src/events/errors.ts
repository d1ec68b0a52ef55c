/**
 * An input that is not the event it should be: not a JSON object (pattern matching, input transformers) or
 * not a CloudTrail change (describeChange). One class for the whole engine, so callers test one thing.
 */
export class InvalidEventError extends Error {
  readonly code = 'InvalidEvent';
  /** One plain-words sentence per problem, e.g. `detail.eventID is missing`. */
  readonly issues: string[];

  constructor(message: string, issues: string[] = [message]) {
    super(message);
    this.name = 'InvalidEventError';
    this.issues = issues;
  }
}
