import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { createCloudTrailHistory } from '../aws/cloudtrail-history';
import { loadConfig } from '../config';
import type { LogPort } from '../events/process-events';
import type { FlushingMetrics } from '../metrics';
import {
  InvalidReconcileTriggerError,
  limitersPerTarget,
  parseReconcileTrigger,
  type ReconcileRunResult,
  runReconcile,
} from '../reconcile/run-reconcile';
import { createRuntime, lambdaEntry } from '../runtime';
import { createNoticeMessenger } from '../slack/notice-messenger';

export type ReconcileHandler = (event: unknown, context: Context) => Promise<ReconcileRunResult | undefined>;

/**
 * No CloudTrail page is started when less than this is left of the invocation: the run stops cleanly, keeps
 * its high-water mark where the last finished chunk ended, and the next run goes on from there.
 */
const DEADLINE_MARGIN_MS = 30_000;

/**
 * Reconcile Lambda: invoked by EventBridge Scheduler every few minutes with `{"kind":"scheduled"}`. Reads
 * CloudTrail's event history of every configured account and region (members through their forwarder's role),
 * records watched changes EventBridge never delivered, then runs the heartbeat. An input that is not a trigger
 * is logged and dropped; everything else that fails throws, so the asynchronous invocation is retried (a
 * window read twice records nothing twice).
 */
export function createReconcileHandler(
  env: NodeJS.ProcessEnv = process.env,
  options: { log?: LogPort; metrics?: FlushingMetrics; dynamodb?: DynamoDBClient } = {},
): ReconcileHandler {
  const invoke = lambdaEntry({
    serviceName: 'infrawatch-reconcile',
    env,
    log: options.log,
    metrics: options.metrics,
    start: async ({ log, metrics }) => {
      const config = loadConfig(env);
      const runtime = await createRuntime(config, { log, metrics, dynamodb: options.dynamodb });
      return {
        runtime,
        history: createCloudTrailHistory(config.RECONCILE_TARGETS, {
          ...(config.CLOUDTRAIL_ENDPOINT ? { endpoint: config.CLOUDTRAIL_ENDPOINT } : {}),
        }),
        notices: createNoticeMessenger(runtime.slack),
        limiterFor: limitersPerTarget(runtime.clock),
      };
    },
  });
  return (event, context) =>
    invoke(context, async ({ log, started }) => {
      let trigger: ReturnType<typeof parseReconcileTrigger>;
      try {
        trigger = parseReconcileTrigger(event);
      } catch (error) {
        if (!(error instanceof InvalidReconcileTriggerError)) throw error;
        log.error('Ignored an input that is not a reconcile trigger', { reason: error.message });
        return undefined;
      }
      const { runtime, history, notices, limiterFor } = await started();
      const result = await runReconcile({
        runtime,
        owner: context.awsRequestId,
        history,
        notices,
        log,
        limiterFor,
        deadline: runtime.clock.now().getTime() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS,
      });
      log.info('Reconcile run', {
        trigger: trigger.kind,
        recovered: result.recovered,
        targets: result.targets,
      });
      return result;
    });
}

export const handler = createReconcileHandler();
