import { createHash } from 'node:crypto';
import { bySeverityThenTime } from '../changes/burst';
import type {
  BurstSummary,
  ChangeLine,
  LinePlace,
  ListedLine,
  SpanEnd,
  SummaryResource,
} from '../model/alert';
import { RESOURCES_SHOWN } from './alert-parts';
import { parseIsoTime, truncate } from './mrkdwn';

/**
 * A burst message's aggregates, kept up to date line by line: the render that shows a revision stores the
 * summary of what it showed, and the next render folds in only the lines appended since (no read of the
 * alert's other lines). Everything here is bounded by what one message can show: the listed lines, the linked
 * resources, and counts of the rest, whatever the burst's size.
 */

/** Warnings listed one per line; more are counted with the info changes. */
export const WARNINGS_LISTED = 30;
/**
 * Critical lines a summary keeps. A message lists every critical change while Slack's limit leaves room, so a
 * burst with more is rendered from all its lines (see {@link isComplete}): rare, and bounded by the burst size.
 */
export const CRITICAL_KEPT = 50;
/** A change line is cut to this many characters when there is room. */
export const LINE_MAX = 300;
/** Distinct resources counted exactly; past this the message says "N+ more". */
export const RESOURCE_KEYS_KEPT = 200;

export const EMPTY_SUMMARY: BurstSummary = {
  count: 0,
  bySeverity: { critical: 0, warning: 0, info: 0 },
  events: [],
  regions: [],
  recovered: 0,
  critical: [],
  warnings: [],
  resources: [],
  resourceKeys: [],
};

/** What every line of `lines` adds up to. */
export function summarizeLines(lines: readonly ChangeLine[]): BurstSummary {
  return foldLines(EMPTY_SUMMARY, lines);
}

/**
 * `summary` with `lines` added. The caller passes each line once over the summary's life (the store's append
 * admits a line once; see AlertRepository.append): folding is then order-independent, so a summary built
 * render by render renders the same message as one built from every line at once.
 */
export function foldLines(summary: BurstSummary, lines: readonly ChangeLine[]): BurstSummary {
  if (lines.length === 0) return summary;
  const bySeverity = { ...summary.bySeverity };
  const events = new Map(summary.events.map(({ name, count }) => [name, count]));
  const regions = new Set(summary.regions);
  const keys = new Set(summary.resourceKeys);
  let { lead, first, last, recovered, resourcesOverflow } = summary;
  let critical = summary.critical;
  let warnings = summary.warnings;
  let resources = summary.resources;

  for (const line of lines) {
    const place: LinePlace = { id: line.id, severity: line.severity, time: line.time };
    bySeverity[line.severity] += 1;
    events.set(line.eventName, (events.get(line.eventName) ?? 0) + 1);
    regions.add(line.region);
    if (line.recovered) recovered += 1;
    if (lead === undefined || bySeverityThenTime(place, lead) < 0) lead = place;
    const ms = parseIsoTime(line.time);
    if (ms !== null) {
      // Ties go to the line first in message order, as a scan of the sorted lines would find them.
      const end: SpanEnd = { ...place, ms };
      if (first === undefined || ms < first.ms || (ms === first.ms && bySeverityThenTime(end, first) < 0))
        first = end;
      if (last === undefined || ms > last.ms || (ms === last.ms && bySeverityThenTime(end, last) < 0))
        last = end;
    }
    if (line.severity !== 'info') {
      const listed: ListedLine = {
        ...place,
        eventName: line.eventName,
        summary: truncate(line.summary, LINE_MAX),
      };
      if (line.severity === 'critical') critical = firstInOrder(critical, listed, CRITICAL_KEPT);
      else warnings = firstInOrder(warnings, listed, WARNINGS_LISTED);
    }
    line.resources.forEach((resource, index) => {
      const key = resourceKey(line.region, resource.type, resource.id);
      if (!keys.has(key)) {
        if (keys.size < RESOURCE_KEYS_KEPT) keys.add(key);
        else resourcesOverflow = true;
      }
      resources = firstResources(resources, { place, index, region: line.region, ...resource });
    });
  }
  return {
    count: summary.count + lines.length,
    bySeverity,
    events: [...events]
      .map(([name, count]) => ({ name, count }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    ...(lead ? { lead } : {}),
    ...(first ? { first } : {}),
    ...(last ? { last } : {}),
    regions: [...regions].sort(),
    recovered,
    critical,
    warnings,
    resources,
    resourceKeys: [...keys].sort(),
    ...(resourcesOverflow ? { resourcesOverflow } : {}),
  };
}

/** As much of a line as {@link foldLines} reads: what an alert keeps of a line until a render folds it in. */
export function summaryLine(line: ChangeLine): ChangeLine {
  return { ...line, summary: line.severity === 'info' ? '' : truncate(line.summary, LINE_MAX) };
}

/**
 * The summary of every line of an alert from its record alone: the last render's summary with the lines
 * appended since folded in. Undefined when the record cannot give it (no render stored a summary over all its
 * lines, an append found no room in `pendingLines`, or more critical lines than a summary keeps): then read
 * every line.
 */
export function currentSummary(alert: {
  lineCount?: number | undefined;
  summary?: BurstSummary | undefined;
  pendingLines?: readonly ChangeLine[] | undefined;
}): BurstSummary | undefined {
  const base = alert.summary ?? EMPTY_SUMMARY;
  const pending = alert.pendingLines ?? [];
  // Each line enters `pendingLines` once, together with its id joining the alert (one conditional write), and
  // leaves it when a render folds it into the summary (one write): the counts add up unless a line was left out.
  if (alert.lineCount === undefined || base.count + pending.length !== alert.lineCount) return undefined;
  const summary = foldLines(base, pending);
  return isComplete(summary) ? summary : undefined;
}

/** Whether a message can be rendered from `summary` alone: it keeps every critical line. */
export function isComplete(summary: BurstSummary): boolean {
  return summary.critical.length === summary.bySeverity.critical;
}

/** `lines` (in message order) with `line` in its place, cut to the first `max`. */
function firstInOrder(lines: readonly ListedLine[], line: ListedLine, max: number): ListedLine[] {
  return [...lines, line].sort(bySeverityThenTime).slice(0, max);
}

const resourceOrder = (a: SummaryResource, b: SummaryResource) =>
  bySeverityThenTime(a.place, b.place) || a.index - b.index;

/**
 * The first RESOURCES_SHOWN distinct resources in message order, `resource` included: each at its first
 * occurrence. A resource that falls out can only come back earlier than every kept one, so none is lost.
 */
function firstResources(kept: readonly SummaryResource[], resource: SummaryResource): SummaryResource[] {
  const same = (other: SummaryResource) =>
    other.region === resource.region && other.type === resource.type && other.id === resource.id;
  const earlier = kept.find(same);
  if (earlier && resourceOrder(earlier, resource) <= 0) return [...kept];
  return [...kept.filter((other) => !same(other)), resource].sort(resourceOrder).slice(0, RESOURCES_SHOWN);
}

/** A resource's identity in a message (its region, type and id), hashed to a short fixed length. */
function resourceKey(region: string, type: string, id: string): string {
  return createHash('sha256').update(`${region}\u0000${type}\u0000${id}`).digest('base64url').slice(0, 16);
}
