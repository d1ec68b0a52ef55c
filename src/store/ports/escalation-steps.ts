import type { EscalationStepRecord } from '../../model/escalation-policy';

/*
 * Escalation steps of unacknowledged alerts (src/model/escalation-policy.ts). The state lives on the alert
 * item, so every transition is one conditional write on the item the acknowledgement writes too: a step can
 * only be claimed while the alert is unacknowledged, and an acknowledgement after the claim cannot undo a
 * send already under way. The due entries (ESCDUE / <dueAt>#<alertId>) are an index by due time for the
 * sweep: a Query of `sk <= now` costs what is due, never what the table holds.
 */

/** The escalation state an alert carries (on AlertRecord.escalation). */
export interface AlertEscalationState {
  /** The step to send next (1-based); above ESCALATION_STEP_COUNT when every step is done or escalation stopped. */
  nextStep: number;
  /** When `nextStep` is due (ISO); the key of its due entry. */
  dueAt: string;
  /** Set when `nextStep` was claimed for sending: from then on it may be in Slack, whatever the answer was. */
  attemptAt?: string;
  /** The steps sent, oldest first (what the alert message announces). */
  sent: EscalationStepRecord[];
}

/** One entry of the due index. */
export interface DueEscalationStep {
  alertId: string;
  dueAt: string;
}

/**
 * `claimed`: the caller may send `step`; `earlierAttemptAt` is set when an earlier claim of the same step
 * may have sent it already (its answer lost, or it crashed): look for it in Slack before sending.
 * `stale`: the alert is acknowledged, gone, or past that step: nothing to send.
 */
export type EscalationStepClaim = { status: 'claimed'; earlierAttemptAt?: string } | { status: 'stale' };

export interface EscalationStepRepository {
  /**
   * Schedules the alert's first step at `dueAt` and writes its due entry, unless the alert is acknowledged or
   * steps were scheduled for it before (that schedule stands: a retry with a later clock moves nothing).
   * @returns the alert's escalation state after the call, undefined when nothing is scheduled.
   */
  schedule(alertId: string, dueAt: string): Promise<AlertEscalationState | undefined>;
  /**
   * Brings the alert's first step forward to `dueAt` (an actor said "this wasn't me"): schedules it when
   * nothing was scheduled, moves it when step 1 is pending later and not yet attempted; otherwise (a step is
   * being sent or was sent, acknowledged, stopped) leaves the schedule as it is.
   * @returns the alert's escalation state after the call, undefined when nothing is scheduled.
   */
  expedite(alertId: string, dueAt: string): Promise<AlertEscalationState | undefined>;
  /** Due entries with a due time at or before `nowIso`, earliest first, at most `limit` (one Query). */
  due(nowIso: string, limit: number): Promise<DueEscalationStep[]>;
  /**
   * Claims `step` for sending (render-lease holder only: LeaseLostError otherwise), by a conditional write:
   * only while the alert is unacknowledged and `step` is its next step. The first attempt's time is kept.
   */
  claim(alertId: string, owner: string, step: number, atIso: string): Promise<EscalationStepClaim>;
  /**
   * Records `sent` (lease holder only), moves the alert to its next step (`next`, or none: every step done)
   * and bumps its revision so the message is rendered again and announces the step. Then moves the due
   * entry: the next one is written before the sent one is deleted, so a crash in between leaves an entry
   * the sweep finds stale, never an alert without one.
   */
  recordSent(
    alertId: string,
    owner: string,
    sent: EscalationStepRecord,
    next: { dueAt: string } | null,
  ): Promise<void>;
  /** Ends the alert's escalation (acknowledged, muted, policy off): its next step is never sent. */
  stop(alertId: string): Promise<void>;
  /** Deletes one due entry (stale, or of an alert whose escalation ended). */
  deleteDue(entry: DueEscalationStep): Promise<void>;
}
