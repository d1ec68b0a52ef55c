import { METRICS } from '../../src/metrics';
import type { ReconcileTarget } from '../../src/store/ports/pipeline';
import { checkHeartbeat, type HeartbeatOutcome, type NoticeMessenger } from '../../src/use-cases/heartbeat';
import type { Clock } from '../../src/use-cases/ports';
import { createRateLimiter, type RateLimiter } from '../../src/use-cases/rate-limiter';
import {
  type CloudTrailHistory,
  RECONCILE_DEFAULTS,
  ReconcileError,
  reconcileTargets,
  type TargetOutcome,
} from '../../src/use-cases/reconcile';
import type { LogPort } from '../events/process-events';
import { type Runtime, recordDeps } from '../runtime';

/** What invokes the reconcile function: EventBridge Scheduler, or someone asking (the local page's button). */
export interface ReconcileTrigger {
  kind: 'scheduled' | 'requested';
}

export class InvalidReconcileTriggerError extends Error {
  readonly code = 'InvalidReconcileTrigger';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export function parseReconcileTrigger(input: unknown): ReconcileTrigger {
  const kind = (input as { kind?: unknown } | null)?.kind;
  if (kind === 'scheduled' || kind === 'requested') return { kind };
  throw new InvalidReconcileTriggerError(
    `expected {"kind":"scheduled"} or {"kind":"requested"}, got ${JSON.stringify(input)?.slice(0, 200)}`,
  );
}

export interface ReconcileRunDeps {
  runtime: Runtime;
  /** Identifies this run in claims and render leases (the Lambda request id). */
  owner: string;
  history: CloudTrailHistory;
  notices: NoticeMessenger;
  log: LogPort;
  /** Epoch ms after which no further CloudTrail page is read. */
  deadline?: number;
  /** The LookupEvents pacing of each target (see {@link limitersPerTarget}); default: a fresh one per run. */
  limiterFor?: (target: ReconcileTarget) => RateLimiter;
}

/**
 * One CloudTrail LookupEvents limiter per account and region, kept for as long as the caller keeps this
 * function: the quota (2 requests per second) is the account's, not the run's, so runs that follow each other
 * in one container (a requested run after a scheduled one, a retry) keep to it together instead of each
 * starting with a full bucket and meeting a ThrottlingException.
 */
export function limitersPerTarget(clock: Clock): (target: ReconcileTarget) => RateLimiter {
  const limiters = new Map<string, RateLimiter>();
  return ({ account, region }) => {
    const key = `${account}/${region}`;
    let limiter = limiters.get(key);
    if (!limiter) {
      limiter = createRateLimiter(clock, RECONCILE_DEFAULTS.requestsPerSecond);
      limiters.set(key, limiter);
    }
    return limiter;
  };
}

/** One run in short: what the function answers and logs. */
export interface ReconcileRunResult {
  targets: (Pick<
    TargetOutcome,
    'target' | 'status' | 'window' | 'requests' | 'records' | 'watched' | 'rejected'
  > & {
    recovered: number;
    gapBefore?: string;
  })[];
  heartbeat: HeartbeatOutcome[];
  recovered: number;
  silentAccounts: string[];
}

/**
 * One reconcile run: every configured target's CloudTrail history since its high-water mark is reconciled with
 * the store (lost changes recorded and alerted, marked recovered), then every target account's heartbeat is
 * checked (the "has not seen a change" notice). Both are counted as metrics (`ChangesRecovered`,
 * `AccountsSilent`). A target that failed fails the run after the others and the heartbeat are done, so the
 * invocation is retried (asynchronous invocation) and the function's error alarm sees it.
 */
export async function runReconcile(deps: ReconcileRunDeps): Promise<ReconcileRunResult> {
  const { runtime, log } = deps;
  const { config } = runtime;
  const targets = config.RECONCILE_TARGETS.map(({ account, region }) => ({ account, region }));
  const windowMs = config.RECONCILE_WINDOW_SECONDS * 1000;
  const outcomes = await reconcileTargets(targets, {
    record: recordDeps(runtime, deps.owner),
    pipeline: runtime.pipeline,
    history: deps.history,
    catalog: runtime.catalog,
    settings: { lagMs: config.RECONCILE_LAG_SECONDS * 1000, overlapMs: windowMs, firstWindowMs: windowMs },
    ...(deps.deadline === undefined ? {} : { deadline: deps.deadline }),
    ...(deps.limiterFor === undefined ? {} : { limiterFor: deps.limiterFor }),
  });
  const recovered = outcomes.reduce((sum, outcome) => sum + outcome.recovered.length, 0);
  runtime.metrics.count(METRICS.changesRecovered, recovered);
  for (const outcome of outcomes) {
    const where = { account: outcome.target.account, region: outcome.target.region };
    if (outcome.recovered.length > 0)
      log.warn('Recovered changes EventBridge never delivered', { ...where, eventIds: outcome.recovered });
    if (outcome.gapBefore !== undefined)
      log.error('Reconciliation was behind by more than its catch-up limit: earlier events were not read', {
        ...where,
        gapBefore: outcome.gapBefore,
      });
    if (outcome.status === 'failed') log.error('Reconciliation failed', { ...where, error: outcome.error });
    if (outcome.status === 'incomplete')
      log.warn('Reconciliation ran out of time; the next run goes on', where);
  }

  const heartbeat = await checkHeartbeat(
    targets.map((target) => target.account),
    {
      pipeline: runtime.pipeline,
      messenger: deps.notices,
      clock: runtime.clock,
      ...(config.DEFAULT_CHANNEL ? { channel: config.DEFAULT_CHANNEL } : {}),
      accountAlias: config.ACCOUNT_ALIASES,
      settings: { quietHours: config.QUIET_HOURS, usualDays: config.QUIET_USUAL_DAYS },
    },
  );
  const silentAccounts = heartbeat
    .filter((outcome) => outcome.status === 'quiet' || outcome.status === 'announced')
    .map((outcome) => outcome.account);
  runtime.metrics.count(METRICS.accountsSilent, silentAccounts.length);
  if (silentAccounts.length > 0)
    log.warn('Accounts that usually have changes are silent', { silentAccounts });

  const failed = outcomes.filter((outcome) => outcome.status === 'failed');
  if (failed.length > 0) {
    throw new ReconcileError(
      `reconciliation failed for ${failed.map((o) => `${o.target.account}/${o.target.region}`).join(', ')}`,
      { cause: failed[0]?.error },
    );
  }
  return {
    targets: outcomes.map(({ recovered: ids, error: _error, ...rest }) => ({
      ...rest,
      recovered: ids.length,
    })),
    heartbeat,
    recovered,
    silentAccounts,
  };
}
