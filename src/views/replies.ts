import type { KnownBlock } from '@slack/types';
import { COMMAND_USAGE, SLASH_COMMAND } from '../commands/parse';
import type { ActorCheckSetting } from '../model/actor-check';
import type { EscalationPolicy } from '../model/escalation-policy';
import { isUnscopedNameMute, type Mute, type MuteTargetType } from '../model/mute';
import type { Subscription } from '../model/subscription';
import { actorCheckSection } from './actor-check';
import type { RenderedMessage } from './alert';
import { formatDuration, sectionBlock } from './alert-parts';
import { describeEscalationPolicy } from './escalation-step';
import { joinWithinLimit, packLines, SLACK_LIMITS } from './limits';
import {
  channelMention,
  DATE_FORMAT,
  date,
  escapeEmphasized,
  escapeMrkdwn,
  formatUtc,
  inlineCode,
  mention,
  parseIsoTime,
  truncate,
  truncateMrkdwn,
} from './mrkdwn';

/*
 * Replies to `/infrawatch` (ephemeral) and the announcements a settings change posts in the channel. Each is a
 * `{ text, blocks }` whose `text` says the same as the blocks: blocks, because a section's `verbatim` text keeps a
 * URL or `#channel` typed by a user from turning into a link; the same `text`, so a caller that shows only the text
 * (a notification, a line prefixed with "Done.") loses nothing.
 */

/** What the watch list shows of a watch (a catalog `Watch` fits). */
export interface WatchListing {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly title: string;
  readonly description: string;
}

/** What a mute applies to, as the command and the store name it (an actor name with its account or accounts). */
export interface MuteTargetRef {
  readonly type: MuteTargetType;
  readonly value: string;
  readonly account?: string;
  readonly accounts?: readonly string[];
}

/** Blocks left for a long list (one message: 50). */
const LIST_SECTIONS = 20;
const WATCH_ID_MAX = 100;
const DESCRIPTION_MAX = 500;

/**
 * `iam`, `actor:alice account:111122223333`, `account:prod`: a mute target the way `/infrawatch mute` takes it
 * (raw, not escaped).
 */
export function muteTargetLabel(target: MuteTargetRef): string {
  const base = target.type === 'watch' ? target.value : `${target.type}:${target.value}`;
  const accounts = target.accounts ?? (target.account === undefined ? [] : [target.account]);
  return [base, ...accounts.map((account) => `account:${account}`)].join(' ');
}

/** Every `/infrawatch` command from {@link COMMAND_USAGE}: usage, what it does, an example (unless it is the usage). */
export function renderHelp(): RenderedMessage {
  const intro = `*InfraWatch* posts changes to your AWS accounts here, so someone looks at each one. Use ${inlineCode(SLASH_COMMAND)} with:`;
  const items = COMMAND_USAGE.map((usage) => {
    const command = `${SLASH_COMMAND} ${usage.command}${usage.arguments === '' ? '' : ` ${usage.arguments}`}`;
    // `list`, `help`…: the example would only repeat the usage line.
    const example = usage.example === command ? '' : `\n_Example:_ ${inlineCode(usage.example)}`;
    return `${inlineCode(command)}\n${escapeMrkdwn(usage.description)}${example}`;
  });
  return reply([intro, ...spaced(items, 'commands')]);
}

/** The watches a channel can subscribe to: title, id, description, aliases. */
export function renderWatchesList(watches: readonly WatchListing[]): RenderedMessage {
  if (watches.length === 0) {
    return reply(['There are no watches yet: add one to the catalog, then subscribe to it.']);
  }
  const intro = `*${watches.length === 1 ? '1 watch' : `${watches.length} watches`}* you can subscribe to with ${inlineCode(`${SLASH_COMMAND} subscribe <watch>`)}:`;
  const items = watches.map((watch) => {
    const aliases = joinWithinLimit(
      watch.aliases.map((alias) => inlineCode(truncate(alias, WATCH_ID_MAX))),
      1000,
      ', ',
      'aliases',
    ).text;
    return [
      `*${escapeEmphasized(truncate(watch.title, 150))}* ${inlineCode(truncate(watch.id, WATCH_ID_MAX))}`,
      escapeMrkdwn(truncate(watch.description, DESCRIPTION_MAX), { singleLine: true }),
      ...(aliases === '' ? [] : [`_Also:_ ${aliases}`]),
    ].join('\n');
  });
  return reply([intro, ...spaced(items, 'watches')]);
}

/**
 * `/infrawatch list`: the channel's subscriptions (who set them, when) and its active mutes (who set them, when they
 * end and in how long). Mutes that ended by `now` are left out.
 */
export function renderChannelSettings(input: {
  channel: string;
  subscriptions: Subscription[];
  mutes: Mute[];
  now: string;
  /** The channel's escalation; absent: not shown. `setBy` absent: the default policy. */
  escalation?: { policy: EscalationPolicy | null; setBy?: string; setAt?: string };
  /** The channel's "Was this you?" setting; `null`: the defaults; absent: not shown. */
  actorCheck?: ActorCheckSetting | null;
}): RenderedMessage {
  const nowMs = parseIsoTime(input.now);
  const where = channelMention(input.channel);
  const subscriptions = [...input.subscriptions].sort((a, b) =>
    a.watch === 'all' ? -1 : b.watch === 'all' ? 1 : a.watch < b.watch ? -1 : a.watch > b.watch ? 1 : 0,
  );
  const subscriptionLines =
    subscriptions.length === 0
      ? [
          `${where} gets no alerts. ${inlineCode(`${SLASH_COMMAND} subscribe all`)} posts every alert here; ${inlineCode(`${SLASH_COMMAND} watches`)} lists what you can choose from.`,
        ]
      : subscriptions.map(
          (s) =>
            `• ${s.watch === 'all' ? '*All watches*' : inlineCode(truncate(s.watch, WATCH_ID_MAX))} — by ${mention(s.setBy, s.setBy)}, ${date(s.setAt)}`,
        );

  const active = input.mutes
    .map((mute) => ({ mute, ends: parseIsoTime(mute.expiresAt) }))
    .filter(({ ends }) => nowMs === null || ends === null || ends > nowMs)
    .sort((a, b) => (a.ends ?? Number.POSITIVE_INFINITY) - (b.ends ?? Number.POSITIVE_INFINITY));
  const muteLines =
    active.length === 0
      ? ['Nothing is muted.']
      : active.map(({ mute, ends }) => {
          const left = nowMs === null || ends === null ? null : formatDuration(ends - nowMs);
          const unscoped = isUnscopedNameMute(mute)
            ? ' — set before name mutes were limited to an account, so it silences nothing; mute the name again with its account'
            : '';
          return `• ${targetCode(mute)} — by ${mention(mute.setBy, mute.setBy)}, until ${date(mute.expiresAt)}${left === null ? '' : ` (in ${left})`}${unscoped}`;
        });

  const sections = [
    ...packLines([`*Subscriptions of ${where}*`, ...subscriptionLines], {
      maxSections: LIST_SECTIONS,
      noun: 'subscriptions',
    }).sections,
    ...packLines([`*Active mutes (${active.length})*`, ...muteLines], {
      maxSections: LIST_SECTIONS,
      noun: 'mutes',
    }).sections,
    ...(input.escalation ? [escalationSection(input.escalation)] : []),
    ...(input.actorCheck !== undefined ? [actorCheckSection(input.actorCheck)] : []),
  ];
  return reply(sections);
}

function escalationSection(escalation: {
  policy: EscalationPolicy | null;
  setBy?: string;
  setAt?: string;
}): string {
  const origin =
    escalation.setBy === undefined
      ? ` (the default; ${inlineCode(`${SLASH_COMMAND} escalate …`)} changes it)`
      : ` — by ${mention(escalation.setBy, escalation.setBy)}${escalation.setAt ? `, ${date(escalation.setAt)}` : ''}`;
  return `*Escalation*\n⏰ ${describeEscalationPolicy(escalation.policy)}${origin}`;
}

/**
 * Posted in the channel when someone changes its escalation, so the channel knows who will be pinged. Pings
 * nobody but a person named as target (a user group by id, `@here` as text).
 */
export function renderEscalationAnnouncement(input: {
  policy: EscalationPolicy | null;
  userId: string;
}): RenderedMessage {
  const who = mention(input.userId, input.userId);
  return reply([
    input.policy === null
      ? `🔕 ${who} turned escalation off in this channel: unacknowledged alerts are no longer escalated.`
      : `⏰ ${who} set escalation for this channel: ${describeEscalationPolicy(input.policy, true)}.`,
  ]);
}

/** A command that could not be understood or done: the reason (escaped) and a pointer to the help. */
export function renderCommandError(message: string): RenderedMessage {
  const hint = message.includes(`${SLASH_COMMAND} help`)
    ? ''
    : `\n${inlineCode(`${SLASH_COMMAND} help`)} lists every command.`;
  return reply([`⚠️ ${escapeMrkdwn(truncate(message.trim(), 2000))}${hint}`]);
}

/**
 * The ephemeral answer to `/infrawatch subscribe|unsubscribe`: what changed in the channel (`watches`) and what was
 * already so (`unchanged`).
 */
export function renderSubscribed(input: {
  watches: string[];
  action: 'subscribe' | 'unsubscribe';
  userId: string;
  channel: string;
  unchanged?: string[];
}): RenderedMessage {
  const where = channelMention(input.channel);
  const unchanged = input.unchanged ?? [];
  const subscribe = input.action === 'subscribe';
  const lines: string[] = [];
  if (input.watches.length > 0) {
    lines.push(
      subscribe
        ? `✅ ${where} now gets alerts for ${watchList(input.watches)}.`
        : `✅ ${where} no longer gets alerts for ${watchList(input.watches)}.`,
    );
  }
  if (unchanged.length > 0) {
    const prefix = input.watches.length === 0 ? 'Nothing changed: ' : '';
    lines.push(
      subscribe
        ? `${prefix}${where} already gets alerts for ${watchList(unchanged)}.`
        : `${prefix}${where} was not subscribed to ${watchList(unchanged)}.`,
    );
  }
  if (lines.length === 0) lines.push('Nothing changed.');
  return reply([lines.join('\n')]);
}

/** Posted in the channel when someone changes its subscriptions: `<@U1> subscribed this channel to `ec2`.` */
export function renderSubscriptionAnnouncement(input: {
  userId: string;
  action: 'subscribe' | 'unsubscribe';
  watches: string[];
}): RenderedMessage {
  const who = mention(input.userId, input.userId);
  return reply([
    input.action === 'subscribe'
      ? `🔔 ${who} subscribed this channel to ${watchList(input.watches)}.`
      : `🔕 ${who} unsubscribed this channel from ${watchList(input.watches)}.`,
  ]);
}

/**
 * Posted in the channel when someone mutes something, so a mute is never silent:
 * `🔇 <@U1> muted `iam` for 2 h — until 16:40.` The time is a `<!date>` each reader sees in their own zone (with
 * the day when the mute ends more than 20 hours later); the duration is the one the mute was set for. An actor
 * muted by name says in which account(s), and that the name elsewhere still alerts.
 */
export function renderMuteAnnouncement(input: { mutes: readonly Mute[]; now: string }): RenderedMessage {
  const [mute] = input.mutes;
  if (mute === undefined) return reply(['Nothing was muted.']);
  const accounts = input.mutes.flatMap((each) => (each.account === undefined ? [] : [each.account]));
  const ends = parseIsoTime(mute.expiresAt);
  const from = parseIsoTime(mute.setAt) ?? parseIsoTime(input.now);
  const length = ends === null || from === null ? null : formatDuration(ends - from);
  const far = ends !== null && from !== null && ends - from > 20 * 3600_000;
  const until =
    ends === null
      ? date(mute.expiresAt)
      : far
        ? date(mute.expiresAt, undefined, DATE_FORMAT)
        : date(mute.expiresAt, formatUtc(ends).slice(11), '{time}');
  const scope =
    accounts.length === 0
      ? ''
      : ` in ${accounts.length === 1 ? 'account' : 'accounts'} ${
          joinWithinLimit(
            accounts.map((account) => inlineCode(truncate(account, 100))),
            1000,
            ', ',
            'accounts',
          ).text
        } only (the same name in other accounts still alerts)`;
  const unmute = muteTargetLabel({ type: mute.type, value: mute.value, accounts });
  return reply([
    `🔇 ${mention(mute.setBy, mute.setBy)} muted ${inlineCode(muteTargetLabel({ type: mute.type, value: mute.value }))}${scope}${length === null ? '' : ` for ${length}`} — until ${until}. ${inlineCode(`${SLASH_COMMAND} unmute ${unmute}`)} lifts it.`,
  ]);
}

/** Posted when a mute is lifted; when there was none, the ephemeral answer says nothing changed. */
export function renderUnmuteAnnouncement(input: {
  target: MuteTargetRef;
  userId: string;
  existed: boolean;
}): RenderedMessage {
  const target = targetCode(input.target);
  return reply([
    input.existed
      ? `🔔 ${mention(input.userId, input.userId)} unmuted ${target}: its alerts are posted here again.`
      : `${target} was not muted in this channel, so nothing changed.`,
  ]);
}

/** The ephemeral answer when someone who is not an admin tries `action` (e.g. `unsubscribe`, `mute`). */
export function renderNotAllowed(action: string): RenderedMessage {
  return reply([
    `Only InfraWatch admins can ${escapeMrkdwn(truncate(action, 100), { singleLine: true })} in this workspace.`,
  ]);
}

/** The ephemeral answer to a command that arrived again moments after the same one (a replay, a double submit). */
export function renderRepeatedCommand(): RenderedMessage {
  return reply([
    `This command was already received a moment ago, so it was carried out once. ${inlineCode(`${SLASH_COMMAND} list`)} shows this channel's settings.`,
  ]);
}

/** The ephemeral answer to `/infrawatch digest`: the digest itself is built and posted asynchronously. */
export function renderDigestQueued(): RenderedMessage {
  return reply(['Building the digest for this channel…']);
}

function targetCode(target: MuteTargetRef): string {
  return inlineCode(truncate(muteTargetLabel(target), 300));
}

function watchList(watches: readonly string[]): string {
  if (watches.includes('all')) return '*all watches*';
  return joinWithinLimit(
    watches.map((watch) => inlineCode(truncate(watch, WATCH_ID_MAX))),
    2000,
    ', ',
    'watches',
  ).text;
}

/** Items separated by a blank line, packed into sections (a blank line cannot start a section). */
function spaced(items: readonly string[], noun: string): string[] {
  const lines = items.map((item, index) => (index === 0 ? item : `\n${item}`));
  return packLines(lines, { maxSections: LIST_SECTIONS, noun }).sections.map((text) =>
    text.replace(/^\n+/, ''),
  );
}

/** Sections (already safe mrkdwn) as a message whose `text` says the same. */
function reply(sections: readonly string[]): RenderedMessage {
  const texts = sections.map((section) => truncateMrkdwn(section, SLACK_LIMITS.sectionText));
  const blocks: KnownBlock[] = texts.map(sectionBlock);
  return { text: truncateMrkdwn(texts.join('\n\n'), SLACK_LIMITS.messageText), blocks };
}
