/**
 * The base of every error a use case throws on purpose: `name` from the class, a stable `code` for callers
 * and logs, and the `cause` kept (Powertools serialises it with the stack).
 */
export abstract class UseCaseError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
