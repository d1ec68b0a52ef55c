/**
 * The coalescing window of an alert's Slack renders (see use-cases/coalesce-renders.ts): while one is open,
 * changes that join the alert leave its render to one delayed finisher instead of each calling Slack.
 */
export interface RenderWindow {
  /** ISO time the window closes: the finisher renders then, with every line that arrived meanwhile. */
  until: string;
  /** The window (its `until`) a finisher is scheduled for and has not started on yet. */
  finisherFor?: string;
  /** How many windows in a row a finisher closed (0 for one a render opened): longer windows for busy alerts. */
  streak: number;
}

export interface RenderWindowRepository {
  /**
   * Opens the alert's window until `untilIso` (streak 0) unless one is still open at `nowIso` (one
   * conditional write).
   * @returns undefined when this call opened it (its caller renders now), else the window that is open.
   */
  open(alertId: string, nowIso: string, untilIso: string): Promise<RenderWindow | undefined>;
  /** Records that a finisher is scheduled for the window closing at `forIso` (a later mark is kept). */
  markFinisher(alertId: string, forIso: string): Promise<void>;
  /**
   * The finisher for the window closing at `forIso` starts: before it reads the alert, it opens the next
   * window (until `untilIso`, streak `streak`) without a finisher, so a change appended from now on schedules
   * one of its own, and one appended before is in what this finisher renders. Nothing when the mark is not
   * this finisher's (a redelivery, or a later window's). @returns whether it was.
   */
  continueWindow(alertId: string, forIso: string, untilIso: string, streak: number): Promise<boolean>;
}
