import type { KnownBlock } from '@slack/types';
import type { AlertContent, ChangeLine } from '../model/alert';
import type { Severity } from '../model/severity';
import { SEVERITY_RANK } from '../model/severity';
import { assertAlertId } from './actions';
import { type RenderAlertOptions, type RenderedMessage, renderAlert } from './alert';
import {
  accountField,
  arnLine,
  contextBlock,
  fallbackText,
  fieldsBlock,
  formatDuration,
  headerBlock,
  type LinkedResource,
  linksLine,
  metaLine,
  reasonsSection,
  recoveredLine,
  regionField,
  SEVERITY_MARKERS,
  sectionBlock,
  sourceIpField,
  statusAndActions,
  toolField,
  whenField,
  whoField,
} from './alert-parts';
import { joinWithinLimit, limitBlocks, packLines, SLACK_LIMITS } from './limits';
import { escapeMrkdwn, inlineCode, parseIsoTime, truncate, truncateMrkdwn } from './mrkdwn';

/**
 * Options of {@link renderGroupedAlert}. The acknowledgement and investigation come from the {@link AlertContent};
 * `alertId` defaults to `alert.id`.
 */
export type RenderGroupedAlertOptions = Pick<
  RenderAlertOptions,
  'alertId' | 'accountAlias' | 'consoleAccess' | 'watchTitle' | 'showArn'
>;

/** Warnings listed one per line; more are counted with the info changes. Critical changes are all listed. */
const WARNINGS_LISTED = 30;
/** A change line is cut to this many characters when there is room, and to no less than the minimum. */
const LINE_MAX = 300;
const LINE_MIN = 80;
const ACTOR_IN_HEADER_MAX = 60;

/**
 * Renders an alert: {@link renderAlert} of its lead for a single change, {@link renderGroupedAlert} for a burst.
 * Use this when posting or updating any alert.
 */
export function renderAlertContent(
  alert: AlertContent,
  options: RenderGroupedAlertOptions = {},
): RenderedMessage {
  return alert.lines.length > 1 ? renderBurst(alert, options) : renderSingle(alert, options);
}

/**
 * Renders a burst of changes by one actor on one watch as one message: a header that says who made how many
 * changes where and over how long; every critical change on its own line (a critical change is never folded
 * into a count while Slack's 50-block limit leaves room: only past that are the rest counted, with an explicit
 * line); then warnings; the rest counted by event name (`12× AuthorizeSecurityGroupIngress`); the lead change's
 * fields and reasons; one Acknowledge that covers every change.
 *
 * With one line (or none) the result is exactly `renderAlert(alert.lead, …)` with the alert's id and state.
 *
 * @throws AlertRenderError `INVALID_ALERT_ID` when `alert.id` cannot go into button values.
 */
export function renderGroupedAlert(
  alert: AlertContent,
  options: RenderGroupedAlertOptions = {},
): RenderedMessage {
  return renderAlertContent(alert, options);
}

function renderSingle(alert: AlertContent, options: RenderGroupedAlertOptions): RenderedMessage {
  const recordMissing = alert.status === 'acknowledged' && alert.acknowledgement === undefined;
  const message = renderAlert(alert.lead, {
    ...options,
    alertId: options.alertId ?? alert.id,
    acknowledgement: alert.acknowledgement,
    investigation: recordMissing ? undefined : alert.investigation,
    ...(alert.lines[0]?.recovered ? { recovered: true } : {}),
    ...(alert.rev === undefined ? {} : { shownRev: alert.rev }),
  });
  if (!recordMissing) return message;
  // Acknowledged in the store without the record of who: still no buttons.
  const blocks = message.blocks.filter((block) => block.type !== 'actions');
  return { ...message, blocks: [...blocks, contextBlock('✅ Acknowledged')] };
}

function renderBurst(alert: AlertContent, options: RenderGroupedAlertOptions): RenderedMessage {
  const alertId = options.alertId ?? alert.id;
  assertAlertId(alertId);
  const { lead } = alert;
  const count = alert.lines.length;
  const lines = sortBySeverity(alert.lines);
  const severity = highestSeverity(alert.severity, lines);
  const span = timeSpan(lines);
  const regions = unique(lines.map((line) => line.region)).sort();
  const watchTitle = options.watchTitle ?? alert.watch ?? lead.watch ?? null;
  const headline = burstHeadline(lead.actor.display, count, watchTitle, regions, span);

  const leadSummary = lead.summary === '' ? lead.eventName : lead.summary;
  // The lead is listed with the critical changes or the warnings; an all-info burst names it here instead.
  const leadLine = lead.severity === 'info' ? `\n*Most severe:* ${escapeMrkdwn(leadSummary)}` : '';
  const head: KnownBlock[] = [
    headerBlock(`${SEVERITY_MARKERS[severity]} ${headline.header}`),
    sectionBlock(`${severityBreakdown(lines)}${leadLine}`),
  ];

  const tail: KnownBlock[] = [
    fieldsBlock([
      whoField(lead),
      accountField(lead.account, options.accountAlias),
      regionField(regions),
      whenField(span.first ?? lead.time, span.last ?? lead.time),
      toolField(lead),
      sourceIpField(lead),
    ]),
  ];
  const arn = options.showArn === false ? null : arnLine(lead);
  if (arn !== null) tail.push(contextBlock(arn));
  const reasons = reasonsSection(lead.severity, lead.reasons, ' (most severe change)');
  if (reasons !== null) tail.push(sectionBlock(reasons));
  const links = linksLine(lead, allResources(lines), {
    eventLabel: 'CloudTrail event (most severe)',
    consoleAccess: options.consoleAccess,
  });
  if (links !== null) tail.push(contextBlock(links));
  tail.push(
    contextBlock(
      metaLine(lead.id, alert.watch ?? lead.watch, lead.watches, options.watchTitle, 'Lead event'),
    ),
  );
  const recovered = lines.filter((line) => line.recovered).length;
  if (recovered > 0) tail.push(contextBlock(recoveredLine(recovered, count)));
  const acknowledged = alert.acknowledgement !== undefined;
  if (!acknowledged && alert.status === 'acknowledged') {
    // Acknowledged in the store without the record of who: still no buttons.
    tail.push(contextBlock(`✅ Acknowledged · covers all ${count} changes`));
  } else {
    tail.push(
      ...statusAndActions(
        alertId,
        alert.acknowledgement,
        alert.investigation,
        {
          since: span.first ?? lead.time,
          sinceLabel: 'the first change',
          coverage: `covers all ${count} changes`,
        },
        `Acknowledge all ${count}`,
        alert.rev,
      ),
    );
  }

  const body = listBlocks(lines, SLACK_LIMITS.messageBlocks - head.length - tail.length);
  return {
    text: fallbackText(severity, `${headline.text}. Most severe: ${leadSummary}`),
    blocks: limitBlocks([...head, ...body, ...tail]),
  };
}

/** Critical lines, then warnings, then the rest counted by event name, within `budget` blocks. */
function listBlocks(lines: readonly ChangeLine[], budget: number): KnownBlock[] {
  const critical = lines.filter((line) => line.severity === 'critical');
  const warnings = lines.filter((line) => line.severity === 'warning');
  const listed = new Set<ChangeLine>();
  const texts: string[] = [];
  // One block stays free for the counted rest, one for warnings when there are any.
  let free = budget - 1;

  if (critical.length > 0 && free > 0) {
    const sections = free - (warnings.length > 0 ? 1 : 0);
    const lineMax = lineBudget(critical.length, sections);
    const packed = packLines(
      [
        `*${SEVERITY_MARKERS.critical} Critical changes (${critical.length})*`,
        ...critical.map((l) => changeLine(l, lineMax)),
      ],
      { maxSections: Math.max(sections, 1), noun: 'critical changes, counted below' },
    );
    for (const line of critical.slice(0, Math.max(packed.shown - 1, 0))) listed.add(line);
    texts.push(...packed.sections);
    free -= packed.sections.length;
  }
  if (warnings.length > 0 && free > 0) {
    const shown = warnings.slice(0, WARNINGS_LISTED);
    const packed = packLines(
      [
        `*${SEVERITY_MARKERS.warning} Warnings (${warnings.length})*`,
        ...shown.map((l) => changeLine(l, LINE_MAX)),
      ],
      { maxSections: free, noun: 'warnings, counted below' },
    );
    for (const line of shown.slice(0, Math.max(packed.shown - 1, 0))) listed.add(line);
    texts.push(...packed.sections);
  }

  const rest = lines.filter((line) => !listed.has(line));
  if (rest.length > 0) texts.push(restSummary(rest, listed.size > 0));
  return texts.map(sectionBlock);
}

/** How long each change line may be so that `count` lines fit in `sections` sections. */
function lineBudget(count: number, sections: number): number {
  const perLine = Math.floor((Math.max(sections, 1) * SLACK_LIMITS.sectionText) / (count + 1)) - 1;
  return Math.max(LINE_MIN, Math.min(LINE_MAX, perLine));
}

/** `• 🔴 `AuthorizeSecurityGroupIngress` alice opened tcp/22…`, cut to `max` characters. */
function changeLine(line: ChangeLine, max: number): string {
  const summary =
    line.summary === '' ? '' : ` ${escapeMrkdwn(truncate(line.summary, max), { singleLine: true })}`;
  return truncateMrkdwn(`• ${inlineCode(truncate(line.eventName, 80))}${summary}`, max);
}

/** `*Also in this burst (30 changes):* 12× AuthorizeSecurityGroupIngress, 3× CreateSecurityGroup`. */
function restSummary(rest: readonly ChangeLine[], afterList: boolean): string {
  const counts = new Map<string, number>();
  for (const line of rest) counts.set(line.eventName, (counts.get(line.eventName) ?? 0) + 1);
  const entries = [...counts.entries()].sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  );
  const heading = `*${afterList ? 'Also in this burst' : 'Changes'} (${rest.length}):* `;
  const unlistedCritical = rest.filter((line) => line.severity === 'critical').length;
  const warning =
    unlistedCritical > 0
      ? `\n${SEVERITY_MARKERS.critical} ${unlistedCritical} critical changes did not fit in one Slack message and are only counted here`
      : '';
  const items = entries.map(([name, n]) => `${n}× ${escapeMrkdwn(truncate(name, 80), { singleLine: true })}`);
  const room = SLACK_LIMITS.sectionText - heading.length - warning.length;
  return `${heading}${joinWithinLimit(items, room, ', ', 'event names').text}${warning}`;
}

function severityBreakdown(lines: readonly ChangeLine[]): string {
  const order: Severity[] = ['critical', 'warning', 'info'];
  return order
    .map((severity) => [severity, lines.filter((line) => line.severity === severity).length] as const)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${SEVERITY_MARKERS[severity]} ${n} ${severity}`)
    .join(' · ');
}

function sortBySeverity(lines: readonly ChangeLine[]): ChangeLine[] {
  // Array.prototype.sort is stable: within a severity the stored order (oldest first) is kept.
  return [...lines].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}

function highestSeverity(stated: Severity, lines: readonly ChangeLine[]): Severity {
  return lines.reduce<Severity>(
    (worst, line) => (SEVERITY_RANK[line.severity] > SEVERITY_RANK[worst] ? line.severity : worst),
    stated,
  );
}

function timeSpan(lines: readonly ChangeLine[]): {
  first: string | null;
  last: string | null;
  ms: number | null;
} {
  let first: { time: string; ms: number } | null = null;
  let last: { time: string; ms: number } | null = null;
  for (const line of lines) {
    const ms = parseIsoTime(line.time);
    if (ms === null) continue;
    if (first === null || ms < first.ms) first = { time: line.time, ms };
    if (last === null || ms > last.ms) last = { time: line.time, ms };
  }
  return {
    first: first?.time ?? null,
    last: last?.time ?? null,
    ms: first && last ? last.ms - first.ms : null,
  };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Every resource of the burst once, most severe change first, each with the region of its change. */
function allResources(lines: readonly ChangeLine[]): LinkedResource[] {
  const seen = new Map<string, LinkedResource>();
  for (const line of lines) {
    for (const resource of line.resources) {
      const key = `${line.region}\u0000${resource.type}\u0000${resource.id}`;
      if (!seen.has(key)) seen.set(key, { ...resource, region: line.region });
    }
  }
  return [...seen.values()];
}

/**
 * `alice made 37 changes (Security groups) in us-east-1 over 2 min`: the header (plain text, actor cut to keep
 * the count and the span visible) and the same sentence for the fallback text.
 */
function burstHeadline(
  actor: string,
  count: number,
  watchTitle: string | null,
  regions: readonly string[],
  span: { ms: number | null },
): { header: string; text: string } {
  const where =
    regions.length === 0
      ? ''
      : regions.length <= 2
        ? ` in ${regions.map((region) => truncate(region, 30)).join(', ')}`
        : ` in ${regions.length} regions`;
  const duration = span.ms === null ? null : formatDuration(span.ms);
  const over =
    duration === null ? '' : duration === 'less than a minute' ? ' within a minute' : ` over ${duration}`;
  const watch = watchTitle === null || watchTitle === '' ? '' : ` (${truncate(watchTitle, 40)})`;
  const rest = ` made ${count} changes${watch}${where}${over}`;
  const who = actor === '' ? 'Someone' : actor;
  const actorRoom = Math.max(20, Math.min(ACTOR_IN_HEADER_MAX, SLACK_LIMITS.headerText - 3 - rest.length));
  return { header: `${truncate(who, actorRoom)}${rest}`, text: `${truncate(who, 200)}${rest}` };
}
