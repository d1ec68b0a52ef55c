/**
 * The base of every error the running app throws on purpose (configuration, secrets, Slack, AWS adapters):
 * `name` from the class, a stable `code`, and the `cause` kept, so a log line carries the original error
 * (Bolt's `original`, the SDK's metadata) with its stack.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
