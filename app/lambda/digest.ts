import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../config';
import { InvalidDigestTriggerError, parseDigestTrigger, runDigest } from '../digest/run-digest';
import type { LogPort } from '../events/process-events';
import { createRuntime, type Runtime } from '../runtime';

export type DigestHandler = (
  event: unknown,
  context: Context,
) => Promise<{ posted: string[]; quiet: string[] } | undefined>;

/**
 * Digest Lambda: invoked by EventBridge Scheduler (daily, in the configured time zone) with
 * `{"kind":"scheduled"}`, and by the rule on "InfraWatch Digest Requested" events (`/infrawatch digest`).
 * An input that is neither is logged and dropped (a retry cannot fix it); everything else that fails throws,
 * so the asynchronous invocation is retried.
 */
export function createDigestHandler(
  env: NodeJS.ProcessEnv = process.env,
  /** `dynamodb`: an existing client (benchmarks count its requests); otherwise one is built from the config. */
  options: { log?: LogPort; dynamodb?: DynamoDBClient } = {},
): DigestHandler {
  const logger = new Logger({ serviceName: 'infrawatch-digest' });
  const log = options.log ?? logger;
  let runtime: Promise<Runtime> | undefined;
  return async (event, context) => {
    logger.addContext(context);
    let trigger: ReturnType<typeof parseDigestTrigger>;
    try {
      trigger = parseDigestTrigger(event);
    } catch (error) {
      if (!(error instanceof InvalidDigestTriggerError)) throw error;
      log.error('Ignored an input that is not a digest trigger', { reason: error.message });
      return undefined;
    }
    runtime ??= createRuntime(loadConfig(env), { log, dynamodb: options.dynamodb }).catch(
      (error: unknown) => {
        runtime = undefined;
        throw error;
      },
    );
    const ready = await runtime;
    const result = await runDigest(
      {
        store: ready.store,
        clock: ready.clock,
        slack: ready.slack.posting,
        catalog: ready.catalog,
        log,
        timeZone: ready.config.DIGEST_TIMEZONE,
      },
      trigger,
    );
    log.info('Digest run', { trigger: trigger.kind, ...result });
    return result;
  };
}

export const handler = createDigestHandler();
