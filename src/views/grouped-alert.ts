import type { KnownBlock } from '@slack/types';
import { bySeverityThenTime } from '../changes/burst';
import type { AlertContent, BurstSummary, ListedLine } from '../model/alert';
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
import { LINE_MAX, summarizeLines } from './burst-summary';
import { joinWithinLimit, limitBlocks, packLines, SLACK_LIMITS } from './limits';
import { escapeMrkdwn, inlineCode, truncate, truncateMrkdwn } from './mrkdwn';

/**
 * Options of {@link renderGroupedAlert}. The acknowledgement and investigation come from the {@link AlertContent};
 * `alertId` defaults to `alert.id`.
 */
export type RenderGroupedAlertOptions = Pick<
  RenderAlertOptions,
  'alertId' | 'accountAlias' | 'consoleAccess' | 'watchTitle' | 'showArn'
>;

/** A change line is cut to no fewer characters than this (LINE_MAX when there is room). */
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
  const summary = alert.summary ?? summarizeLines(alert.lines);
  return summary.count > 1 ? renderBurst(alert, summary, options) : renderSingle(alert, summary, options);
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

function renderSingle(
  alert: AlertContent,
  summary: BurstSummary,
  options: RenderGroupedAlertOptions,
): RenderedMessage {
  const recordMissing = alert.status === 'acknowledged' && alert.acknowledgement === undefined;
  const message = renderAlert(alert.lead, {
    ...options,
    alertId: options.alertId ?? alert.id,
    acknowledgement: alert.acknowledgement,
    investigation: recordMissing ? undefined : alert.investigation,
    ...(summary.recovered > 0 ? { recovered: true } : {}),
    ...(alert.rev === undefined ? {} : { shownRev: alert.rev }),
  });
  if (!recordMissing) return message;
  // Acknowledged in the store without the record of who: still no buttons.
  const blocks = message.blocks.filter((block) => block.type !== 'actions');
  return { ...message, blocks: [...blocks, contextBlock('✅ Acknowledged')] };
}

function renderBurst(
  alert: AlertContent,
  summary: BurstSummary,
  options: RenderGroupedAlertOptions,
): RenderedMessage {
  const alertId = options.alertId ?? alert.id;
  assertAlertId(alertId);
  const { lead } = alert;
  const { count, regions } = summary;
  const severity = highestSeverity(alert.severity, summary);
  const span = {
    first: summary.first?.time ?? null,
    last: summary.last?.time ?? null,
    ms: summary.first && summary.last ? summary.last.ms - summary.first.ms : null,
  };
  const watchTitle = options.watchTitle ?? alert.watch ?? lead.watch ?? null;
  const headline = burstHeadline(lead.actor.display, count, watchTitle, regions, span);

  const leadSummary = lead.summary === '' ? lead.eventName : lead.summary;
  // The lead is listed with the critical changes or the warnings; an all-info burst names it here instead.
  const leadLine = lead.severity === 'info' ? `\n*Most severe:* ${escapeMrkdwn(leadSummary)}` : '';
  const head: KnownBlock[] = [
    headerBlock(`${SEVERITY_MARKERS[severity]} ${headline.header}`),
    sectionBlock(`${severityBreakdown(summary)}${leadLine}`),
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
  const links = linksLine(
    lead,
    summary.resources.map(({ region, type, id }) => ({ type, id, region })),
    {
      eventLabel: 'CloudTrail event (most severe)',
      consoleAccess: options.consoleAccess,
      total: { count: summary.resourceKeys.length, atLeast: summary.resourcesOverflow === true },
    },
  );
  if (links !== null) tail.push(contextBlock(links));
  tail.push(
    contextBlock(
      metaLine(lead.id, alert.watch ?? lead.watch, lead.watches, options.watchTitle, 'Lead event'),
    ),
  );
  if (summary.recovered > 0) tail.push(contextBlock(recoveredLine(summary.recovered, count)));
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

  // Every critical change is listed while Slack's limit leaves room: from the lines when they are at hand (a
  // summary keeps only the first CRITICAL_KEPT, and a render of a burst with more reads every line).
  const critical =
    alert.lines.length > 0
      ? [...alert.lines].filter((line) => line.severity === 'critical').sort(bySeverityThenTime)
      : summary.critical;
  const body = listBlocks(summary, critical, SLACK_LIMITS.messageBlocks - head.length - tail.length);
  return {
    text: fallbackText(severity, `${headline.text}. Most severe: ${leadSummary}`),
    blocks: limitBlocks([...head, ...body, ...tail]),
  };
}

/** Critical lines, then warnings, then the rest counted by event name, within `budget` blocks. */
function listBlocks(summary: BurstSummary, critical: readonly ListedLine[], budget: number): KnownBlock[] {
  const { warnings } = summary;
  const criticalCount = summary.bySeverity.critical;
  const warningCount = summary.bySeverity.warning;
  const listed: ListedLine[] = [];
  const texts: string[] = [];
  // One block stays free for the counted rest, one for warnings when there are any.
  let free = budget - 1;

  if (criticalCount > 0 && free > 0) {
    const sections = free - (warningCount > 0 ? 1 : 0);
    const lineMax = lineBudget(critical.length, sections);
    const packed = packLines(
      [
        `*${SEVERITY_MARKERS.critical} Critical changes (${criticalCount})*`,
        ...critical.map((l) => changeLine(l, lineMax)),
      ],
      { maxSections: Math.max(sections, 1), noun: 'critical changes, counted below' },
    );
    listed.push(...critical.slice(0, Math.max(packed.shown - 1, 0)));
    texts.push(...packed.sections);
    free -= packed.sections.length;
  }
  if (warningCount > 0 && free > 0) {
    const packed = packLines(
      [
        `*${SEVERITY_MARKERS.warning} Warnings (${warningCount})*`,
        ...warnings.map((l) => changeLine(l, LINE_MAX)),
      ],
      { maxSections: free, noun: 'warnings, counted below' },
    );
    listed.push(...warnings.slice(0, Math.max(packed.shown - 1, 0)));
    texts.push(...packed.sections);
  }

  if (summary.count > listed.length) texts.push(restSummary(summary, listed));
  return texts.map(sectionBlock);
}

/** How long each change line may be so that `count` lines fit in `sections` sections. */
function lineBudget(count: number, sections: number): number {
  const perLine = Math.floor((Math.max(sections, 1) * SLACK_LIMITS.sectionText) / (count + 1)) - 1;
  return Math.max(LINE_MIN, Math.min(LINE_MAX, perLine));
}

/** `• 🔴 `AuthorizeSecurityGroupIngress` alice opened tcp/22…`, cut to `max` characters. */
function changeLine(line: ListedLine, max: number): string {
  const summary =
    line.summary === '' ? '' : ` ${escapeMrkdwn(truncate(line.summary, max), { singleLine: true })}`;
  return truncateMrkdwn(`• ${inlineCode(truncate(line.eventName, 80))}${summary}`, max);
}

/**
 * `*Also in this burst (30 changes):* 12× AuthorizeSecurityGroupIngress, 3× CreateSecurityGroup`: every line
 * not `listed`, counted by event name.
 */
function restSummary(summary: BurstSummary, listed: readonly ListedLine[]): string {
  const counts = new Map(summary.events.map(({ name, count }) => [name, count]));
  for (const line of listed) counts.set(line.eventName, (counts.get(line.eventName) ?? 0) - 1);
  const entries = [...counts.entries()]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const rest = summary.count - listed.length;
  const heading = `*${listed.length > 0 ? 'Also in this burst' : 'Changes'} (${rest}):* `;
  const unlistedCritical =
    summary.bySeverity.critical - listed.filter((line) => line.severity === 'critical').length;
  const warning =
    unlistedCritical > 0
      ? `\n${SEVERITY_MARKERS.critical} ${unlistedCritical} critical changes did not fit in one Slack message and are only counted here`
      : '';
  const items = entries.map(([name, n]) => `${n}× ${escapeMrkdwn(truncate(name, 80), { singleLine: true })}`);
  const room = SLACK_LIMITS.sectionText - heading.length - warning.length;
  return `${heading}${joinWithinLimit(items, room, ', ', 'event names').text}${warning}`;
}

function severityBreakdown(summary: BurstSummary): string {
  const order: Severity[] = ['critical', 'warning', 'info'];
  return order
    .map((severity) => [severity, summary.bySeverity[severity]] as const)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${SEVERITY_MARKERS[severity]} ${n} ${severity}`)
    .join(' · ');
}

function highestSeverity(stated: Severity, summary: BurstSummary): Severity {
  const order: Severity[] = ['critical', 'warning', 'info'];
  const worst = order.find((severity) => summary.bySeverity[severity] > 0) ?? stated;
  return SEVERITY_RANK[worst] > SEVERITY_RANK[stated] ? worst : stated;
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
