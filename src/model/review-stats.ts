import type { Severity } from './severity';

/*
 * Evidence of review: how a channel's alerts were acknowledged over a window (`/infrawatch stats`, the
 * digest's 7-day line). Computed by src/use-cases/review.ts, shown by src/views/stats.ts.
 */

/** The figures of one watch and severity (or of everything, in `ReviewStats.total`). */
export interface StatsFigures {
  alerts: number;
  changes: number;
  /** Alerts acknowledged, and the changes they carry. */
  acknowledgedAlerts: number;
  acknowledgedChanges: number;
  /**
   * Time from an alert's creation to its acknowledgement, nearest rank: half (nine in ten) of the acknowledged
   * alerts were acknowledged within `medianAckMs` (`p90AckMs`). Null when none was acknowledged.
   */
  medianAckMs: number | null;
  p90AckMs: number | null;
  /** When the oldest alert still unacknowledged was created (null: none open). */
  oldestOpenAt: string | null;
  /** Escalation steps sent. */
  escalations: number;
  /** Alerts whose actor answered "No, this wasn't me". */
  notMe: number;
}

export interface StatsRow extends StatsFigures {
  watch: string | null;
  severity: Severity;
}

export interface ReviewStats {
  channel: string;
  since: string;
  now: string;
  days: number;
  /** Most severe first, then by watch id (alerts without a watch last). */
  rows: StatsRow[];
  total: StatsFigures;
}
