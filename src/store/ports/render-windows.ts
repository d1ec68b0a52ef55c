/**
 * The coalescing window of an alert's Slack renders (see use-cases/coalesce-renders.ts): while one is open,
 * changes that join the alert leave its render to one delayed finisher instead of each calling Slack.
 */
export interface RenderWindow {
  /** ISO time the window closes: the finisher renders then, with every line that arrived meanwhile. */
  until: string;
  /** The window (its `until`) a finisher is scheduled for and has not started on yet. */
  finisherFor?: string;
}

export interface RenderWindowRepository {
  /**
   * Opens the alert's window until `untilIso` unless one is still open at `nowIso` (one conditional write).
   * @returns undefined when this call opened it (its caller renders now), else the window that is open.
   */
  open(alertId: string, nowIso: string, untilIso: string): Promise<RenderWindow | undefined>;
  /** Records that a finisher is scheduled for the window closing at `forIso` (a later mark is kept). */
  markFinisher(alertId: string, forIso: string): Promise<void>;
  /**
   * Clears the mark of the finisher for `forIso`, before that finisher reads the alert: a change appended
   * after the clear schedules a finisher of its own, one appended before it is in what the finisher renders.
   */
  clearFinisher(alertId: string, forIso: string): Promise<void>;
}
