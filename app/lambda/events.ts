import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { loadConfig } from '../config';
import { processEvents } from '../events/process-events';
import { createRuntime, type Runtime, recordDeps } from '../runtime';

const logger = new Logger({ serviceName: 'infrawatch-events' });

// Built once per container, on first use (secrets are fetched then), and reused by every invocation.
let runtime: Promise<Runtime> | undefined;

/**
 * Events Lambda: EventBridge rule -> SQS queue (with DLQ) -> here, or EventBridge invoking it directly.
 * Answers SQS with partial batch failures (ReportBatchItemFailures must be enabled on the event source).
 */
export async function handler(event: unknown, context: Context): Promise<SQSBatchResponse | undefined> {
  logger.addContext(context);
  runtime ??= createRuntime(loadConfig(), { log: logger }).catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  const ready = await runtime;
  return processEvents(event, {
    ...recordDeps(ready, context.awsRequestId),
    catalog: ready.catalog,
    log: ready.log,
  });
}
