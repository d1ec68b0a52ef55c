import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { loadConfig } from '../config';
import { type LogPort, processEvents } from '../events/process-events';
import { createRuntime, type Runtime, recordDeps } from '../runtime';

export type EventsHandler = (event: unknown, context: Context) => Promise<SQSBatchResponse | undefined>;

/**
 * Events Lambda: EventBridge rule -> SQS queue (with DLQ) -> here, or EventBridge invoking it directly.
 * Answers SQS with partial batch failures (ReportBatchItemFailures must be enabled on the event source).
 *
 * The runtime (config, secrets, clients) is built on the first invocation and reused by every later one in
 * the container; a failed start-up is retried on the next invocation.
 */
export function createEventsHandler(
  env: NodeJS.ProcessEnv = process.env,
  /** `dynamodb`: an existing client (benchmarks count its requests); otherwise one is built from the config. */
  options: { log?: LogPort; dynamodb?: DynamoDBClient } = {},
): EventsHandler {
  const logger = new Logger({ serviceName: 'infrawatch-events' });
  const log = options.log ?? logger;
  let runtime: Promise<Runtime> | undefined;
  return async (event, context) => {
    logger.addContext(context);
    runtime ??= createRuntime(loadConfig(env), { log, dynamodb: options.dynamodb }).catch(
      (error: unknown) => {
        runtime = undefined;
        throw error;
      },
    );
    const ready = await runtime;
    return processEvents(event, {
      ...recordDeps(ready, context.awsRequestId),
      catalog: ready.catalog,
      log: ready.log,
    });
  };
}

export const handler = createEventsHandler();
