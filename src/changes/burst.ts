import { createHash } from 'node:crypto';
import type { ChangeLine } from '../model/alert';
import type { Change } from '../model/change';
import { SEVERITY_RANK } from '../model/severity';
import { actorKeyOf } from './actor-key';

/** How changes by one actor on one watch in one channel are grouped into one message. */
export interface BurstPolicy {
  /** A change joins the burst when it is at most this long after (or before) the burst's changes. */
  windowMs: number;
  /** A burst never spans more than this, so one message does not grow for hours. */
  maxSpanMs: number;
  /** A burst never carries more changes than this (a new message starts). */
  maxChanges: number;
}

export const DEFAULT_BURST_POLICY: BurstPolicy = {
  windowMs: 60_000,
  maxSpanMs: 15 * 60_000,
  maxChanges: 1000,
};

/** The open burst as stored (a subset of the store's BurstGroup). */
export interface BurstState {
  alertId: string;
  firstAt: string;
  lastAt: string;
  count: number;
}

export interface BurstSegment {
  alertId: string;
  changes: Change[];
}

/** Changes by the same actor on the same watch share a key (per channel). */
export function burstKey(change: Pick<Change, 'watch' | 'actor' | 'account'>): string {
  return burstKeyOf({ watch: change.watch, account: change.account, actorKey: actorKeyOf(change.actor) });
}

/** The same key from an alert's stored parts (to end its burst after an acknowledgement). */
export function burstKeyOf(parts: { watch: string | null; account: string; actorKey: string }): string {
  return `${parts.watch ?? 'none'}#${parts.account}#${parts.actorKey}`;
}

/**
 * The alert id of a burst that starts with `first`. Deterministic: two workers that start the same burst
 * with the same change (a duplicate delivery) name the same alert.
 */
export function alertIdFor(channel: string, key: string, first: Pick<Change, 'id'>): string {
  return createHash('sha256').update(`${channel}\n${key}\n${first.id}`).digest('hex').slice(0, 24);
}

function joins(state: BurstState, time: number, policy: BurstPolicy): boolean {
  const first = Date.parse(state.firstAt);
  const last = Date.parse(state.lastAt);
  return (
    state.count < policy.maxChanges &&
    time <= last + policy.windowMs &&
    time >= first - policy.windowMs &&
    Math.max(last, time) - Math.min(first, time) <= policy.maxSpanMs
  );
}

/**
 * Splits changes (one channel, one burst key) into bursts, continuing `current` when the first changes fall
 * in its window. Pure: the caller stores the returned state with an optimistic lock and retries on conflict.
 */
export function planBursts(
  current: BurstState | undefined,
  changes: readonly Change[],
  channel: string,
  key: string,
  policy: BurstPolicy,
): { segments: BurstSegment[]; state: BurstState | undefined } {
  const sorted = [...changes].sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));
  const segments: BurstSegment[] = [];
  let state = current;
  let segment: BurstSegment | undefined;
  for (const change of sorted) {
    const time = Date.parse(change.time);
    if (state && joins(state, time, policy)) {
      state = {
        alertId: state.alertId,
        firstAt: time < Date.parse(state.firstAt) ? change.time : state.firstAt,
        lastAt: time > Date.parse(state.lastAt) ? change.time : state.lastAt,
        count: state.count + 1,
      };
    } else {
      state = {
        alertId: alertIdFor(channel, key, change),
        firstAt: change.time,
        lastAt: change.time,
        count: 1,
      };
    }
    if (segment?.alertId !== state.alertId) {
      segment = { alertId: state.alertId, changes: [] };
      segments.push(segment);
    }
    segment.changes.push(change);
  }
  return { segments, state };
}

/** What an alert keeps of a change. */
export function toLine(change: Change): ChangeLine {
  return {
    id: change.id,
    eventName: change.eventName,
    severity: change.severity,
    summary: change.summary,
    time: change.time,
    region: change.region,
    resources: change.resources.slice(0, 10),
  };
}

/** Most severe first, then oldest first: the order a group message lists its changes in. */
export function bySeverityThenTime(
  a: Pick<ChangeLine, 'severity' | 'time' | 'id'>,
  b: Pick<ChangeLine, 'severity' | 'time' | 'id'>,
): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.time.localeCompare(b.time) ||
    a.id.localeCompare(b.id)
  );
}
