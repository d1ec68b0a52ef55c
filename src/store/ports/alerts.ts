import type { ActorCheckState } from '../../model/actor-check';
import type { Acknowledgement, BurstSummary, ChangeLine, Investigation } from '../../model/alert';
import type { Severity } from '../../model/severity';
import type { AlertEscalationState } from './escalation-steps';

export interface SlackMessageRef {
  channel: string;
  ts: string;
}

/** The mutable state of an alert. Its content is derived from its lines (see AlertRepository.lines). */
export interface AlertRecord {
  id: string;
  channel: string;
  watch: string | null;
  actorKey: string;
  account: string;
  createdAt: string;
  /** Incremented whenever the alert's content or state changes; the message is current when renderedRev = rev. */
  rev: number;
  renderedRev: number;
  /** The highest severity among its lines (monotonic). */
  severity: Severity;
  /** What the Slack message showed when last rendered (for the digest). */
  changeCount: number;
  headline: string;
  message?: SlackMessageRef;
  /** The severity the channel was last pinged for; a render above it pings again. */
  notifiedSeverity?: Severity;
  /**
   * Set before the first chat.postMessage is called (later attempts keep it): if no `message` follows, the
   * post may or may not have happened, and Slack's history since this time is where it would be.
   */
  postAttemptAt?: string;
  /**
   * Set before an escalation reply is sent: if `notifiedSeverity` does not reach `severity` yet, the reply
   * may or may not be in the thread.
   */
  escalationAttempt?: { severity: Severity; at: string };
  /** Set when Slack no longer had the message: the next post replaces it and says so. */
  messageRemovedAt?: string;
  acknowledgement?: Acknowledgement;
  investigation?: Investigation;
  /** Escalation steps of an unacknowledged alert (see ports/escalation-steps.ts), once scheduled. */
  escalation?: AlertEscalationState;
  /** "Was this you?": the actor asked, and their answer (see ports/actor-checks.ts), once asked. */
  actorCheck?: ActorCheckState;
  /** How many lines the alert carries (its committed appends). Absent on records not read from a store. */
  lineCount?: number;
  /**
   * What the lines the last render folded add up to (views/burst-summary.ts), written by that render. Absent
   * until a render stores one. `currentSummary(alert)` (views/burst-summary.ts) gives every line's summary from
   * the record alone, when the record can tell; otherwise read the lines.
   */
  summary?: BurstSummary;
  /**
   * Lines appended since `summary`, oldest append first (as much of each as the summary needs: see
   * `summaryLine`). Bounded by PENDING_LINES_MAX: an append that finds no room leaves its lines out, and the
   * counts then tell a render to read every line (`summary.count + pendingLines.length < lineCount`).
   */
  pendingLines?: ChangeLine[];
}

/** What the open-alerts index holds of an alert (what a digest shows). */
export type OpenAlert = Pick<
  AlertRecord,
  | 'id'
  | 'channel'
  | 'watch'
  | 'actorKey'
  | 'account'
  | 'createdAt'
  | 'severity'
  | 'changeCount'
  | 'headline'
  | 'message'
  | 'investigation'
>;

/** What an alert is created with (only the first writer's values are kept). */
export type AlertSeed = Pick<AlertRecord, 'id' | 'channel' | 'watch' | 'actorKey' | 'account' | 'createdAt'>;

/**
 * `acknowledged`: the alert was acknowledged before these lines arrived; the lines in `returned` were taken
 * back out and must go to a new alert. Lines that were already in the alert stay (a retry of earlier work).
 */
export type AppendResult =
  /**
   * `renderSoon`: the alert's `pendingLines` is filling up (PENDING_RENDER_AT) or had no room for these lines;
   * a render now keeps the next ones from being left out (which would make a render read every line).
   */
  { status: 'appended'; rev: number; renderSoon?: true } | { status: 'acknowledged'; returned: string[] };

/**
 * What an acknowledgement found, all from its one conditional write (the item as it was when the condition
 * failed comes back with the failure): no read before, none after.
 */
export type AcknowledgeResult =
  /** `lineIds`: the changes the acknowledgement covers (the alert's lines can no longer change). */
  | { status: 'acknowledged'; alert: AlertRecord; lineIds: string[] }
  | { status: 'already-acknowledged'; acknowledgement: Acknowledgement }
  /** The alert has changes (or state) its message does not show yet: nothing was acknowledged. */
  | { status: 'changed'; alert: AlertRecord }
  /** No such alert, or not one of the channel the click came from. */
  | { status: 'not-found' };

/** An alert and every line it carries, read together (one Query of the alert's partition). */
export interface AlertWithLines {
  alert: AlertRecord;
  lines: ChangeLine[];
}

export interface AppendOptions {
  /**
   * The caller stored every one of these lines' changes for the first time, so no earlier append can have
   * carried them: the store need not read which lines the alert has (one read fewer per append).
   */
  unseen?: boolean;
  /** The lines were written ahead of this append by {@link AlertRepository.stageLines}: not written again. */
  staged?: boolean;
}

/**
 * Lines an alert holds in `pendingLines` at most: with the line ids, the summary and the rest of the item, far
 * under DynamoDB's 400 KB item limit whatever the burst's size (a line there is a few hundred bytes).
 */
export const PENDING_LINES_MAX = 100;
/** Pending lines from which an append asks for a render now rather than at the end of a render window. */
export const PENDING_RENDER_AT = 50;

/** Alerts (one Slack message each), their lines, and who acknowledged or is investigating them. */
export interface AlertRepository {
  /**
   * Adds lines to the alert (creating it from `seed` if needed), then bumps its revision, unless it has been
   * acknowledged: new changes never hide under an acknowledgement somebody already gave. Idempotent: a line
   * already in the alert is not added twice, even by two appends racing with the same line (the membership
   * check is part of the write's condition). Lines are written before the revision moves, so a renderer that
   * sees the new revision always sees the lines. The same write adds them to `pendingLines` while there is room
   * (PENDING_LINES_MAX), so a render folds them into the summary without reading the alert's lines.
   */
  append(seed: AlertSeed, lines: readonly ChangeLine[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Writes lines ahead of the append that will carry them, so the write can go beside others (a batch's
   * delivery claims). A staged line is not part of the alert: only an append commits it, so one staged for an
   * append that never comes (its change's claim went to another alert) is never shown or counted.
   */
  stageLines(alertId: string, lines: readonly ChangeLine[]): Promise<void>;
  get(alertId: string): Promise<AlertRecord | undefined>;
  /** Every line the alert carries (committed appends only), in no particular order. */
  lines(alertId: string): Promise<ChangeLine[]>;
  /**
   * The alert with every line its revision covers (committed appends only, in no particular order): what a
   * render needs, in one round trip.
   */
  getWithLines(alertId: string): Promise<AlertWithLines | undefined>;
  /**
   * First acknowledgement wins, by condition, and only when the message shows the alert's latest revision
   * (`changed` otherwise: nobody acknowledges changes they have not seen). Removes it from the open index.
   * `channel`: the alert must be one of this channel's (a click's channel), checked by the same condition: a
   * copied or forwarded button value cannot reach another channel's alert (`not-found`).
   * `shownRev`: the revision the clicked message showed; the alert must still be at it, by the same condition
   * (`changed` otherwise: a render that landed after the person looked brought what they did not see).
   */
  acknowledge(
    alertId: string,
    acknowledgement: Acknowledgement,
    options?: { channel?: string; shownRev?: number },
  ): Promise<AcknowledgeResult>;
  /** Marks who is investigating (only while unacknowledged). @returns the alert after the change. */
  investigate(alertId: string, investigation: Investigation): Promise<AlertRecord | undefined>;
  /** Unacknowledged alerts of a channel created since `sinceIso`, oldest first (sparse index: cost ~ open alerts). */
  listOpen(channel: string, sinceIso: string): Promise<OpenAlert[]>;
}
