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
  /**
   * Every change in the alert, most severe first, then oldest first; `lines.length` is the change count.
   * Empty when a render had only `summary` (it read only what changed since the last render).
   */
  lines: ChangeLine[];
  /** What every line adds up to (see {@link BurstSummary}); when set, views use it, not `lines`. */
  summary?: BurstSummary;
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

/** Where a line sorts in a burst message: most severe first, then oldest first, then by event id. */
export interface LinePlace {
  id: string;
  severity: Severity;
  time: string;
}

/** A line a burst message may list on its own: its place and the two texts its list entry shows. */
export interface ListedLine extends LinePlace {
  eventName: string;
  /** The line's summary, already cut to the longest a list entry shows (views/burst-summary.ts). */
  summary: string;
}

/** A line's time where the message's time span starts or ends. */
export interface SpanEnd extends LinePlace {
  ms: number;
}

/** A resource a burst message links, at the place of the first line that names it. */
export interface SummaryResource {
  place: LinePlace;
  /** Its position among its line's resources. */
  index: number;
  region: string;
  type: string;
  id: string;
}

/**
 * What the lines of a burst add up to, for its message: bounded whatever the burst's size (it holds no more
 * lines than the message lists, and counts the rest), so it can live on the alert item and be brought up to date
 * from the lines appended since (views/burst-summary.ts `foldLines`). Rendering from it and rendering from every
 * line give the same message.
 */
export interface BurstSummary {
  count: number;
  bySeverity: Record<Severity, number>;
  /** Lines per event name (the counted rest of the message), sorted by name. */
  events: { name: string; count: number }[];
  /** The first line in message order: the change shown in full. Absent only when `count` is 0. */
  lead?: LinePlace;
  first?: SpanEnd;
  last?: SpanEnd;
  /** Distinct regions, sorted. */
  regions: string[];
  recovered: number;
  /** The first critical lines in message order (at most CRITICAL_KEPT; a burst with more renders from its lines). */
  critical: ListedLine[];
  /** The first warnings in message order (at most WARNINGS_LISTED). */
  warnings: ListedLine[];
  /** The first distinct resources in message order (as many as a message links). */
  resources: SummaryResource[];
  /** Hashes of the distinct resources (at most RESOURCE_KEYS_KEPT): how many more resources there are. */
  resourceKeys: string[];
  /** More distinct resources than `resourceKeys` holds: their count is a lower bound. */
  resourcesOverflow?: true;
}

/** How many changes an alert carries. */
export function changeCountOf(alert: Pick<AlertContent, 'lines' | 'summary'>): number {
  return alert.summary?.count ?? alert.lines.length;
}
