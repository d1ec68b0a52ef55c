import { createHash } from 'node:crypto';
import { describeChange } from '../changes/describe';
import { eventOfHistoryRecord, InvalidHistoryRecordError } from '../events/cloudtrail-lookup';
import { InvalidEventError } from '../events/errors';
import type { PipelineRepository, ReconcileTarget } from '../store/ports/pipeline';
import type { WatchCatalog } from '../watches/types';
import { UseCaseError } from './errors';
import { createRateLimiter, type RateLimiter } from './rate-limiter';
import { type ChangeInput, type RecordChangesDeps, recordChanges } from './record-changes';

/*
 * Reconciliation: EventBridge delivers CloudTrail events on a best-effort basis, so now and then a change never
 * arrives. CloudTrail's own event history (LookupEvents) has every management event for 90 days; reading it for
 * the window just closed and recording what the store lacks, exactly as a delivery would have, makes a lost
 * event a late alert instead of no alert. The change id is CloudTrail's eventID either way, so an event that
 * EventBridge delivers after all is a no-op, and so is a window read twice.
 */

/** One page of CloudTrail's event history: the records' `CloudTrailEvent` texts, newest first. */
export interface HistoryPage {
  records: string[];
  nextToken?: string;
}

/** CloudTrail LookupEvents, as reconciliation uses it. */
export interface CloudTrailHistory {
  /**
   * One page of the target's write management events (`ReadOnly=false`) with event times in [from, to).
   * One call is one LookupEvents request: the caller keeps within CloudTrail's rate.
   */
  lookupWrites(
    target: ReconcileTarget,
    window: { from: string; to: string },
    nextToken?: string,
  ): Promise<HistoryPage>;
}

/**
 * How the windows are chosen. CloudTrail typically makes an event visible to LookupEvents within 5 minutes and
 * sometimes takes 15: a window is read once it closed `lagMs` ago, and again `overlapMs` later (the next run
 * starts `overlapMs` before the high-water mark), so an event CloudTrail shows up to `lagMs + overlapMs` late is
 * still found. EventBridge usually delivers within seconds, so by then a delivered event is stored and only lost
 * ones are recorded. Re-reading costs LookupEvents calls and one key lookup per watched record, never a write.
 */
export interface ReconcileSettings {
  /** How long after its end a window is first read. */
  lagMs: number;
  /** How far before the high-water mark each run starts again. */
  overlapMs: number;
  /** The window of the very first run (no high-water mark yet); the schedule's interval. */
  firstWindowMs: number;
  /** A run never reads further back than this: after a long outage the oldest part is reported as a gap. */
  maxCatchUpMs: number;
  /** Windows are read oldest first in chunks of this length; the high-water mark moves after each. */
  chunkMs: number;
  /** CloudTrail LookupEvents' quota per account and region. */
  requestsPerSecond: number;
  /** How long one run holds a target's claim (longer than the function's timeout). */
  leaseMs: number;
  /** Targets read at the same time (each has its own quota). */
  concurrency: number;
}

export const RECONCILE_DEFAULTS: ReconcileSettings = {
  lagMs: 15 * 60_000,
  overlapMs: 15 * 60_000,
  firstWindowMs: 15 * 60_000,
  maxCatchUpMs: 24 * 3_600_000,
  chunkMs: 3_600_000,
  requestsPerSecond: 2,
  leaseMs: 20 * 60_000,
  concurrency: 4,
};

export interface ReconcileDeps {
  /** How recovered changes are recorded: the events function's own use case and dependencies. */
  record: RecordChangesDeps;
  pipeline: PipelineRepository;
  history: CloudTrailHistory;
  catalog: WatchCatalog;
  settings?: Partial<ReconcileSettings>;
  /** Epoch ms after which no further page is read (the invocation's remaining time, less a margin). */
  deadline?: number;
  /** One limiter per target (default: CloudTrail's quota on the record deps' clock). */
  limiterFor?: (target: ReconcileTarget) => RateLimiter;
}

export type ReconcileStatus = 'reconciled' | 'incomplete' | 'busy' | 'failed';

/** What one run did for one target. */
export interface TargetOutcome {
  target: ReconcileTarget;
  status: ReconcileStatus;
  /** The event times read, when anything was read. */
  window?: { from: string; to: string };
  /** LookupEvents calls made. */
  requests: number;
  /** History records read. */
  records: number;
  /** Records some watch matches. */
  watched: number;
  /** Watched changes the store did not have, now recorded as recovered. */
  recovered: string[];
  /** Watched records that can never become a change (stored as rejected inputs with the reason). */
  rejected: number;
  /** Set when the high-water mark was further back than the catch-up limit: events before this were not read. */
  gapBefore?: string;
  error?: unknown;
}

export class ReconcileError extends UseCaseError {
  readonly code = 'Reconcile';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Reconciles every target (a few at a time); one failing target does not stop the others. */
export async function reconcileTargets(
  targets: readonly ReconcileTarget[],
  deps: ReconcileDeps,
): Promise<TargetOutcome[]> {
  const settings = { ...RECONCILE_DEFAULTS, ...deps.settings };
  const outcomes: TargetOutcome[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index] as ReconcileTarget;
      outcomes[index] = await reconcileTarget(target, deps, settings);
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, targets.length) }, worker));
  return outcomes;
}

const floorToSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

async function reconcileTarget(
  target: ReconcileTarget,
  deps: ReconcileDeps,
  settings: ReconcileSettings,
): Promise<TargetOutcome> {
  const { clock, owner } = deps.record;
  const outcome: TargetOutcome = {
    target,
    status: 'reconciled',
    requests: 0,
    records: 0,
    watched: 0,
    recovered: [],
    rejected: 0,
  };
  const now = clock.now().getTime();
  const claim = await deps.pipeline.claimReconcile(target, owner, iso(now), iso(now + settings.leaseMs));
  if (claim === undefined) return { ...outcome, status: 'busy' };
  try {
    const end = floorToSecond(now - settings.lagMs);
    const mark = claim.reconciledUntil === undefined ? undefined : Date.parse(claim.reconciledUntil);
    let start = (mark ?? end - settings.firstWindowMs) - settings.overlapMs;
    if (start < end - settings.maxCatchUpMs) {
      start = end - settings.maxCatchUpMs;
      outcome.gapBefore = iso(start);
    }
    if (start >= end) return outcome;
    outcome.window = { from: iso(start), to: iso(end) };
    const limiter = deps.limiterFor?.(target) ?? createRateLimiter(clock, settings.requestsPerSecond);
    for (let from = start; from < end; from += settings.chunkMs) {
      const to = Math.min(end, from + settings.chunkMs);
      const done = await reconcileChunk(target, { from: iso(from), to: iso(to) }, deps, limiter, outcome);
      if (!done) return { ...outcome, status: 'incomplete' };
      // Never backwards: a re-read overlap ends before the stored mark.
      if (mark === undefined || to > mark) await deps.pipeline.advanceReconcile(target, owner, iso(to));
    }
    return outcome;
  } catch (error) {
    return { ...outcome, status: 'failed', error };
  } finally {
    await deps.pipeline.releaseReconcile(target, owner);
  }
}

/** Reads one chunk page by page. @returns false when the deadline came first (the chunk is read again later). */
async function reconcileChunk(
  target: ReconcileTarget,
  window: { from: string; to: string },
  deps: ReconcileDeps,
  limiter: RateLimiter,
  outcome: TargetOutcome,
): Promise<boolean> {
  let nextToken: string | undefined;
  do {
    if (deps.deadline !== undefined && deps.record.clock.now().getTime() >= deps.deadline) return false;
    await limiter.take();
    outcome.requests += 1;
    const page = await deps.history.lookupWrites(target, window, nextToken);
    outcome.records += page.records.length;
    await recordMissing(target, page.records, deps, outcome);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return true;
}

/** Records the page's watched changes the store does not have, marked as recovered. */
async function recordMissing(
  target: ReconcileTarget,
  records: readonly string[],
  deps: ReconcileDeps,
  outcome: TargetOutcome,
): Promise<void> {
  const watched: { id: string; event: ReturnType<typeof eventOfHistoryRecord> }[] = [];
  const now = deps.record.clock.now().toISOString();
  for (const record of records) {
    let event: ReturnType<typeof eventOfHistoryRecord>;
    try {
      event = eventOfHistoryRecord(record, target);
    } catch (error) {
      if (!(error instanceof InvalidHistoryRecordError)) throw error;
      // Not even an envelope: no watch can be told to match it, but it is surfaced like any rejected input.
      await reject(deps, `cloudtrail-${digest(record)}`, error.message, record, now, outcome);
      continue;
    }
    if (deps.catalog.match(event).length === 0) continue;
    watched.push({ id: String(event.detail.eventID), event });
  }
  outcome.watched += watched.length;
  if (watched.length === 0) return;

  const known = await deps.pipeline.knownChanges(watched.map((w) => w.id));
  const inputs: ChangeInput[] = [];
  for (const { id, event } of watched) {
    if (known.has(id)) continue;
    const raw = JSON.stringify(event);
    try {
      inputs.push({ change: describeChange(event, deps.catalog), raw, recovered: true });
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      await reject(deps, `cloudtrail-${id}`, error.message, raw, now, outcome);
    }
  }
  if (inputs.length === 0) return;
  const results = await recordChanges(inputs, deps.record);
  const failed = [...results].filter(([, result]) => !result.ok);
  for (const [id, result] of results) if (result.ok) outcome.recovered.push(id);
  if (failed.length > 0) {
    const [firstId, first] = failed[0] as [string, { ok: false; error: unknown }];
    throw new ReconcileError(
      `${failed.length} recovered change(s) of ${target.account}/${target.region} could not be recorded (first: ${firstId}); the window is read again`,
      { cause: first.error },
    );
  }
}

async function reject(
  deps: ReconcileDeps,
  id: string,
  reason: string,
  body: string,
  at: string,
  outcome: TargetOutcome,
): Promise<void> {
  await deps.record.store.rejected.save({
    id,
    reason: `CloudTrail history record: ${reason}`,
    body: body.slice(0, 50_000),
    at,
  });
  outcome.rejected += 1;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
