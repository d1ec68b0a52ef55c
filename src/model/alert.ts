import type { Change, ResourceRef } from './change';
import type { Severity } from './severity';

/** What an alert keeps of each change it carries (small: a group can hold hundreds). */
export interface ChangeLine {
  id: string;
  eventName: string;
  severity: Severity;
  summary: string;
  time: string;
  region: string;
  resources: ResourceRef[];
  /**
   * Found by reconciliation in CloudTrail's event history: EventBridge never delivered it (the alert says so).
   * Absent on lines written before reconciliation existed.
   */
  recovered?: true;
}

export interface Acknowledgement {
  userId: string;
  userName: string;
  /** ISO-8601. */
  at: string;
  note?: string;
}

export interface Investigation {
  userId: string;
  userName: string;
  at: string;
}

export type AlertStatus = 'open' | 'investigating' | 'acknowledged';

/**
 * One Slack message and the changes it carries: a single change, or a burst by one actor on one watch.
 * `lead` is the change shown in full: the most severe (the first critical one when there is any).
 */
export interface AlertContent {
  id: string;
  channel: string;
  watch: string | null;
  lead: Change;
  /** Every change in the alert, most severe first, then oldest first. `lines.length` is the change count. */
  lines: ChangeLine[];
  severity: Severity;
  status: AlertStatus;
  acknowledgement?: Acknowledgement;
  investigation?: Investigation;
  /**
   * The alert's revision this content is of. The message's Acknowledge controls carry it, so a click
   * acknowledges only the revision its message showed.
   */
  rev?: number;
}
