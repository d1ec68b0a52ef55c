import type { ActionsBlock, KnownBlock } from '@slack/types';
import type { Investigation } from '../model/alert';
import type { StatsFigures } from '../model/review-stats';
import type { Severity } from '../model/severity';
import { SEVERITY_RANK } from '../model/severity';
import { digestAckAllValue, VIEW_IDS } from './actions';
import type { RenderedMessage } from './alert';
import {
  contextBlock,
  formatDuration,
  headerBlock,
  SEVERITY_LABELS,
  SEVERITY_MARKERS,
  sectionBlock,
} from './alert-parts';
import { andMore, plainText, SLACK_LIMITS } from './limits';
import {
  date,
  decodeEntities,
  escapeEmphasized,
  escapeMrkdwn,
  formatUtc,
  link,
  mention,
  parseIsoTime,
  truncate,
  truncateMrkdwn,
} from './mrkdwn';
import { statsFiguresLine } from './stats';

/** One open alert as the digest lists it (what the open-alerts index holds, plus its watch title and link). */
export interface DigestAlert {
  id: string;
  /** Watch id; alerts are grouped by it. */
  watch: string | null;
  /** The watch's title, shown as the group heading. */
  watchTitle: string;
  severity: Severity;
  /** ISO-8601: when the alert was created (its age is counted from here). */
  createdAt: string;
  /**
   * What the alert message says: the stored `AlertRecord.headline` (the message's fallback text, escaped mrkdwn)
   * or plain text. Entities are decoded and the text escaped once more, so either form shows correctly and
   * nothing in it can become markup. A leading `Critical: ` matching the severity is dropped (the marker says it).
   */
  headline: string;
  /** Changes in the alert; shown when more than one. */
  changeCount: number;
  /** The alert message's permalink (`chat.getPermalink`); the headline links to it when set. */
  permalink?: string;
  investigation?: Investigation;
}

/** What {@link renderDigest} needs: one channel's unacknowledged alerts in the window `[since, now]`. */
export interface DigestInput {
  /** Slack channel id the digest is posted in (goes into the "Acknowledge all listed" value). */
  channel: string;
  /** ISO-8601 UTC: when the digest is built; ages are counted to here. */
  now: string;
  /** ISO-8601 UTC: the start of the window. */
  since: string;
  /** Unacknowledged alerts created in the window, in any order. */
  alerts: DigestAlert[];
  /** Changes muted in the channel during the window. */
  mutedCount: number;
  /** Someone asked for this digest (`/infrawatch digest`): with nothing open, say so instead of staying silent. */
  allClearRequested?: boolean;
  /**
   * Events InfraWatch received but could not read in the last 24 hours (stored as rejected): how many, and the
   * first reasons. Any at all make the digest worth posting, even with nothing open.
   */
  rejected?: { count: number; reasons: readonly string[] };
  /**
   * The last lines: the channel's review figures of the last 7 days (`/infrawatch stats`), and the pipeline's
   * health in the last 24 hours (changes recorded, of which recovered by reconciliation, inputs rejected).
   */
  footer?: { week: StatsFigures; health: { recorded: number; recovered: number; rejected: number } };
}

/** A headline is cut to this many characters; the line around it adds little. */
const HEADLINE_MAX = 200;
/** A whole alert line stays far below a section's 3,000 characters, so a new section always has room for one. */
const LINE_MAX = 1000;
const TITLE_MAX = 100;

/**
 * The daily digest of what nobody acknowledged in one channel: a header counting the changes, the open alerts
 * grouped by watch (the group with the most severe alert first), within a watch most severe first and then
 * oldest first, each with its age, change count, who is investigating and a link to its message; how many
 * changes were muted; and one "Acknowledge all listed" button behind a confirmation.
 *
 * The button's value is the digest's window, never the ids: see {@link DigestAckAllValue}. Alerts that do not
 * fit in Slack's 50 blocks are counted in a `…and N more open alerts` line (they are still covered by the
 * button, and the confirmation counts them).
 *
 * @returns null when nothing is open and no all-clear was requested: then no digest is posted.
 * @throws AlertRenderError `INVALID_DIGEST_WINDOW` when `channel` is not a Slack channel id or `since`/`now`
 * are not ISO-8601 UTC times.
 */
export function renderDigest(input: DigestInput): RenderedMessage | null {
  const value = digestAckAllValue({
    channel: input.channel,
    since: input.since,
    until: input.now,
    count: input.alerts.length,
  });
  if (input.alerts.length === 0)
    return input.allClearRequested === true || (input.rejected?.count ?? 0) > 0
      ? renderAllClear(input)
      : null;

  const changes = input.alerts.reduce((sum, alert) => sum + Math.max(1, alert.changeCount), 0);
  const title = `InfraWatch digest: ${plural(changes, 'change', 'changes')} nobody acknowledged`;
  const head: KnownBlock[] = [
    headerBlock(title),
    contextBlock(
      `${plural(input.alerts.length, 'open alert', 'open alerts')} since ${date(input.since)} · as of ${date(input.now)}`,
    ),
  ];
  const tail: KnownBlock[] = [];
  const muted = mutedLine(input.mutedCount);
  if (muted !== null) tail.push(contextBlock(muted));
  const rejected = rejectedSection(input.rejected);
  if (rejected !== null) tail.push(rejected);
  tail.push(...footerBlocks(input));
  tail.push(ackAllActions(value, input.alerts.length));

  const groups = groupByWatch(input.alerts);
  const nowMs = parseIsoTime(input.now);
  const budget = SLACK_LIMITS.messageBlocks - head.length - tail.length;
  let body = layout(groups, nowMs, budget);
  if (body.shown < input.alerts.length) {
    // One block goes to the count of what is left out.
    body = layout(groups, nowMs, budget - 1);
    body.blocks.push(contextBlock(andMore(input.alerts.length - body.shown, 'open alerts')));
  }
  return { text: title, blocks: [...head, ...body.blocks, ...tail] };
}

/** What {@link renderDigestClosed} needs: the digest's window, and who acknowledged its last alerts, if anyone. */
export interface ClosedDigestInput {
  /** ISO-8601 UTC: the window the digest listed (the "Acknowledge all listed" value's `since`/`until`). */
  since: string;
  until: string;
  /** "Acknowledge all listed" acknowledged `count` of them; absent when they were all acknowledged otherwise. */
  closedBy?: { userId: string; userName: string; count: number };
}

/**
 * A digest whose listed alerts are all acknowledged, as its message is updated to: no "Acknowledge all listed"
 * button left to click, and who acknowledged what was still open (or that it all was acknowledged already).
 */
export function renderDigestClosed(input: ClosedDigestInput): RenderedMessage {
  const window = (when: (iso: string) => string) =>
    `every alert this digest listed (since ${when(input.since)}, as of ${when(input.until)})`;
  const sentence = (when: (iso: string) => string) => {
    const by = input.closedBy;
    if (by === undefined) return `✅ Nothing left to do: ${window(when)} has been acknowledged.`;
    const who = mention(by.userId, by.userName);
    if (by.count === 0) return `✅ Nothing left to do: ${window(when)} had been acknowledged already.`;
    return `✅ ${who} acknowledged ${plural(by.count, 'alert', 'alerts')}, the last open ones: ${window(when)} is acknowledged.`;
  };
  const spelled = (iso: string) => {
    const ms = parseIsoTime(iso);
    return ms === null ? escapeMrkdwn(iso, { singleLine: true }) : formatUtc(ms);
  };
  return { text: sentence(spelled), blocks: [sectionBlock(sentence((iso) => date(iso)))] };
}

function renderAllClear(input: DigestInput): RenderedMessage {
  const since = parseIsoTime(input.since);
  const sentence = (when: string) => `✅ Nothing open: every change since ${when} was acknowledged.`;
  const blocks: KnownBlock[] = [sectionBlock(sentence(date(input.since)))];
  const muted = mutedLine(input.mutedCount);
  if (muted !== null) blocks.push(contextBlock(muted));
  const rejected = rejectedSection(input.rejected);
  if (rejected !== null) blocks.push(rejected);
  blocks.push(...footerBlocks(input));
  // `text` is for notifications, where a `<!date>` may show as its fallback; spell the time out.
  return { text: sentence(since === null ? escapeMrkdwn(input.since) : formatUtc(since)), blocks };
}

/** `📊 Last 7 days: …` (see statsFiguresLine) and `🩺 Last 24 h: 120 changes recorded · 1 recovered from CloudTrail · 0 inputs rejected`. */
function footerBlocks(input: DigestInput): KnownBlock[] {
  const footer = input.footer;
  if (footer === undefined) return [];
  const { recorded, recovered, rejected } = footer.health;
  return [
    contextBlock(
      `📊 Last 7 days: ${statsFiguresLine(footer.week, input.now)}`,
      `🩺 Last 24 h: ${plural(recorded, 'change', 'changes')} recorded · ${recovered.toLocaleString('en-US')} recovered from CloudTrail · ${plural(rejected, 'input', 'inputs')} rejected`,
    ),
  ];
}

function mutedLine(count: number): string | null {
  if (count <= 0) return null;
  return `🔇 ${count === 1 ? '1 change was' : `${count.toLocaleString('en-US')} changes were`} muted in this period`;
}

/** Reasons shown under the count of unreadable events; each is cut to {@link REASON_MAX} characters. */
const MAX_REASONS = 3;
const REASON_MAX = 300;

/** `⚠️ 3 events could not be read in the last 24 hours…` with the first reasons (event text: escaped). */
function rejectedSection(rejected: DigestInput['rejected']): KnownBlock | null {
  if (rejected === undefined || rejected.count <= 0) return null;
  const head = `⚠️ *${plural(rejected.count, 'event', 'events')} could not be read* in the last 24 hours: they are stored with the reason, and no alert was posted for them.`;
  const reasons = rejected.reasons
    .slice(0, MAX_REASONS)
    .map((reason) => `• ${escapeMrkdwn(truncate(reason, REASON_MAX), { singleLine: true })}`);
  return sectionBlock(truncateMrkdwn([head, ...reasons].join('\n'), SLACK_LIMITS.sectionText));
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? `1 ${one}` : `${count.toLocaleString('en-US')} ${many}`;
}

function ackAllActions(value: string, count: number): ActionsBlock {
  return {
    type: 'actions',
    block_id: VIEW_IDS.digestActionsBlock,
    elements: [
      {
        type: 'button',
        action_id: VIEW_IDS.digestAckAll,
        text: plainText('Acknowledge all listed', SLACK_LIMITS.buttonText),
        value,
        confirm: {
          title: plainText(`Acknowledge ${plural(count, 'alert', 'alerts')}?`, SLACK_LIMITS.confirmTitle),
          text: plainText(
            count === 1
              ? 'Everyone will see it was acknowledged by you.'
              : 'Everyone will see they were acknowledged by you.',
            SLACK_LIMITS.confirmText,
          ),
          confirm: plainText('Acknowledge all', SLACK_LIMITS.confirmButton),
          deny: plainText('Cancel', SLACK_LIMITS.confirmButton),
        },
      },
    ],
  };
}

interface WatchGroup {
  title: string;
  alerts: DigestAlert[];
}

/** Alerts by watch; each group most severe first, then oldest first; groups by their most severe, oldest alert. */
function groupByWatch(alerts: readonly DigestAlert[]): WatchGroup[] {
  const byWatch = new Map<string | null, DigestAlert[]>();
  for (const alert of alerts) {
    const group = byWatch.get(alert.watch);
    if (group === undefined) byWatch.set(alert.watch, [alert]);
    else group.push(alert);
  }
  const groups = [...byWatch.values()].map((members) => {
    const sorted = [...members].sort(compareAlerts);
    const first = sorted[0] as DigestAlert;
    return { title: first.watchTitle, alerts: sorted };
  });
  return groups.sort(
    (a, b) =>
      compareAlerts(a.alerts[0] as DigestAlert, b.alerts[0] as DigestAlert) ||
      (a.title < b.title ? -1 : a.title > b.title ? 1 : 0),
  );
}

function compareAlerts(a: DigestAlert, b: DigestAlert): number {
  const severity = SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity];
  if (severity !== 0) return severity;
  // A time that does not parse sorts last rather than breaking the order of the others.
  const at = parseIsoTime(a.createdAt) ?? Number.POSITIVE_INFINITY;
  const bt = parseIsoTime(b.createdAt) ?? Number.POSITIVE_INFINITY;
  if (at !== bt) return at < bt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The groups as section blocks, at most `budget` of them: a group starts a new section under its heading and
 * continues in further sections when it outgrows 3,000 characters. Stops at the first alert that does not fit.
 */
function layout(
  groups: readonly WatchGroup[],
  nowMs: number | null,
  budget: number,
): { blocks: KnownBlock[]; shown: number } {
  const sections: string[] = [];
  let shown = 0;
  fill: for (const group of groups) {
    const title = `*${escapeEmphasized(truncate(group.title, TITLE_MAX))}*`;
    let open = false;
    for (const alert of group.alerts) {
      const line = alertLine(alert, nowMs);
      const last = sections.length - 1;
      const current = sections[last];
      if (open && current !== undefined && current.length + 1 + line.length <= SLACK_LIMITS.sectionText) {
        sections[last] = `${current}\n${line}`;
      } else {
        if (sections.length >= budget) break fill;
        const heading = open
          ? `${title} (continued)`
          : `${title} · ${plural(group.alerts.length, 'open alert', 'open alerts')}`;
        sections.push(`${heading}\n${line}`);
        open = true;
      }
      shown += 1;
    }
  }
  return { blocks: sections.map(sectionBlock), shown };
}

/** `• 🔴 <permalink|alice opened tcp/22…> · 12 changes · 3 d 4 h ago · 🔎 <@U1> is investigating`. */
function alertLine(alert: DigestAlert, nowMs: number | null): string {
  const headline = truncate(headlineOf(alert), HEADLINE_MAX);
  const label =
    alert.permalink === undefined
      ? escapeMrkdwn(headline, { singleLine: true })
      : link(alert.permalink, headline);
  const parts = [`${SEVERITY_MARKERS[alert.severity]} ${label}`];
  if (alert.changeCount > 1) parts.push(`${alert.changeCount.toLocaleString('en-US')} changes`);
  const created = parseIsoTime(alert.createdAt);
  const age = nowMs === null || created === null ? null : formatDuration(nowMs - created);
  if (age !== null) parts.push(`${age} ago`);
  if (alert.investigation !== undefined) {
    const { userId, userName } = alert.investigation;
    parts.push(`🔎 ${mention(userId, userName)} is investigating`);
  }
  return truncateMrkdwn(`• ${parts.join(' · ')}`, LINE_MAX);
}

function headlineOf(alert: DigestAlert): string {
  const text = decodeEntities(alert.headline).trim();
  const prefix = `${SEVERITY_LABELS[alert.severity]}: `;
  const headline = text.startsWith(prefix) ? text.slice(prefix.length) : text;
  return headline === '' ? 'Alert without a summary' : headline;
}
