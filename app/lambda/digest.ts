import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { runDigest } from '../../src/use-cases/digest';
import { loadConfig } from '../config';
import { InvalidDigestTriggerError, parseDigestTrigger } from '../digest/trigger';
import type { LogPort } from '../events/process-events';
import type { FlushingMetrics } from '../metrics';
import { createRuntime, lambdaEntry, recordDeps } from '../runtime';
import { createDigestMessenger, digestRenderer } from '../slack/digest-messenger';

export type DigestHandler = (
  event: unknown,
  context: Context,
) => Promise<{ posted: string[]; quiet: string[] } | undefined>;

/**
 * Digest Lambda: invoked by EventBridge Scheduler (daily, in the configured time zone) with
 * `{"kind":"scheduled"}`, and by the rule on "InfraWatch Digest Requested" events (`/infrawatch digest`).
 * An input that is neither is logged and dropped (a retry cannot fix it); everything else that fails throws,
 * so the asynchronous invocation is retried, a failed start-up (the Slack secret not set yet) included.
 */
export function createDigestHandler(
  env: NodeJS.ProcessEnv = process.env,
  /** `dynamodb`: an existing client (benchmarks count its requests); otherwise one is built from the config. */
  options: { log?: LogPort; metrics?: FlushingMetrics; dynamodb?: DynamoDBClient } = {},
): DigestHandler {
  const invoke = lambdaEntry({
    serviceName: 'infrawatch-digest',
    env,
    log: options.log,
    metrics: options.metrics,
    start: ({ log, metrics }) => createRuntime(loadConfig(env), { log, metrics, dynamodb: options.dynamodb }),
  });
  return (event, context) =>
    invoke(context, async ({ log, started }) => {
      let trigger: ReturnType<typeof parseDigestTrigger>;
      try {
        trigger = parseDigestTrigger(event);
      } catch (error) {
        if (!(error instanceof InvalidDigestTriggerError)) throw error;
        log.error('Ignored an input that is not a digest trigger', { reason: error.message });
        return undefined;
      }
      const runtime = await started();
      const result = await runDigest(
        {
          alerts: recordDeps(runtime, context.awsRequestId),
          store: runtime.store,
          clock: runtime.clock,
          messenger: createDigestMessenger(runtime.slack.posting),
          render: digestRenderer,
          catalog: runtime.catalog,
          log,
          timeZone: runtime.config.DIGEST_TIMEZONE,
          health: runtime.pipeline,
        },
        trigger,
      );
      log.info('Digest run', { trigger: trigger.kind, ...result });
      return result;
    });
}

export const handler = createDigestHandler();
