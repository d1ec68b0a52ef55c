import type { AlertRecord } from './alerts';

/*
 * Evidence of review (issue 11, §4): what `/infrawatch stats` and `infrawatch export` read. Alerts are read by
 * the day they were created, through the by-day index (src/store/table.ts), page by page: a reader holds one
 * page at a time, whatever the window holds, and never scans the table.
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

export interface ReviewRepository {
  /**
   * The alerts created in `range`, oldest first, one page (at most `pageSize` alerts, possibly fewer) at a
   * time. Lazy: a page is read when the previous one has been consumed. The index is eventually consistent:
   * an alert created moments ago may be missing.
   */
  alerts(range: ReviewRange, pageSize?: number): AsyncIterable<ReviewedAlert[]>;
}
