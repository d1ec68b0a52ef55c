import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import type { RenderFinisher } from '../../src/use-cases/coalesce-renders';
import { createRenderQueue } from '../aws/render-queue';
import { loadConfig } from '../config';
import { type LogPort, processEvents } from '../events/process-events';
import type { FlushingMetrics } from '../metrics';
import { createRuntime, lambdaEntry, recordDeps } from '../runtime';

export type EventsHandler = (event: unknown, context: Context) => Promise<SQSBatchResponse | undefined>;

/**
 * Events Lambda: EventBridge rule -> SQS queue (with DLQ) -> here, or EventBridge invoking it directly.
 * Answers SQS with partial batch failures (ReportBatchItemFailures must be enabled on the event source).
 *
 * The runtime (config, secrets, clients) is built on the first invocation and reused by every later one in
 * the container. A failed start-up (the Slack secret not set yet, Secrets Manager unreachable) is logged and
 * thrown: the whole batch goes back to the queue, is retried, and after maxReceiveCount lands in the DLQ
 * (redrive it once the cause is fixed). It is tried again on the next invocation.
 */
export function createEventsHandler(
  env: NodeJS.ProcessEnv = process.env,
  /** `dynamodb`: an existing client (benchmarks count its requests); otherwise one is built from the config. */
  options: {
    log?: LogPort;
    metrics?: FlushingMetrics;
    dynamodb?: DynamoDBClient;
    /** Where delayed renders go instead of RENDER_QUEUE_URL (the local stack's and the benchmarks' queue). */
    renderFinisher?: RenderFinisher;
  } = {},
): EventsHandler {
  const invoke = lambdaEntry({
    serviceName: 'infrawatch-events',
    env,
    log: options.log,
    metrics: options.metrics,
    start: ({ log, metrics }) => createRuntime(loadConfig(env), { log, metrics, dynamodb: options.dynamodb }),
  });
  let queue: RenderFinisher | undefined;
  return (event, context) =>
    invoke(context, async ({ started }) => {
      const runtime = await started();
      const url = runtime.config.RENDER_QUEUE_URL;
      queue ??= options.renderFinisher ?? (url ? createRenderQueue(url) : undefined);
      return processEvents(event, {
        ...recordDeps(runtime, context.awsRequestId),
        ...(queue ? { finisher: queue } : {}),
        catalog: runtime.catalog,
        log: runtime.log,
      });
    });
}

export const handler = createEventsHandler();
