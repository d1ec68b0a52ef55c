import { describeChange } from '../changes/describe';
import { InvalidEventError } from '../events/errors';
import type { Change } from '../model/change';
import type { WatchCatalog } from '../watches/types';
import { UseCaseError } from './errors';

/** An input that no retry can turn into a change: the input itself is wrong. */
export class RejectedInputError extends UseCaseError {
  readonly code = 'RejectedInput';
}

/**
 * What becomes of an input that could not be read. `rejected`: stored with the reason, counted and told in the
 * digest, never retried. `retry`: handed back to the queue (SQS redelivers it, and after maxReceiveCount it lands
 * in the DLQ).
 */
export type InputVerdict = { verdict: 'rejected'; reason: string } | { verdict: 'retry'; error: unknown };

/**
 * The rule for reject versus retry. Only a failure that names the input as the problem is a rejection: the
 * body is not JSON ({@link RejectedInputError}) or the engine says it is not a CloudTrail change it can keep
 * ({@link InvalidEventError}: a missing field, a time that is not a time, a value too long for a key).
 * Everything else (a bug, a store or Slack outage, a catalog that throws) is retried: rejecting it would lose a
 * real change without a trace in Slack, while a retry either succeeds or ends, visibly, in the DLQ.
 */
export function classifyInputFailure(error: unknown): InputVerdict {
  if (error instanceof RejectedInputError || error instanceof InvalidEventError)
    return { verdict: 'rejected', reason: error.message };
  return { verdict: 'retry', error };
}

/**
 * Reads one delivered body into a change.
 * @throws RejectedInputError when the body is not JSON; InvalidEventError when it is not a CloudTrail change;
 * anything else as it came (see {@link classifyInputFailure}).
 */
export function readChange(body: string, catalog: WatchCatalog): Change {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch (error) {
    throw new RejectedInputError(`body is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return describeChange(event, catalog);
}
