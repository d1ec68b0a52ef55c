import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { Acknowledgement, Investigation } from '../model/alert';
import type { Change, Detail, ResourceRef, Tool } from '../model/change';
import type { Severity } from '../model/severity';
import { alertActionsBlock } from './actions';
import { andMore, joinWithinLimit, mrkdwnText, packLines, plainText, SLACK_LIMITS } from './limits';
import {
  type ConsoleAccess,
  cloudTrailEventUrl,
  resourceConsoleUrl,
  resourceTypeLabel,
  viaAccessPortal,
} from './links';
import {
  codeBlock,
  date,
  ELLIPSIS,
  escapeEmphasized,
  escapeMrkdwn,
  inlineCode,
  link,
  mention,
  parseIsoTime,
  truncate,
  truncateMrkdwn,
} from './mrkdwn';

/** Pieces shared by the single and the grouped alert. Internal to src/views. */

/** Severity markers: coloured circles that read the same in a header (plain_text) and in mrkdwn. */
export const SEVERITY_MARKERS: Readonly<Record<Severity, string>> = {
  critical: '🔴',
  warning: '🟠',
  info: '🔵',
};

export const SEVERITY_LABELS: Readonly<Record<Severity, string>> = {
  critical: 'Critical',
  warning: 'Warning',
  info: 'Info',
};

export const TOOL_LABELS: Readonly<Record<Tool, string>> = {
  console: 'Console',
  cli: 'AWS CLI',
  terraform: 'Terraform',
  cloudformation: 'CloudFormation',
  cdk: 'AWS CDK',
  pulumi: 'Pulumi',
  sdk: 'AWS SDK',
  'aws-service': 'AWS service',
  unknown: 'Unknown',
};

/** Account aliases: one name for every account, or a map from account id to name. */
export type AccountAlias = string | Readonly<Record<string, string>>;

// Readability caps for single values; Slack's own limits are larger and enforced separately.
const ACTOR_MAX = 300;
const ARN_MAX = 600;
const USER_AGENT_MAX = 120;
const ERROR_MESSAGE_MAX = 600;
const NOTE_MAX = 1000;
const RESOURCE_ID_MAX = 80;
/** Resources a message links; more are counted. */
export const RESOURCES_SHOWN = 6;
/** A detail value longer than this, or with a line break, is shown as a code block. */
const INLINE_DETAIL_MAX = 120;
/** One code block of a detail (a bucket policy): leaves room in its section for the label and the "more" note. */
const DETAIL_BLOCK_MAX = 2600;
const DETAIL_SECTIONS = 2;
const REASONS_MAX = 3000;

export function headerBlock(text: string): HeaderBlock {
  return { type: 'header', text: plainText(text, SLACK_LIMITS.headerText) };
}

export function sectionBlock(mrkdwn: string): SectionBlock {
  return { type: 'section', text: mrkdwnText(mrkdwn, SLACK_LIMITS.sectionText) };
}

/**
 * The context line of an alert whose change reconciliation found in CloudTrail's event history: EventBridge
 * never delivered it, so it arrives late, and the reader should know why. Fixed text, escaped like any other.
 */
export function recoveredLine(recovered: number, total: number): string {
  const what =
    total === 1
      ? 'Recovered'
      : recovered === total
        ? `All ${total} recovered`
        : `${recovered} of ${total} recovered`;
  return `↩️ ${escapeMrkdwn(`${what} from CloudTrail (not delivered by EventBridge)`)}`;
}

export function contextBlock(...elements: string[]): ContextBlock {
  return {
    type: 'context',
    elements: elements
      .slice(0, SLACK_LIMITS.contextElements)
      .map((text) => mrkdwnText(text, SLACK_LIMITS.contextElementText)),
  };
}

export function fieldsBlock(fields: readonly string[]): SectionBlock {
  return {
    type: 'section',
    fields: fields
      .slice(0, SLACK_LIMITS.sectionFields)
      .map((text) => mrkdwnText(text, SLACK_LIMITS.fieldText)),
  };
}

/** How the call ended, when it did not simply succeed: dry run, denied or failed. */
export type OutcomeKind = 'ok' | 'dry-run' | 'denied' | 'failed';

export function outcomeKind(change: Change): OutcomeKind {
  if (change.dryRun) return 'dry-run';
  if (change.outcome.ok) return 'ok';
  return /AccessDenied|Unauthorized|Forbidden|NotAuthorized/i.test(change.outcome.errorCode ?? '')
    ? 'denied'
    : 'failed';
}

const OUTCOME_TAGS: Readonly<Record<OutcomeKind, string>> = {
  ok: '',
  'dry-run': ' (dry run)',
  denied: ' (denied)',
  failed: ' (failed)',
};

export function outcomeTag(change: Change): string {
  return OUTCOME_TAGS[outcomeKind(change)];
}

/** `⛔ *Denied* `AccessDenied` — User: … is not authorized…`, or null when the call succeeded. */
export function outcomeLine(change: Change): string | null {
  const kind = outcomeKind(change);
  if (kind === 'ok') return null;
  if (kind === 'dry-run') return '🧪 *Dry run*: permissions were checked, nothing was changed';
  const code = change.outcome.errorCode;
  const message = change.outcome.errorMessage;
  const parts = [kind === 'denied' ? '⛔ *Denied*' : '⚠️ *Failed*'];
  if (code !== undefined && code !== '') parts.push(inlineCode(truncate(code, 100)));
  if (message !== undefined && message !== '') {
    parts.push(`— ${escapeMrkdwn(truncate(message, ERROR_MESSAGE_MAX), { singleLine: true })}`);
  }
  return parts.join(' ');
}

export function aliasOf(account: string, alias: AccountAlias | undefined): string | null {
  if (alias === undefined) return null;
  const name = typeof alias === 'string' ? alias : alias[account];
  return name === undefined || name === '' ? null : name;
}

function oneLine(text: string, max: number): string {
  return escapeMrkdwn(truncate(text, max), { singleLine: true });
}

export function whoField(change: Change): string {
  const { actor } = change;
  const flags: string[] = [];
  if (actor.viaConsole) flags.push('console');
  // MFA says something about people; an AWS service acting for the account never has it.
  const service = actor.type === 'AWSService' || change.tool === 'aws-service';
  if (!service && actor.mfa === true) flags.push('MFA');
  if (!service && actor.mfa === false) flags.push('no MFA');
  const display = actor.display === '' ? (actor.arn ?? 'unknown') : actor.display;
  return `*Who*\n${oneLine(display, ACTOR_MAX)}${flags.length > 0 ? `\n_${flags.join(' · ')}_` : ''}`;
}

export function accountField(account: string, alias: AccountAlias | undefined): string {
  const name = aliasOf(account, alias);
  const id = oneLine(account === '' ? 'unknown' : account, 100);
  return `*Account*\n${name === null ? id : `${oneLine(name, 100)} (${id})`}`;
}

export function regionField(regions: readonly string[]): string {
  const label = regions.length > 1 ? 'Regions' : 'Region';
  const shown = joinWithinLimit(
    regions.map((region) => oneLine(region, 40)),
    300,
    ', ',
    'regions',
  );
  return `*${label}*\n${shown.text === '' ? 'unknown' : shown.text}`;
}

export function whenField(first: string, last?: string): string {
  if (last === undefined || last === first) return `*When*\n${date(first)}`;
  const firstMs = parseIsoTime(first);
  const lastMs = parseIsoTime(last);
  const sameDay = firstMs !== null && lastMs !== null && Math.abs(lastMs - firstMs) < 12 * 60 * 60 * 1000;
  return `*When*\n${date(first)} to ${sameDay ? date(last, undefined, '{time}') : date(last)}`;
}

export function toolField(change: Change): string {
  const label = TOOL_LABELS[change.tool] ?? 'Unknown';
  const agent =
    change.tool === 'unknown' && change.userAgent !== null && change.userAgent !== ''
      ? `\n${inlineCode(truncate(change.userAgent, USER_AGENT_MAX))}`
      : '';
  return `*Tool*\n${label}${agent}`;
}

export function sourceIpField(change: Change): string {
  const ip = change.sourceIp;
  return `*Source IP*\n${ip === null || ip === '' ? '—' : oneLine(ip, 100)}`;
}

/** The caller's full ARN, small, under the fields. */
export function arnLine(change: Change): string | null {
  const arn = change.actor.arn;
  return arn === null || arn === '' ? null : `ARN ${inlineCode(truncate(arn, ARN_MAX))}`;
}

/** `*Why critical*` and one bullet per reason. */
export function reasonsSection(severity: Severity, reasons: readonly string[], note = ''): string | null {
  if (reasons.length === 0) return null;
  const lines = [
    `*Why ${severity}*${note}`,
    ...reasons.map((reason) => `• ${escapeMrkdwn(truncate(reason, 500), { singleLine: true })}`),
  ];
  return joinWithinLimit(lines, Math.min(REASONS_MAX, SLACK_LIMITS.sectionText), '\n', 'reasons').text;
}

/**
 * The `details` as section texts under `*What changed*`: short values as inline code on one bullet line, long
 * or multi-line values (policies, user data) as a code block cut to fit, with how much was left out.
 */
export function detailSections(details: readonly Detail[]): string[] {
  if (details.length === 0) return [];
  const lines = ['*What changed*', ...details.map(detailLine)];
  return packLines(lines, { maxSections: DETAIL_SECTIONS, noun: 'details' }).sections;
}

function detailLine(detail: Detail): string {
  const label = detail.label === '' ? '' : `*${escapeEmphasized(truncate(detail.label, 100))}*`;
  const value = detail.value;
  if (value.length <= INLINE_DETAIL_MAX && !/[\r\n\u2028\u2029]/.test(value)) {
    return `• ${label === '' ? '' : `${label} `}${inlineCode(value)}`;
  }
  const { shown, omitted } = clipForCodeBlock(value, DETAIL_BLOCK_MAX);
  const more =
    omitted > 0 ? `\n_${ELLIPSIS}${omitted.toLocaleString('en-US')} more characters not shown_` : '';
  return `${label === '' ? '' : `${label}\n`}${shown}${more}`;
}

/**
 * The longest prefix of `raw` whose code block fits in `max` characters, and how many raw characters were left
 * out (exact). Escaping grows text by up to five times (`&` → `&amp;`) and sanitising shrinks it (CRLF, control
 * characters), so the prefix is found by bisection on the escaped form: a step that subtracts the overshoot
 * from the length would fall to a single character on text full of `<`, `>` and `&` (an XML policy).
 * Only the first `2 × max` characters are considered, so a megabyte-sized value costs a few small escapes.
 */
export function clipForCodeBlock(raw: string, max: number): { shown: string; omitted: number } {
  const window = Math.min(raw.length, max * 2);
  if (window === raw.length) {
    const whole = codeBlock(raw);
    if (whole.length <= max) return { shown: whole, omitted: 0 };
  }
  // Invariant: a prefix of `low` characters fits (the empty one is shown as `_(empty)_`); `high + 1` does not.
  let low = 0;
  let high = window === raw.length ? raw.length - 1 : window;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (codeBlock(raw.slice(0, middle)).length <= max) low = middle;
    else high = middle - 1;
  }
  // Never split a surrogate pair.
  const code = raw.charCodeAt(low - 1);
  const keep = code >= 0xd800 && code <= 0xdbff ? low - 1 : low;
  return { shown: codeBlock(raw.slice(0, keep)), omitted: raw.length - keep };
}

/** A resource to link, with the region it lives in when that is not the change's (a burst across regions). */
export type LinkedResource = ResourceRef & { region?: string };

/**
 * `security group <console-url|sg-0abc>`, or the id as inline code where no console page is known. With
 * `access`, the link goes through the IAM Identity Center access portal into the change's account.
 */
export function resourceLink(
  resource: LinkedResource,
  change: Pick<Change, 'region' | 'account'>,
  access?: ConsoleAccess,
): string {
  const region = resource.region ?? change.region;
  const url = viaAccessPortal(
    resourceConsoleUrl(resource, { region, account: change.account }),
    change.account,
    access,
  );
  const id = truncate(resource.id, RESOURCE_ID_MAX);
  const shown = url === null ? inlineCode(id) : link(url, id);
  return `${escapeMrkdwn(truncate(resourceTypeLabel(resource.type), 60), { singleLine: true })} ${shown}`;
}

/**
 * `🔗 CloudTrail event · security group sg-0abc · …and 294 more`: the event and the first resources, linked to the
 * console where InfraWatch knows the page.
 */
export function linksLine(
  change: Pick<Change, 'id' | 'region' | 'account'>,
  resources: readonly LinkedResource[],
  options: {
    eventLabel?: string;
    consoleAccess?: ConsoleAccess | undefined;
    /** How many resources there are in all, when `resources` holds only the first (`atLeast`: or more). */
    total?: { count: number; atLeast: boolean };
  } = {},
): string | null {
  const { eventLabel = 'CloudTrail event', consoleAccess } = options;
  const total = options.total ?? { count: resources.length, atLeast: false };
  const parts: string[] = [];
  const eventUrl = eventConsoleUrl(change, change.account, consoleAccess);
  if (eventUrl !== null) parts.push(link(eventUrl, eventLabel));
  for (const resource of resources.slice(0, RESOURCES_SHOWN)) {
    parts.push(resourceLink(resource, change, consoleAccess));
  }
  const more = total.count - Math.min(resources.length, RESOURCES_SHOWN);
  if (more > 0) parts.push(andMore(more, 'resources', { atLeast: total.atLeast }));
  if (parts.length === 0) return null;
  return truncateMrkdwn(`🔗 ${parts.join(' · ')}`, SLACK_LIMITS.contextElementText);
}

/** The CloudTrail page of an event of `account`, through the access portal when `access` is set. */
export function eventConsoleUrl(
  event: { id: string; region: string },
  account: string,
  access: ConsoleAccess | undefined,
): string | null {
  return viaAccessPortal(cloudTrailEventUrl(event.region, event.id), account, access);
}

/** `Event `…` · Watch: Security groups`. */
export function metaLine(
  eventId: string,
  watch: string | null,
  watches: readonly string[],
  watchTitle: string | undefined,
  eventLabel = 'Event',
): string {
  const parts = [`${eventLabel} ${inlineCode(truncate(eventId, 100))}`];
  const watchName = watchTitle ?? watch;
  if (watchName !== null && watchName !== '') {
    const others = watches.filter((id) => id !== watch).length;
    parts.push(`Watch: ${oneLine(watchName, 100)}${others > 0 ? ` (+${others} more)` : ''}`);
  }
  return parts.join(' · ');
}

/** `4 min`, `2 h 5 min`, `3 d 2 h`; null for a negative span beyond clock skew. */
export function formatDuration(ms: number): string | null {
  if (ms < -60_000) return null;
  const minutes = Math.floor(Math.max(ms, 0) / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** What the acknowledgement or investigation covers, for the status line. */
export interface StatusScope {
  /** ISO time the delay is measured from (the change, or the first change of a group). */
  since: string;
  /** `the change` or `the first change`. */
  sinceLabel: string;
  /** `covers all 37 changes` for a group. */
  coverage?: string;
}

/** `✅ Acknowledged by <@U1> · 4 min after the change` (+ the note as a second element). */
export function acknowledgedElements(ack: Acknowledgement, scope: StatusScope): string[] {
  const parts = [`✅ Acknowledged by ${mention(ack.userId, ack.userName)}`];
  const from = parseIsoTime(scope.since);
  const at = parseIsoTime(ack.at);
  const delay = from === null || at === null ? null : formatDuration(at - from);
  if (delay !== null) parts.push(`${delay} after ${scope.sinceLabel}`);
  if (scope.coverage !== undefined) parts.push(scope.coverage);
  const elements = [parts.join(' · ')];
  if (ack.note !== undefined && ack.note.trim() !== '') {
    elements.push(`📝 ${escapeMrkdwn(truncate(ack.note.trim(), NOTE_MAX), { singleLine: true })}`);
  }
  return elements;
}

/** `🔎 Investigating: <@U1>`. */
export function investigatingElement(investigation: Investigation): string {
  return `🔎 Investigating: ${mention(investigation.userId, investigation.userName)}`;
}

/** The status line and the actions: acknowledged (no buttons), investigating (buttons kept), or open. */
export function statusAndActions(
  alertId: string,
  acknowledgement: Acknowledgement | undefined,
  investigation: Investigation | undefined,
  scope: StatusScope,
  acknowledgeLabel?: string,
  shownRev?: number,
): KnownBlock[] {
  if (acknowledgement !== undefined) return [contextBlock(...acknowledgedElements(acknowledgement, scope))];
  const actions = alertActionsBlock(alertId, acknowledgeLabel, shownRev);
  if (investigation !== undefined) return [contextBlock(investigatingElement(investigation)), actions];
  return [actions];
}

/** `Critical: <summary>`: escaped (Slack parses the top-level `text` as mrkdwn too) and short enough to notify. */
export function fallbackText(severity: Change['severity'], summary: string): string {
  const text = `${SEVERITY_LABELS[severity]}: ${escapeMrkdwn(summary, { singleLine: true })}`;
  return truncateMrkdwn(text, Math.min(SLACK_LIMITS.sectionText, SLACK_LIMITS.messageText));
}
