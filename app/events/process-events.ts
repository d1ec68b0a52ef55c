import { createHash } from 'node:crypto';
import type { SQSBatchItemFailure, SQSBatchResponse } from 'aws-lambda';
import { fitsBytes, KEY_LIMITS } from '../../src/events/cloudtrail';
import type { RoutingConfig } from '../../src/store/ports';
import { finishRender, type RenderRequest } from '../../src/use-cases/coalesce-renders';
import type { LogPort } from '../../src/use-cases/ports';
import { classifyInputFailure, readChange } from '../../src/use-cases/read-input';
import {
  afterRender,
  type ChangeInput,
  type RecordChangesDeps,
  recordChanges,
} from '../../src/use-cases/record-changes';
import { repairDueRenders } from '../../src/use-cases/sync-alert';
import type { WatchCatalog } from '../../src/watches/types';
import { InvalidRenderRequestError, readRenderRequest } from './render-requests';

export type { LogPort };

export interface EventsDeps extends RecordChangesDeps {
  catalog: WatchCatalog;
  log: LogPort;
}

/** Raw bodies kept for rejected inputs are clipped: enough to diagnose, small enough for one item. */
const MAX_REJECTED_BODY = 50_000;

interface SqsRecordLike {
  messageId: string;
  body: string;
}

function isSqsEvent(input: unknown): input is { Records: SqsRecordLike[] } {
  const records = (input as { Records?: unknown })?.Records;
  return (
    Array.isArray(records) &&
    records.every(
      (r) =>
        typeof (r as SqsRecordLike).messageId === 'string' &&
        typeof (r as SqsRecordLike).body === 'string' &&
        (r as { eventSource?: unknown }).eventSource === 'aws:sqs',
    )
  );
}

/** What one invocation did, beyond its answer to Lambda: what the function reports as metrics. */
export interface EventsOutcome {
  /** The answer to SQS (partial batch failures); undefined for a direct EventBridge invocation. */
  response: SQSBatchResponse | undefined;
  /** Inputs stored as rejected (they can never become a change): the `RejectedInputs` metric. */
  rejectedInputs: number;
}

/**
 * Handles what the events Lambda receives: an SQS batch of EventBridge events (the deployed path, answered
 * with partial batch failures so one bad record never re-posts the others) or one EventBridge event invoked
 * directly (a failure throws, so Lambda's async retry applies).
 *
 * Inputs that can never become a change (not JSON, not a CloudTrail event, a time that is not a time, a value
 * too long for a DynamoDB key) are stored as rejected with the reason, counted and logged — not retried, not
 * silently dropped; the digest tells people about them. Everything else that fails is reported for retry.
 */
export async function handleEvents(input: unknown, deps: EventsDeps): Promise<EventsOutcome> {
  if (isSqsEvent(input)) return processSqsBatch(input.Records, deps);

  const body = JSON.stringify(input ?? null);
  const id = (input as { id?: unknown })?.id;
  // The id names the rejected item if the event is refused: one too long for a key is replaced by a hash.
  const record = {
    messageId:
      typeof id === 'string' && fitsBytes(id, KEY_LIMITS.id)
        ? id
        : `direct-${createHash('sha256').update(body).digest('hex').slice(0, 16)}`,
    body,
  };
  const outcome = await processSqsBatch([record], deps);
  const failure = outcome.response?.batchItemFailures[0];
  if (failure) throw new Error(`event ${failure.itemIdentifier} could not be processed; see the logs`);
  return { response: undefined, rejectedInputs: outcome.rejectedInputs };
}

/** {@link handleEvents}, answering Lambda only. */
export async function processEvents(input: unknown, deps: EventsDeps): Promise<SQSBatchResponse | undefined> {
  return (await handleEvents(input, deps)).response;
}

async function processSqsBatch(
  records: readonly SqsRecordLike[],
  deps: EventsDeps,
): Promise<{ response: SQSBatchResponse; rejectedInputs: number }> {
  let rejectedInputs = 0;
  const failures: SQSBatchItemFailure[] = [];
  const inputs: ChangeInput[] = [];
  const messagesByChange = new Map<string, string[]>();

  const renders: { messageId: string; request: RenderRequest }[] = [];
  for (const record of records) {
    try {
      const request = readRenderRequest(record.body);
      if (request) {
        renders.push({ messageId: record.messageId, request });
        continue;
      }
      const change = readChange(record.body, deps.catalog);
      inputs.push({ change, raw: record.body });
      messagesByChange.set(change.id, [...(messagesByChange.get(change.id) ?? []), record.messageId]);
      if (change.watches.length === 0) {
        deps.log.info('Change matches no watch; stored, not alerted', {
          messageId: record.messageId,
          eventId: change.id,
          eventName: change.eventName,
        });
      }
    } catch (error) {
      const failure =
        error instanceof InvalidRenderRequestError
          ? { verdict: 'rejected' as const, reason: error.message }
          : classifyInputFailure(error);
      if (failure.verdict === 'retry') {
        deps.log.error('Unexpected error describing an event; will retry', {
          messageId: record.messageId,
          error,
        });
        failures.push({ itemIdentifier: record.messageId });
        continue;
      }
      deps.log.warn('Rejected input: not a CloudTrail change', {
        messageId: record.messageId,
        reason: failure.reason,
      });
      try {
        await deps.store.rejected.save({
          id: record.messageId,
          reason: failure.reason,
          body: record.body.slice(0, MAX_REJECTED_BODY),
          at: deps.clock.now().toISOString(),
        });
        rejectedInputs += 1;
      } catch (saveError) {
        deps.log.error('Could not record a rejected input; will retry', {
          messageId: record.messageId,
          error: saveError,
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
  }

  // Delayed renders and the repair of messages that fell behind run beside the changes (neither throws): the
  // render lease keeps any two of them from rendering one alert at once, also within this invocation (every
  // render takes the lease with a token of its own, see sync-alert.ts).
  const besides = Promise.all([finishRenders(renders, deps), repairRenders(deps)]);
  if (inputs.length > 0) {
    let results: Awaited<ReturnType<typeof recordChanges>>;
    try {
      results = await recordChanges(inputs, deps);
    } catch (error) {
      // The batch could not start (e.g. the configuration could not be read): every change is retried.
      deps.log.error('Could not record changes; the batch will be retried', { error });
      for (const ids of messagesByChange.values())
        for (const id of ids) failures.push({ itemIdentifier: id });
      failures.push(...(await besides)[0]);
      return { response: { batchItemFailures: failures }, rejectedInputs };
    }
    for (const [changeId, result] of results) {
      if (result.ok) {
        deps.log.info('Change recorded', {
          eventId: changeId,
          alerted: result.outcome.alerted,
          muted: result.outcome.muted,
        });
        continue;
      }
      deps.log.warn('Change not completed; will retry', { eventId: changeId, error: result.error });
      for (const messageId of messagesByChange.get(changeId) ?? [])
        failures.push({ itemIdentifier: messageId });
    }
  }
  failures.push(...(await besides)[0]);
  return { response: { batchItemFailures: failures }, rejectedInputs };
}

/**
 * Delayed render requests from the renders queue (src/use-cases/coalesce-renders.ts): each alert's latest
 * revision is rendered. A failure is retried by the queue (and the sweep finds its render-due mark).
 */
async function finishRenders(
  renders: readonly { messageId: string; request: RenderRequest }[],
  deps: EventsDeps,
): Promise<SQSBatchItemFailure[]> {
  let config: Promise<RoutingConfig> | undefined;
  const loadConfig = () => {
    config ??= deps.store.config.load(deps.clock.now().toISOString());
    return config;
  };
  const failed = await Promise.all(
    renders.map(async ({ messageId, request }) => {
      try {
        await finishRender(deps, request, async (alert) => afterRender(deps, alert, await loadConfig()));
        return [];
      } catch (error) {
        deps.log.warn('Delayed render failed; will retry', { alertId: request.alertId, error });
        return [{ itemIdentifier: messageId }];
      }
    }),
  );
  return failed.flat();
}

/**
 * Messages that fell behind on a path nothing retries (an acknowledgement whose chat.update failed) are
 * repaired here: the events function runs whenever changes flow, deployed and locally. The daily digest
 * repairs them too, for quiet accounts. Never fails the batch: an alert that is still behind keeps its mark.
 */
async function repairRenders(deps: EventsDeps): Promise<void> {
  try {
    const { repaired, failures } = await repairDueRenders(deps);
    if (repaired > 0) deps.log.info('Repaired alert messages that were behind', { repaired });
    for (const { alertId, error } of failures)
      deps.log.warn('An alert message is still behind; a later run repairs it', { alertId, error });
  } catch (error) {
    deps.log.warn('Could not look for alert messages that are behind; a later run does', { error });
  }
}
