import type { KnownBlock, ModalView } from '@slack/types';
import type { AlertContent, ChangeLine } from '../model/alert';
import { SEVERITY_RANK } from '../model/severity';
import { VIEW_IDS } from './actions';
import {
  type AccountAlias,
  accountField,
  acknowledgedElements,
  arnLine,
  clipForCodeBlock,
  contextBlock,
  detailSections,
  eventConsoleUrl,
  fieldsBlock,
  formatDuration,
  headerBlock,
  investigatingElement,
  linksLine,
  metaLine,
  outcomeLine,
  outcomeTag,
  reasonsSection,
  regionField,
  resourceLink,
  SEVERITY_LABELS,
  SEVERITY_MARKERS,
  sectionBlock,
  sourceIpField,
  toolField,
  whenField,
  whoField,
} from './alert-parts';
import { joinWithinLimit, limitBlocks, packLines, plainText, SLACK_LIMITS } from './limits';
import type { ConsoleAccess } from './links';
import { codeBlock, date, ELLIPSIS, escapeMrkdwn, inlineCode, link, parseIsoTime, truncate } from './mrkdwn';

/** What the Investigate modal shows: the alert, its lead change's raw event and the actor's other changes. */
export interface InvestigateModalInput {
  content: AlertContent;
  /** The lead change's raw event as stored (JSON text, possibly cut to fit the item; empty when not stored). */
  raw: string;
  /** Other changes by the same actor in the last 24 hours, in any order; lines of this alert are left out. */
  related: ChangeLine[];
  /** ISO-8601: when the modal is opened; the change's age is counted to here. */
  now: string;
  accountAlias?: AccountAlias;
  /** Console links through this IAM Identity Center access portal (see `RenderAlertOptions`). */
  consoleAccess?: ConsoleAccess;
  /** The alert's watch title (e.g. `Security groups`); default: the watch id. */
  watchTitle?: string;
}

const USER_AGENT_MAX = 1000;
const SUMMARY_LINE_MAX = 300;
/** Sections for the other changes of a burst, and for the actor's other changes. */
const LIST_SECTIONS = 3;
/** Sections of raw event: about 23,000 characters, more than most CloudTrail events pretty-printed. */
const RAW_SECTIONS = 8;
/** A raw-event code block: a section holds 3,000 characters; the rest is margin for the closing fence. */
const RAW_BLOCK_MAX = 2900;

/**
 * The Investigate modal: everything about the alert's lead change (summary, outcome, who with ARN and identity
 * type, account and alias, region, when and how long ago, tool and user agent, source IP), its severity and every
 * reason, every detail and resource with console links, the CloudTrail event link; for a burst the other changes
 * (most severe first, linked to CloudTrail, capped with `…and N more`); the actor's other changes in the last
 * 24 hours; and the raw event pretty-printed, cut to fit with the number of characters left out.
 *
 * Read-only: a close button, no submit (`callback_id` {@link VIEW_IDS.investigateModal}). Pure: the age comes from
 * `now`. Every string from the event is escaped, and the view stays within 100 blocks and 3,000 characters per
 * section whatever the input size.
 */
export function renderInvestigateModal(input: InvestigateModalInput): ModalView {
  const { content } = input;
  const lead = content.lead;
  const nowMs = parseIsoTime(input.now);
  const blocks: KnownBlock[] = [];

  const title = input.watchTitle ?? content.watch ?? lead.watch ?? null;
  blocks.push(
    headerBlock(
      `${SEVERITY_MARKERS[lead.severity]} ${title === null ? '' : `${title}: `}${lead.eventName}${outcomeTag(lead)}`,
    ),
  );
  const summary = escapeMrkdwn(lead.summary === '' ? lead.eventName : lead.summary);
  const outcome = outcomeLine(lead) ?? '✅ Succeeded';
  const burst =
    content.lines.length > 1
      ? `\n_This alert holds ${content.lines.length.toLocaleString('en-US')} changes by this actor; the most severe is shown in full._`
      : '';
  blocks.push(
    sectionBlock(
      `${summary}\n${outcome}\n*Severity:* ${SEVERITY_MARKERS[lead.severity]} ${SEVERITY_LABELS[lead.severity]}${burst}`,
    ),
  );

  const created = parseIsoTime(lead.time);
  const age = nowMs === null || created === null ? null : formatDuration(nowMs - created);
  blocks.push(
    fieldsBlock([
      whoField(lead),
      accountField(lead.account, input.accountAlias),
      regionField([lead.region]),
      `${whenField(lead.time)}${age === null ? '' : `\n_${age} ago_`}`,
      toolField(lead),
      sourceIpField(lead),
      `*Identity type*\n${escapeMrkdwn(lead.actor.type, { singleLine: true })}`,
      `*User agent*\n${lead.userAgent === null || lead.userAgent === '' ? '—' : inlineCode(truncate(lead.userAgent, USER_AGENT_MAX))}`,
    ]),
  );
  const arn = arnLine(lead);
  if (arn !== null) blocks.push(contextBlock(arn));

  const reasons = reasonsSection(lead.severity, lead.reasons);
  if (reasons !== null) blocks.push(sectionBlock(reasons));
  for (const text of detailSections(lead.details)) blocks.push(sectionBlock(text));
  const resources = resourcesSection(lead, input.consoleAccess);
  if (resources !== null) blocks.push(sectionBlock(resources));

  const links = linksLine(lead, [], { consoleAccess: input.consoleAccess });
  const meta = metaLine(lead.id, content.watch ?? lead.watch, lead.watches, input.watchTitle);
  blocks.push(links === null ? contextBlock(meta) : contextBlock(links, meta));
  const status = statusElements(content);
  if (status.length > 0) blocks.push(contextBlock(...status));

  const others = otherLines(content);
  if (others.length > 0) {
    blocks.push({ type: 'divider' });
    const lines = [
      `*Other changes in this alert (${others.length.toLocaleString('en-US')})*, most severe first`,
      ...others.map((line) => burstLine(line, lead.account, input.consoleAccess)),
    ];
    for (const text of packLines(lines, { maxSections: LIST_SECTIONS, noun: 'changes' }).sections) {
      blocks.push(sectionBlock(text));
    }
  }

  blocks.push({ type: 'divider' });
  for (const text of relatedSections(input.related, content)) blocks.push(sectionBlock(text));

  blocks.push({ type: 'divider' });
  // Whatever room is left (at least one section) goes to the raw event, after its heading and the cut note.
  const room = SLACK_LIMITS.modalBlocks - blocks.length - 2;
  blocks.push(...rawEventBlocks(input.raw, Math.max(1, Math.min(RAW_SECTIONS, room))));

  return {
    type: 'modal',
    callback_id: VIEW_IDS.investigateModal,
    title: plainText('Investigate', SLACK_LIMITS.modalTitle),
    close: plainText('Close', SLACK_LIMITS.modalTitle),
    blocks: limitBlocks(blocks, SLACK_LIMITS.modalBlocks),
  };
}

/** `*Resources (3)*` and one linked resource a line. */
function resourcesSection(lead: AlertContent['lead'], access: ConsoleAccess | undefined): string | null {
  if (lead.resources.length === 0) return null;
  const heading = `*Resources (${lead.resources.length.toLocaleString('en-US')})*`;
  const lines = lead.resources.map((resource) => `• ${resourceLink(resource, lead, access)}`);
  const room = SLACK_LIMITS.sectionText - heading.length - 1;
  return `${heading}\n${joinWithinLimit(lines, room, '\n', 'resources').text}`;
}

function statusElements(content: AlertContent): string[] {
  const first = content.lines.reduce<string | null>((earliest, line) => {
    const ms = parseIsoTime(line.time);
    const best = earliest === null ? null : parseIsoTime(earliest);
    return ms !== null && (best === null || ms < best) ? line.time : earliest;
  }, null);
  if (content.acknowledgement !== undefined) {
    const burst = content.lines.length > 1;
    return acknowledgedElements(content.acknowledgement, {
      since: first ?? content.lead.time,
      sinceLabel: burst ? 'the first change' : 'the change',
      ...(burst ? { coverage: `covers all ${content.lines.length} changes` } : {}),
    });
  }
  if (content.investigation !== undefined) return [investigatingElement(content.investigation)];
  return [];
}

/** The burst's lines other than the lead: most severe first, then in stored order (oldest first). */
function otherLines(content: AlertContent): ChangeLine[] {
  return content.lines
    .filter((line) => line.id !== content.lead.id)
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}

/** `• 🔴 <!date…> <CloudTrail|AuthorizeSecurityGroupIngress> alice opened…`; a burst is of one account. */
function burstLine(line: ChangeLine, account: string, access: ConsoleAccess | undefined): string {
  const url = eventConsoleUrl(line, account, access);
  const name = truncate(line.eventName, 80);
  const event = url === null ? inlineCode(name) : link(url, name);
  const summary =
    line.summary === ''
      ? ''
      : ` ${escapeMrkdwn(truncate(line.summary, SUMMARY_LINE_MAX), { singleLine: true })}`;
  return `• ${SEVERITY_MARKERS[line.severity]} ${date(line.time)} ${event}${summary}`;
}

/** The actor's other changes, newest first (`• <!date…> 🔴 summary`), or the sentence saying there are none. */
function relatedSections(related: readonly ChangeLine[], content: AlertContent): string[] {
  const own = new Set(content.lines.map((line) => line.id));
  own.add(content.lead.id);
  const lines = related
    .filter((line) => !own.has(line.id))
    .map((line, index) => ({ line, index, ms: parseIsoTime(line.time) ?? Number.NEGATIVE_INFINITY }))
    .sort((a, b) => b.ms - a.ms || a.index - b.index)
    .map(({ line }) => line);
  const heading = '*Other changes by this actor in the last 24 hours*';
  if (lines.length === 0) return [`${heading}\nNo other changes by this actor in the last 24 hours.`];
  const texts = lines.map((line) => {
    const summary =
      line.summary === ''
        ? inlineCode(truncate(line.eventName, 80))
        : escapeMrkdwn(truncate(line.summary, SUMMARY_LINE_MAX), { singleLine: true });
    return `• ${date(line.time)} ${SEVERITY_MARKERS[line.severity]} ${summary}`;
  });
  return packLines([`${heading} (${lines.length.toLocaleString('en-US')}), newest first`, ...texts], {
    maxSections: LIST_SECTIONS,
    noun: 'changes',
  }).sections;
}

/**
 * The raw event under a heading, pretty-printed when it is JSON, as code blocks of at most
 * {@link RAW_BLOCK_MAX} characters (cut at line ends where possible) in at most `sections` sections, and a note
 * with the number of characters left out.
 */
function rawEventBlocks(raw: string, sections: number): KnownBlock[] {
  if (raw.trim() === '') {
    return [sectionBlock('*Raw event*\n_The raw event was not stored._')];
  }
  const pretty = prettyJson(raw);
  const heading =
    pretty === null
      ? '*Raw event*, as stored: it is not valid JSON (the stored copy may have been cut to fit)'
      : '*Raw event*';
  const text = pretty ?? raw;
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > 0 && chunks.length < sections) {
    const { shown, omitted } = clipForCodeBlock(rest, RAW_BLOCK_MAX);
    if (omitted === 0) {
      chunks.push(shown);
      rest = '';
      break;
    }
    let keep = rest.length - omitted;
    const lineEnd = rest.lastIndexOf('\n', keep - 1);
    // A cut at a line end reads better; a shorter prefix of the same text always fits too.
    if (lineEnd >= keep / 2) keep = lineEnd + 1;
    chunks.push(codeBlock(rest.slice(0, keep)));
    rest = rest.slice(keep);
  }
  const blocks: KnownBlock[] = [sectionBlock(heading), ...chunks.map(sectionBlock)];
  if (rest.length > 0) {
    blocks.push(
      contextBlock(
        `_${ELLIPSIS}${rest.length.toLocaleString('en-US')} more characters of ${text.length.toLocaleString('en-US')} not shown (Slack's limits)_`,
      ),
    );
  }
  return blocks;
}

/**
 * JSON nested deeper than this is shown as stored. Pretty-printing indents every level: an event of `[[[…]]]`
 * 3,000 deep (12 KB) would become 18 million characters for a modal that shows 23,000, long enough to miss the
 * trigger_id's 3 seconds; deeper still, JSON.stringify overflows the stack. Real CloudTrail events nest a dozen.
 */
const PRETTY_DEPTH_MAX = 64;

/** True when `raw` nests arrays or objects more than `max` deep (brackets inside strings not counted). */
function nestsDeeperThan(raw: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > max) return true;
    } else if (char === ']' || char === '}') depth -= 1;
  }
  return false;
}

function prettyJson(raw: string): string | null {
  try {
    const value: unknown = JSON.parse(raw);
    return nestsDeeperThan(raw, PRETTY_DEPTH_MAX) ? raw : JSON.stringify(value, null, 2);
  } catch {
    return null;
  }
}
