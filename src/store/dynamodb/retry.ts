import { UnprocessedItemsError } from '../errors';

const MAX_ATTEMPTS = 8;

/**
 * Sends a batch request until DynamoDB has processed all of it: BatchGetItem and BatchWriteItem answer a
 * throttled part of a batch as "unprocessed" instead of failing, and AWS asks callers to resend that part
 * with exponential back-off. `send` sends one request and returns what is left (undefined or empty: done).
 */
export async function untilProcessed<T>(
  operation: string,
  first: T[],
  send: (pending: T[]) => Promise<T[] | undefined>,
): Promise<void> {
  let pending: T[] | undefined = first;
  for (let attempt = 0; pending && pending.length > 0; attempt++) {
    if (attempt === MAX_ATTEMPTS) throw new UnprocessedItemsError(operation, MAX_ATTEMPTS);
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
    pending = await send(pending);
  }
}
