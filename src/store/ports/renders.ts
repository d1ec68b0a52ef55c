import type { BurstSummary } from '../../model/alert';
import type { Severity } from '../../model/severity';
import type { AlertRecord, SlackMessageRef } from './alerts';

export interface RenderedState {
  rev: number;
  message: SlackMessageRef;
  changeCount: number;
  headline: string;
  /** The severity the channel was last pinged for (a post, or an escalation reply). */
  notifiedSeverity: Severity;
  /**
   * What the rendered message's lines add up to, and how many of the alert's `pendingLines` (from the first)
   * it folds in: the same write stores the summary and takes those out of `pendingLines`.
   */
  summary?: { value: BurstSummary; folded: number };
}

/**
 * The outcome of taking a render lease, with the alert as the same conditional write found it (so a holder
 * needs no read to start, and a worker that did not get it sees whether the holder's render is done).
 */
export type LeaseOutcome =
  | { status: 'held'; alert: AlertRecord }
  | { status: 'busy'; alert: AlertRecord }
  | { status: 'not-found' };

/** What recording a render wrote: the alert after the write, and whether the lease went with it. */
export interface RenderRecorded {
  alert: AlertRecord;
  released: boolean;
}

/**
 * Keeping an alert's Slack message in step with the alert: the render lease (only its holder talks to Slack
 * about the alert), what Slack shows, and the render-due marks of messages that fell behind. Lease-holder-only
 * writes throw LeaseLostError when the caller no longer holds the lease.
 */
export interface RenderRepository {
  /**
   * Takes the alert's render lease until `untilIso` if it is free, expired or already `owner`'s. Only the
   * holder talks to Slack about the alert.
   *
   * With `postAttemptAt`, the same write records a post attempt at that time unless one is recorded already
   * (a holder that may post needs no write of its own before chat.postMessage; an alert with a message always
   * has one, so nothing changes there). A `held` outcome then returns the alert as it was before the write:
   * its `postAttemptAt` says whether an earlier holder may have posted.
   */
  takeLease(
    alertId: string,
    owner: string,
    nowIso: string,
    untilIso: string,
    options?: { postAttemptAt?: string },
  ): Promise<LeaseOutcome>;
  /** {@link takeLease}, answering only whether `owner` holds the lease now. */
  acquireLease(alertId: string, owner: string, nowIso: string, untilIso: string): Promise<boolean>;
  /**
   * Extends the lease to `untilIso` only while `owner` still holds it (even if expired, as long as nobody took
   * it over): a renewal that arrives after the release must not take the lease again.
   * @returns false when the lease is no longer `owner`'s.
   */
  renewLease(alertId: string, owner: string, untilIso: string): Promise<boolean>;
  releaseLease(alertId: string, owner: string): Promise<void>;
  /** Records that a post is about to be attempted; the first attempt's time is kept (lease holder only). */
  markPostAttempt(alertId: string, owner: string, atIso: string): Promise<void>;
  /** Records that an escalation reply for `severity` is about to be sent (lease holder only). */
  markEscalationAttempt(alertId: string, owner: string, severity: Severity, atIso: string): Promise<void>;
  /**
   * Records what Slack now shows (lease holder only). With `release`, the same write also releases the lease
   * when the alert is still at `rendered.rev` (nothing newer to render); when it moved on, the lease is kept
   * for the next round.
   */
  markRendered(
    alertId: string,
    owner: string,
    rendered: RenderedState,
    options?: { release?: boolean },
  ): Promise<RenderRecorded>;
  /**
   * Records that Slack no longer has the alert's message (lease holder only): the message is forgotten and a
   * fresh post attempt window starts at `atIso`, so the next render posts a replacement.
   */
  markMessageGone(alertId: string, owner: string, atIso: string): Promise<void>;

  /**
   * Records that the alert's message is behind revision `rev` and nobody will retry the render by itself.
   * With `notBefore`, somebody is to render it (a finisher in the queue): the mark is a safety net that repairs
   * take only from then on, should that render never happen (a finisher that dead-letters without running).
   */
  markDue(alertId: string, rev: number, atIso: string, options?: { notBefore?: string }): Promise<void>;
  /** Up to `limit` alerts marked render-due whose `notBefore` (if any) has come by `nowIso` (a small partition). */
  due(limit: number, nowIso: string): Promise<{ alertId: string; rev: number }[]>;
  /** Clears the mark unless it asks for a revision above `renderedRev` (marked again meanwhile). */
  clearDue(alertId: string, renderedRev: number): Promise<void>;
}
