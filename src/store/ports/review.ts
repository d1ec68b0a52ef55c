import type { ActorAnswer } from '../../model/actor-check';
import type { EscalationStepRecord } from '../../model/escalation-policy';
import type { AlertRecord } from './alerts';

/*
 * Evidence of review (issue 11, §4): what `/infrawatch stats` and `infrawatch export` read. The export reads
 * alerts by the day they were created, through the by-day index (src/store/table.ts); the stats read one
 * channel's alerts through the by-channel index, which carries what they count. Both page by page: a reader
 * holds one page at a time, whatever the window holds, and never scans the table.
 */

/** An alert as review evidence reads it: its state, and how many changes it carries (committed lines). */
export interface ReviewedAlert extends AlertRecord {
  lineCount: number;
}

/** Alerts created between two ISO times (both included), of one channel or of all. */
export interface ReviewRange {
  fromIso: string;
  toIso: string;
  channel?: string;
}

/** Alerts of one page at most (the DynamoDB adapter also stays within one BatchGetItem per page). */
export const REVIEW_PAGE_SIZE = 100;

/**
 * What the stats count of one alert, read without fetching the alert. `lineCount` is the number of changes
 * its message shows (`changeCount`, set by every render): an acknowledged alert shows all its changes (only
 * what the message shows can be acknowledged); an open one's newest changes count once they are shown.
 */
export interface StatsAlert
  extends Pick<AlertRecord, 'id' | 'watch' | 'severity' | 'createdAt' | 'acknowledgement'> {
  lineCount: number;
  escalation?: { sent: readonly EscalationStepRecord[] };
  actorCheck?: { answer?: ActorAnswer };
}

/** The alerts of one channel created between two ISO times (both included). */
export type ChannelRange = Required<ReviewRange>;

export interface ReviewRepository {
  /**
   * What the stats count of each alert of `range`'s channel, oldest first, one page at a time (DynamoDB:
   * one Query of the by-channel index per page, its entries' bytes rather than one read per alert).
   * Eventually consistent, like `alerts`.
   */
  statsAlerts(range: ChannelRange): AsyncIterable<StatsAlert[]>;

  /**
   * The alerts created in `range`, oldest first, one page (at most `pageSize` alerts, possibly fewer) at a
   * time. Lazy: a page is read when the previous one has been consumed. The index is eventually consistent:
   * an alert created moments ago may be missing.
   */
  alerts(range: ReviewRange, pageSize?: number): AsyncIterable<ReviewedAlert[]>;
}
