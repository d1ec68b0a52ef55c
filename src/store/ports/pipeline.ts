/*
 * The store port of the watched pipeline (issue 11, "A watched pipeline"): reconciliation windows, per-account
 * activity, the "has not seen a change" notices and the daily health counts the digest footer shows. Like every
 * port, every write that must happen once is conditional.
 */

/** The run no longer holds the target's reconciliation claim (its lease ran out and another run took it). */
export class ReconcileClaimLostError extends Error {
  readonly code = 'ReconcileClaimLost';
  constructor(target: { account: string; region: string }) {
    super(`the reconciliation claim of ${target.account}/${target.region} was lost`);
    this.name = new.target.name;
  }
}

/** One account and region whose CloudTrail event history is reconciled. */
export interface ReconcileTarget {
  account: string;
  region: string;
}

/** A reconciliation claim: how far the target's event history is reconciled (absent: never). */
export interface ReconcileClaim {
  reconciledUntil?: string;
}

/** The activity of one account: the latest change time, and the UTC days (YYYY-MM-DD) that had changes. */
export interface AccountActivity {
  lastSeen?: string;
  days: string[];
}

/** A claimed "no change seen" notice. */
export interface NoticeClaim {
  /** Set when an earlier claim for the same silence attempted the post: it may be in the channel already. */
  postAttemptAt?: string;
}

/** What the digest footer counts for a window. */
export interface HealthCounts {
  /** Changes stored for the first time (EventBridge deliveries and reconciliation alike). */
  recorded: number;
  /** Of those, changes that only reconciliation found (EventBridge never delivered them). */
  recovered: number;
}

export interface PipelineRepository {
  /**
   * Claims the reconciliation of one target until `leaseUntilIso`, unless another run holds an unexpired claim
   * (a scheduled invocation runs at least once, sometimes twice). @returns undefined when another run holds it.
   */
  claimReconcile(
    target: ReconcileTarget,
    owner: string,
    nowIso: string,
    leaseUntilIso: string,
  ): Promise<ReconcileClaim | undefined>;
  /** Moves the target's high-water mark forward to `untilIso` (claim holder only; never backwards). */
  advanceReconcile(target: ReconcileTarget, owner: string, untilIso: string): Promise<void>;
  /** Gives the claim up (holder only), so the next run may start at once. */
  releaseReconcile(target: ReconcileTarget, owner: string): Promise<void>;
  /** The subset of `eventIds` the store has a change for (keys only: no change is read). */
  knownChanges(eventIds: readonly string[]): Promise<Set<string>>;

  /** Records that `account` had a change at `atIso` (the day's item keeps the latest time only). */
  noteActivity(account: string, atIso: string): Promise<void>;
  /** The account's activity on the days from `sinceDay` (YYYY-MM-DD) on. */
  activity(account: string, sinceDay: string): Promise<AccountActivity>;

  /**
   * Claims the notice about `account` being silent since `lastSeen`, once per silence: a claim when none was
   * made for this silence, or when an earlier claim never completed and its lease ran out; undefined when the
   * notice was posted (or another run holds the claim). A later silence (a later `lastSeen`) claims anew.
   */
  claimQuietNotice(
    account: string,
    lastSeen: string,
    nowIso: string,
    leaseUntilIso: string,
  ): Promise<NoticeClaim | undefined>;
  /** Records that the notice is about to be posted; the first attempt's time is kept. */
  markQuietNoticeAttempt(account: string, lastSeen: string, atIso: string): Promise<void>;
  /** Records the posted notice (`ts`): this silence is announced. */
  completeQuietNotice(account: string, lastSeen: string, ts: string): Promise<void>;

  /** Adds to the health counts of the hour of `atIso` (one write, whatever the numbers). */
  addHealthCounts(atIso: string, counts: HealthCounts): Promise<void>;
  /** The counts of the UTC hours from the one of `fromIso` to the one of `toIso` (at most the last 7 days). */
  healthCounts(fromIso: string, toIso: string): Promise<HealthCounts>;
}

/** The UTC day (YYYY-MM-DD) of an ISO time. */
export const dayOf = (iso: string): string => iso.slice(0, 10);

/** The UTC hour (YYYY-MM-DDTHH) of an ISO time: the health counts' bucket. */
export const hourOf = (iso: string): string => iso.slice(0, 13);

/** Health counts are kept (and read) for this many hours. */
export const HEALTH_HOURS = 7 * 24;

/** The UTC hours from the one of `fromIso` to the one of `toIso`, both included (the last HEALTH_HOURS). */
export function hoursFromTo(fromIso: string, toIso: string): string[] {
  const hours: string[] = [];
  const end = Date.parse(`${hourOf(toIso)}:00:00Z`);
  const start = Math.max(Date.parse(`${hourOf(fromIso)}:00:00Z`), end - (HEALTH_HOURS - 1) * 3_600_000);
  for (let t = start; t <= end; t += 3_600_000) hours.push(hourOf(new Date(t).toISOString()));
  return hours;
}
