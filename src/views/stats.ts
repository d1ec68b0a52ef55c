import type { KnownBlock } from '@slack/types';
import type { ReviewStats, StatsFigures, StatsRow } from '../model/review-stats';
import type { RenderedMessage } from './alert';
import { contextBlock, formatDuration, headerBlock, SEVERITY_MARKERS, sectionBlock } from './alert-parts';
import { andMore, SLACK_LIMITS } from './limits';
import { date, escapeEmphasized, parseIsoTime, truncate, truncateMrkdwn } from './mrkdwn';

/** Watch titles by id (the catalog's), for the group headings. */
export type WatchTitles = ReadonlyMap<string, string>;

const TITLE_MAX = 100;

function count(n: number, one: string, many: string): string {
  return n === 1 ? `1 ${one}` : `${n.toLocaleString('en-US')} ${many}`;
}

const duration = (ms: number | null): string => (ms === null ? '—' : (formatDuration(ms) ?? '—'));

/**
 * The figures of one row as one line: `12 changes in 5 alerts · 4 acknowledged (10 changes) · median 4 min ·
 * p90 1 h · oldest open 2 d · 1 escalation · 0 "not me"`.
 */
export function statsFiguresLine(figures: StatsFigures, nowIso: string): string {
  const parts = [
    `${count(figures.changes, 'change', 'changes')} in ${count(figures.alerts, 'alert', 'alerts')}`,
    `${figures.acknowledgedAlerts.toLocaleString('en-US')} acknowledged (${count(figures.acknowledgedChanges, 'change', 'changes')})`,
  ];
  if (figures.medianAckMs !== null)
    parts.push(`median ${duration(figures.medianAckMs)}`, `p90 ${duration(figures.p90AckMs)}`);
  const now = parseIsoTime(nowIso);
  const oldest = figures.oldestOpenAt === null ? null : parseIsoTime(figures.oldestOpenAt);
  if (now !== null && oldest !== null) parts.push(`oldest open ${duration(now - oldest)}`);
  parts.push(count(figures.escalations, 'escalation', 'escalations'), `${figures.notMe} "not me"`);
  return parts.join(' · ');
}

function watchTitle(watch: string | null, titles: WatchTitles): string {
  return watch === null ? 'Other' : (titles.get(watch) ?? watch);
}

/**
 * `/infrawatch stats`: per watch (a heading) and severity (a line each) the figures of the window, and the
 * totals. Watch titles are escaped (custom watches are user text). Watches that do not fit in Slack's 50
 * blocks are counted in a last line.
 */
export function renderStats(stats: ReviewStats, titles: WatchTitles): RenderedMessage {
  const window = `the last ${stats.days} days`;
  const text = `InfraWatch review of ${window}: ${statsFiguresLine(stats.total, stats.now)}`;
  const head: KnownBlock[] = [
    headerBlock(`Review of ${window}`),
    contextBlock(
      `Alerts of this channel created since ${date(stats.since)} · as of ${date(stats.now)} · times to acknowledge are counted from the alert's creation (median and 90th percentile, nearest rank)`,
    ),
  ];
  if (stats.total.alerts === 0)
    return { text, blocks: [...head, sectionBlock(`No alerts in this channel in ${window}.`)] };

  const byWatch = new Map<string | null, StatsRow[]>();
  for (const row of stats.rows) byWatch.set(row.watch, [...(byWatch.get(row.watch) ?? []), row]);
  const sections = [...byWatch.entries()].map(([watch, rows]) => {
    const title = `*${escapeEmphasized(truncate(watchTitle(watch, titles), TITLE_MAX))}*`;
    const lines = rows.map(
      (row) => `${SEVERITY_MARKERS[row.severity]} ${row.severity}: ${statsFiguresLine(row, stats.now)}`,
    );
    return sectionBlock(truncateMrkdwn([title, ...lines].join('\n'), SLACK_LIMITS.sectionText));
  });
  const tail = [sectionBlock(`*All watches*\n${statsFiguresLine(stats.total, stats.now)}`)];
  const room = SLACK_LIMITS.messageBlocks - head.length - tail.length;
  const shown =
    sections.length <= room
      ? sections
      : [...sections.slice(0, room - 1), contextBlock(andMore(sections.length - room + 1, 'watches'))];
  return { text, blocks: [...head, ...shown, ...tail] };
}
