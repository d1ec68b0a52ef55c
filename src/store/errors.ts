/** What went wrong in the store layer, as a union callers can switch on. */
export type StoreErrorCode = 'LeaseLost' | 'CorruptItem' | 'Unprocessed' | 'Vanished';

/**
 * The base of every error the store layer throws: `name` from the class, a `code`, and the cause (an AWS SDK
 * error, a schema failure) kept, so a log shows what DynamoDB or the item actually said.
 */
export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A lease-holder-only write was attempted by a caller that no longer holds the alert's render lease. */
export class LeaseLostError extends StoreError {
  declare readonly code: 'LeaseLost';
  constructor(alertId: string) {
    super('LeaseLost', `render lease on alert ${alertId} was lost`);
  }
}

/** An item read from the table does not have the shape its kind must have (written by a bug, or by hand). */
export class CorruptItemError extends StoreError {
  declare readonly code: 'CorruptItem';
  constructor(what: string, key: string, cause: unknown) {
    super('CorruptItem', `stored ${what} ${key} does not decode`, { cause });
  }
}

/** A batch request left items unprocessed (throttling) after every retry. */
export class UnprocessedItemsError extends StoreError {
  declare readonly code: 'Unprocessed';
  constructor(operation: string, attempts: number) {
    super('Unprocessed', `${operation} left items unprocessed after ${attempts} attempts`);
  }
}

/** An item a failed condition proved to exist was gone when read back (deleted in between). */
export class VanishedItemError extends StoreError {
  declare readonly code: 'Vanished';
  constructor(what: string) {
    super('Vanished', `${what} vanished`);
  }
}
