import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { runEscalationSweep } from '../../src/use-cases/escalation-steps';
import type { Clock } from '../../src/use-cases/ports';
import { repairDueRenders } from '../../src/use-cases/sync-alert';
import { loadConfig } from '../config';
import { AppError } from '../errors';
import type { LogPort } from '../events/process-events';
import type { FlushingMetrics } from '../metrics';
import { createRuntime, escalationDeps, lambdaEntry } from '../runtime';

export interface SweepSummary {
  /** Escalation steps sent (or found in Slack after a lost answer) and recorded. */
  stepsSent: number;
  /** Due entries that ended without a step: acknowledged, muted, escalation off, stale. */
  stepsStopped: number;
  /** Due entries left to the next sweep (another worker held the alert). */
  stepsLater: number;
  /** Messages brought up to date by the render-due repair. */
  rendersRepaired: number;
}

export type SweepHandler = (event: unknown, context: Context) => Promise<SweepSummary>;

/** Some due work failed; it stays due and the next sweep (a minute later) tries it again. */
export class SweepFailedError extends AppError {
  readonly code = 'SweepFailed';
  constructor(failed: number, options?: ErrorOptions) {
    super(`${failed} escalation steps or render repairs failed; they stay due for the next sweep`, options);
  }
}

/**
 * Sweep Lambda: EventBridge Scheduler invokes it every minute (any input). It sends the escalation steps that
 * are due (src/use-cases/escalation-steps.ts) and repairs alert messages that fell behind on a path nothing
 * retries (a click whose render failed: the render-due marks), so both happen even when no change arrives.
 * Every failure is logged with its alert and error; then the invocation fails, so the function's Errors
 * alarm sees it. Nothing is lost: failed work stays due, and a repeated sweep sends nothing twice.
 */
export function createSweepHandler(
  env: NodeJS.ProcessEnv = process.env,
  options: {
    log?: LogPort;
    metrics?: FlushingMetrics;
    dynamodb?: DynamoDBClient;
    /** The sweep's clock (tests move it past a render lease); default the system clock. */
    clock?: Clock;
  } = {},
): SweepHandler {
  const invoke = lambdaEntry({
    serviceName: 'infrawatch-sweep',
    env,
    log: options.log,
    metrics: options.metrics,
    start: ({ log, metrics }) =>
      createRuntime(loadConfig(env), {
        log,
        metrics,
        dynamodb: options.dynamodb,
        ...(options.clock ? { clock: options.clock } : {}),
      }),
  });
  return (_event, context) =>
    invoke(context, async ({ log, started }) => {
      const runtime = await started();
      const deps = escalationDeps(runtime, context.awsRequestId);
      const repairs = await repairDueRenders(deps);
      const steps = await runEscalationSweep(deps);
      const failures = [...repairs.failures, ...steps.failures];
      for (const { alertId, error } of failures)
        log.error('Sweep could not finish an alert', { alertId, error });
      const summary: SweepSummary = {
        stepsSent: steps.sent,
        stepsStopped: steps.stopped,
        stepsLater: steps.later,
        rendersRepaired: repairs.repaired,
      };
      log.info('Sweep', { ...summary, failures: failures.length });
      if (failures.length > 0) throw new SweepFailedError(failures.length, { cause: failures[0]?.error });
      return summary;
    });
}

export const handler = createSweepHandler();
