import {
  type AccountActivity,
  dayOf,
  type HealthCounts,
  hourOf,
  hoursFromTo,
  type NoticeClaim,
  type PipelineRepository,
  ReconcileClaimLostError,
  type ReconcileTarget,
} from '../ports/pipeline';

interface Notice {
  lastSeen: string;
  state: 'posting' | 'posted';
  leaseUntil: string;
  postAttemptAt?: string;
  ts?: string;
}

/**
 * The in-memory PipelineRepository, with the DynamoDB adapter's conditions (every method atomic: no `await`
 * between its check and its write). `hasChange` answers whether the store holds a change (the memory store's).
 */
export function createMemoryPipeline(hasChange: (eventId: string) => Promise<boolean>): PipelineRepository {
  const windows = new Map<string, { until?: string; owner?: string; leaseUntil?: string }>();
  const days = new Map<string, Map<string, string>>();
  const notices = new Map<string, Notice>();
  const health = new Map<string, HealthCounts>();
  const keyOf = (target: ReconcileTarget) => `${target.account}#${target.region}`;

  return {
    async claimReconcile(target, owner, nowIso, leaseUntilIso) {
      const window = windows.get(keyOf(target)) ?? {};
      if (window.owner !== undefined && window.owner !== owner && (window.leaseUntil ?? '') > nowIso)
        return undefined;
      windows.set(keyOf(target), { ...window, owner, leaseUntil: leaseUntilIso });
      return window.until === undefined ? {} : { reconciledUntil: window.until };
    },
    async advanceReconcile(target, owner, untilIso) {
      const window = windows.get(keyOf(target));
      if (window?.owner !== owner) throw new ReconcileClaimLostError(target);
      if (window.until === undefined || window.until < untilIso) window.until = untilIso;
    },
    async releaseReconcile(target, owner) {
      const window = windows.get(keyOf(target));
      if (window?.owner !== owner) return;
      delete window.owner;
      delete window.leaseUntil;
    },
    async knownChanges(eventIds) {
      const known = new Set<string>();
      for (const id of eventIds) if (await hasChange(id)) known.add(id);
      return known;
    },

    async noteActivity(account, atIso) {
      const byDay = days.get(account) ?? new Map<string, string>();
      const day = dayOf(atIso);
      if ((byDay.get(day) ?? '') < atIso) byDay.set(day, atIso);
      days.set(account, byDay);
    },
    async activity(account, sinceDay): Promise<AccountActivity> {
      const seen = [...(days.get(account) ?? new Map<string, string>()).entries()]
        .filter(([day]) => day >= sinceDay)
        .sort(([a], [b]) => a.localeCompare(b));
      const last = seen.at(-1);
      return { ...(last ? { lastSeen: last[1] } : {}), days: seen.map(([day]) => day) };
    },

    async claimQuietNotice(account, lastSeen, nowIso, leaseUntilIso): Promise<NoticeClaim | undefined> {
      const notice = notices.get(account);
      if (notice && notice.lastSeen > lastSeen) return undefined;
      if (notice?.lastSeen === lastSeen && (notice.state === 'posted' || notice.leaseUntil > nowIso))
        return undefined;
      const retry = notice?.lastSeen === lastSeen ? notice : undefined;
      notices.set(account, {
        lastSeen,
        state: 'posting',
        leaseUntil: leaseUntilIso,
        ...(retry?.postAttemptAt ? { postAttemptAt: retry.postAttemptAt } : {}),
      });
      return retry?.postAttemptAt ? { postAttemptAt: retry.postAttemptAt } : {};
    },
    async markQuietNoticeAttempt(account, lastSeen, atIso) {
      const notice = notices.get(account);
      if (notice?.lastSeen === lastSeen) notice.postAttemptAt ??= atIso;
    },
    async completeQuietNotice(account, lastSeen, ts) {
      const notice = notices.get(account);
      if (notice?.lastSeen === lastSeen) Object.assign(notice, { state: 'posted', ts });
    },

    async addHealthCounts(atIso, counts) {
      const current = health.get(hourOf(atIso)) ?? { recorded: 0, recovered: 0 };
      health.set(hourOf(atIso), {
        recorded: current.recorded + counts.recorded,
        recovered: current.recovered + counts.recovered,
      });
    },
    async healthCounts(fromIso, toIso) {
      const total = { recorded: 0, recovered: 0 };
      for (const hour of hoursFromTo(fromIso, toIso)) {
        total.recorded += health.get(hour)?.recorded ?? 0;
        total.recovered += health.get(hour)?.recovered ?? 0;
      }
      return total;
    },
  };
}
