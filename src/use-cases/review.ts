import type { ActorAnswer } from '../model/actor-check';
import type { ChangeLine } from '../model/alert';
import type { EscalationStepRecord } from '../model/escalation-policy';
import type { ReviewStats, StatsFigures, StatsRow } from '../model/review-stats';
import { SEVERITY_RANK, type Severity } from '../model/severity';
import type { StatsAlert, Store } from '../store/ports';
import type { Clock } from './ports';

/*
 * Evidence of review (issue 11, §4): how fast a channel's alerts were acknowledged (`/infrawatch stats`, the
 * digest's 7-day line) and every change with who acknowledged it (`infrawatch export`). Both read the store's
 * review port page by page: the stats keep one running aggregate per (watch, severity) plus the
 * acknowledgement times, from the channel's index entries (changes counted as the messages show them); the
 * export holds one page of alerts and one alert's lines at a time.
 */

const DAY_MS = 24 * 3600_000;

/** The windows `/infrawatch stats` offers. */
export const STATS_WINDOW_DAYS = [7, 30] as const;
export type StatsWindowDays = (typeof STATS_WINDOW_DAYS)[number];

/** The value at rank ceil(p × n) of the sorted values (nearest rank): a time that was actually measured. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? null;
}

/** Whether the actor answered "No, this wasn't me" to "was this you?" (src/use-cases/actor-check.ts). */
export function saidNotMe(alert: StatsAlert): boolean {
  return alert.actorCheck?.answer?.answer === 'no';
}

class Aggregate {
  alerts = 0;
  changes = 0;
  acknowledgedAlerts = 0;
  acknowledgedChanges = 0;
  escalations = 0;
  notMe = 0;
  oldestOpenAt: string | null = null;
  private readonly ackMs: number[] = [];

  add(alert: StatsAlert): void {
    this.alerts += 1;
    this.changes += alert.lineCount;
    this.escalations += alert.escalation?.sent.length ?? 0;
    if (saidNotMe(alert)) this.notMe += 1;
    if (alert.acknowledgement) {
      this.acknowledgedAlerts += 1;
      this.acknowledgedChanges += alert.lineCount;
      this.ackMs.push(Math.max(0, Date.parse(alert.acknowledgement.at) - Date.parse(alert.createdAt)));
    } else if (this.oldestOpenAt === null || alert.createdAt < this.oldestOpenAt) {
      this.oldestOpenAt = alert.createdAt;
    }
  }

  figures(): StatsFigures {
    const sorted = [...this.ackMs].sort((a, b) => a - b);
    return {
      alerts: this.alerts,
      changes: this.changes,
      acknowledgedAlerts: this.acknowledgedAlerts,
      acknowledgedChanges: this.acknowledgedChanges,
      medianAckMs: nearestRank(sorted, 0.5),
      p90AckMs: nearestRank(sorted, 0.9),
      oldestOpenAt: this.oldestOpenAt,
      escalations: this.escalations,
      notMe: this.notMe,
    };
  }
}

/** Aggregates alerts, page by page, per (watch, severity) and in total. */
export async function aggregateStats(
  pages: AsyncIterable<readonly StatsAlert[]>,
): Promise<{ rows: StatsRow[]; total: StatsFigures }> {
  const groups = new Map<string, { watch: string | null; severity: Severity; aggregate: Aggregate }>();
  const total = new Aggregate();
  for await (const page of pages) {
    for (const alert of page) {
      const key = `${alert.severity}#${alert.watch ?? ''}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { watch: alert.watch, severity: alert.severity, aggregate: new Aggregate() };
        groups.set(key, group);
      }
      group.aggregate.add(alert);
      total.add(alert);
    }
  }
  const rows = [...groups.values()]
    .map(({ watch, severity, aggregate }) => ({ watch, severity, ...aggregate.figures() }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        (a.watch === null ? 1 : 0) - (b.watch === null ? 1 : 0) ||
        (a.watch ?? '').localeCompare(b.watch ?? ''),
    );
  return { rows, total: total.figures() };
}

/**
 * `/infrawatch stats [7d|30d]` and the digest's 7-day line: the channel's alerts created in the last `days`
 * days, read through the by-channel index (one Query per 1 MB page of the channel's entries, no alert fetched:
 * cost grows with the bytes of this channel's window, never with other channels or the table).
 */
export async function collectStats(
  deps: { store: Store; clock: Clock },
  channel: string,
  days: number,
): Promise<ReviewStats> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - days * DAY_MS).toISOString();
  const { rows, total } = await aggregateStats(
    deps.store.review.statsAlerts({ fromIso: since, toIso: now.toISOString(), channel }),
  );
  return { channel, since, now: now.toISOString(), days, rows, total };
}

/** One exported change, as it stands in one channel's alert. */
export interface ExportRow {
  changeId: string;
  time: string;
  eventName: string;
  severity: Severity;
  summary: string;
  account: string;
  region: string;
  actor: string;
  watch: string | null;
  channel: string;
  alertId: string;
  alertCreatedAt: string;
  /** Found by reconciliation (EventBridge never delivered it). */
  recovered: boolean;
  acknowledgedBy: { userId: string; userName: string } | null;
  acknowledgedAt: string | null;
  note: string | null;
  /** The actor's answer to "was this you?" (who answered, when), when they were asked and answered. */
  actorAnswer: ActorAnswer | null;
  escalations: readonly EscalationStepRecord[];
}

/** What the export reads: alerts by creation day, and each alert's lines. */
export type ExportStore = { review: Pick<Store['review'], 'alerts'> } & {
  alerts: Pick<Store['alerts'], 'lines'>;
};

const byTime = (a: ChangeLine, b: ChangeLine) =>
  a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * Every change of every alert created between `fromIso` and `toIso`, alert by alert (oldest first), one row
 * per change and channel. Lazy: a page of alerts is read when the rows of the previous one were taken, so a
 * consumer that writes each row before asking for the next holds one page and one alert's lines at most.
 */
export async function* exportRows(
  store: ExportStore,
  range: { fromIso: string; toIso: string },
): AsyncGenerator<ExportRow> {
  for await (const page of store.review.alerts(range)) {
    for (const alert of page) {
      const lines = (await store.alerts.lines(alert.id)).sort(byTime);
      const ack = alert.acknowledgement;
      for (const line of lines) {
        yield {
          changeId: line.id,
          time: line.time,
          eventName: line.eventName,
          severity: line.severity,
          summary: line.summary,
          account: alert.account,
          region: line.region,
          actor: alert.actorKey,
          watch: alert.watch,
          channel: alert.channel,
          alertId: alert.id,
          alertCreatedAt: alert.createdAt,
          recovered: line.recovered === true,
          acknowledgedBy: ack ? { userId: ack.userId, userName: ack.userName } : null,
          acknowledgedAt: ack?.at ?? null,
          note: ack?.note ?? null,
          actorAnswer: alert.actorCheck?.answer ?? null,
          escalations: alert.escalation?.sent ?? [],
        };
      }
    }
  }
}
