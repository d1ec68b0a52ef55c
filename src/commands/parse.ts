/**
 * The `/infrawatch` slash-command grammar: the text Slack sends after the command -> a typed command, or an
 * error whose message is meant for an ephemeral reply (plain text; the caller escapes it for mrkdwn).
 *
 * ```
 * subscribe <watch…|all>          unsubscribe <watch…|all>
 * mute <target> [for <duration>]  unmute <target>
 * escalate <severity> after <duration> to <target> [then <target>]    escalate off
 * ask-actors on|off               actor-confirms acknowledge|show
 * list    watches    digest    help
 * ```
 * A target is a watch id or alias, `actor:<name|arn>` or `account:<id|alias>`. Durations are minutes, hours
 * or days (`90m`, `2h`, `3d`, also `1h30m`), default 1h, at most 30d. Keywords, watch ids and aliases are
 * case-insensitive; watches may be separated by spaces or commas.
 */

import {
  type EscalationPolicy,
  type EscalationTarget,
  MAX_ESCALATION_AFTER_MS,
  MIN_ESCALATION_AFTER_MS,
} from '../model/escalation-policy';
import type { Severity } from '../model/severity';
import { builtInCatalog } from '../watches/catalog';

/** The subscription to every watch, present and future. */
export const ALL_WATCHES = 'all';

/** The slash command as registered in the Slack app manifest. */
export const SLASH_COMMAND = '/infrawatch';

/** The watch names the parser needs from a catalog. */
export interface CommandCatalog {
  readonly watches: readonly { readonly id: string; readonly aliases: readonly string[] }[];
}

/**
 * What a mute applies to. `watch` values are canonical watch ids; `account` aliases are lower-cased. An actor
 * named without an ARN carries the `accounts` it is muted (or unmuted) in: `actor:terraform-ci account:prod`.
 */
export interface MuteTarget {
  readonly type: 'watch' | 'actor' | 'account';
  readonly value: string;
  readonly accounts?: readonly string[];
}

/** A parsed `/infrawatch` command. */
export type Command =
  | { readonly kind: 'subscribe' | 'unsubscribe'; readonly watches: string[] }
  | { readonly kind: 'mute'; readonly target: MuteTarget; readonly durationMs: number }
  | { readonly kind: 'unmute'; readonly target: MuteTarget }
  /** `policy: null`: `escalate off`. */
  | { readonly kind: 'escalate'; readonly policy: EscalationPolicy | null }
  /** "Was this you?": ask the actor of every alert (`on`) or none (`off`). */
  | { readonly kind: 'ask-actors'; readonly ask: boolean }
  /** What the actor's "Yes" does: only show on the alert, or also acknowledge it. */
  | { readonly kind: 'actor-confirms'; readonly confirms: 'show' | 'acknowledge' }
  | { readonly kind: 'list' }
  | { readonly kind: 'watches' }
  | { readonly kind: 'digest' }
  | { readonly kind: 'stats'; readonly days: 7 | 30 }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** One line of help: the single source for the help reply and the Slack manifest's usage hint. */
export interface CommandUsage {
  readonly command: string;
  readonly arguments: string;
  readonly description: string;
  readonly example: string;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** A mute without `for <duration>` lasts one hour. */
export const DEFAULT_MUTE_MS = HOUR_MS;
/** The longest mute: 30 days, so nothing stays silenced and forgotten. */
export const MAX_MUTE_MS = 30 * DAY_MS;

/** The `/infrawatch` commands, in the order the help lists them. */
export const COMMAND_USAGE: readonly CommandUsage[] = [
  {
    command: 'subscribe',
    arguments: '<watch…|all>',
    description: 'Post alerts for these watches in this channel.',
    example: `${SLASH_COMMAND} subscribe security-groups ec2`,
  },
  {
    command: 'unsubscribe',
    arguments: '<watch…|all>',
    description: 'Stop posting alerts for these watches in this channel.',
    example: `${SLASH_COMMAND} unsubscribe s3`,
  },
  {
    command: 'mute',
    arguments:
      '<watch | actor:<arn> | actor:<name> account:<id|alias> | account:<id|alias>> [for <duration>]',
    description:
      'Silence alerts for a watch, a person or role (by name: in the accounts you name), or an account: 1h unless you say (90m, 2h, 3d; at most 30d).',
    example: `${SLASH_COMMAND} mute actor:terraform-ci account:123456789012 for 2h`,
  },
  {
    command: 'unmute',
    arguments: '<watch | actor:<name|arn> [account:<id|alias>] | account:<id|alias>>',
    description: 'Lift a mute before it ends (an actor name without account: in every account).',
    example: `${SLASH_COMMAND} unmute actor:terraform-ci`,
  },
  {
    command: 'escalate',
    arguments: '<critical|warning|info> after <duration> to <@user|@group|#channel|here> [then <…>] | off',
    description:
      'Mention someone when an alert of that severity or above is not acknowledged in time, and again after the same time (the second target if given); default: critical after 15m to here.',
    example: `${SLASH_COMMAND} escalate critical after 15m to here`,
  },
  {
    command: 'ask-actors',
    arguments: 'on|off',
    description:
      'Ask the person who made a change "Was this you?" in a direct message (default: warning and critical changes; on: every change; off: never).',
    example: `${SLASH_COMMAND} ask-actors on`,
  },
  {
    command: 'actor-confirms',
    arguments: 'acknowledge|show',
    description:
      'What the actor\'s "Yes, that was me" does: show it on the alert (default), or also acknowledge the alert.',
    example: `${SLASH_COMMAND} actor-confirms acknowledge`,
  },
  {
    command: 'list',
    arguments: '',
    description: "Show this channel's subscriptions, active mutes, escalation and actor questions.",
    example: `${SLASH_COMMAND} list`,
  },
  {
    command: 'watches',
    arguments: '',
    description: 'Show every watch you can subscribe to, with its aliases.',
    example: `${SLASH_COMMAND} watches`,
  },
  {
    command: 'digest',
    arguments: '',
    description: "Post today's digest of changes here now.",
    example: `${SLASH_COMMAND} digest`,
  },
  {
    command: 'stats',
    arguments: '[7d|30d]',
    description:
      "How this channel's alerts were reviewed, per watch and severity: changes, acknowledged, median and 90th-percentile time to acknowledge, oldest open, escalations, 'not me' answers (default: the last 7 days).",
    example: `${SLASH_COMMAND} stats 30d`,
  },
  {
    command: 'help',
    arguments: '',
    description: 'Show this help.',
    example: `${SLASH_COMMAND} help`,
  },
];

const KEYWORDS = COMMAND_USAGE.map((usage) => usage.command);
const HELP_HINT = `Try \`${SLASH_COMMAND} help\`.`;
const DURATION_HINT = 'Use minutes, hours or days, like 90m, 2h or 3d (at most 30d).';

/**
 * Damerau-Levenshtein distance (insertions, deletions, substitutions and transpositions of adjacent
 * characters, unrestricted), counted in Unicode code points.
 */
export function damerauLevenshtein(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  const infinity = s.length + t.length;
  const lastRow = new Map<string, number>();
  // d has a border row/column holding `infinity`, so cell (i, j) is at [i + 1][j + 1].
  const d: number[][] = Array.from({ length: s.length + 2 }, () => new Array<number>(t.length + 2).fill(0));
  const at = (i: number, j: number): number => (d[i + 1] as number[])[j + 1] as number;
  const set = (i: number, j: number, value: number): void => {
    (d[i + 1] as number[])[j + 1] = value;
  };
  set(-1, -1, infinity);
  for (let i = 0; i <= s.length; i++) {
    set(i, -1, infinity);
    set(i, 0, i);
  }
  for (let j = 0; j <= t.length; j++) {
    set(-1, j, infinity);
    set(0, j, j);
  }
  for (let i = 1; i <= s.length; i++) {
    let lastMatchColumn = 0;
    for (let j = 1; j <= t.length; j++) {
      const k = lastRow.get(t[j - 1] as string) ?? 0;
      const l = lastMatchColumn;
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      if (cost === 0) lastMatchColumn = j;
      set(
        i,
        j,
        Math.min(
          at(i - 1, j - 1) + cost,
          at(i, j - 1) + 1,
          at(i - 1, j) + 1,
          at(k - 1, l - 1) + (i - k - 1) + 1 + (j - l - 1),
        ),
      );
    }
    lastRow.set(s[i - 1] as string, i);
  }
  return at(s.length, t.length);
}

/**
 * The candidate the user most likely meant: the closest one within a typo's distance (one edit per three
 * characters, at least one, at most three), else the first one the word is a prefix of (`unsub`). Ties go to
 * the earlier candidate.
 */
function closest(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  const length = [...typed].length;
  const allowed = Math.min(3, Math.max(1, Math.floor(length / 3)));
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    const distance = damerauLevenshtein(typed, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined || length < 3) return best;
  return candidates.find((candidate) => candidate.toLowerCase().startsWith(typed));
}

/**
 * Slack may send links and e-mail addresses (common in role session names) as `<mailto:a@b.c|a@b.c>` and
 * escapes `&`, `<`, `>` as entities: read them back as the user typed them.
 */
function fromSlackText(text: string): string {
  return text
    .replace(/<(?:mailto:)?([^<>|]*)\|([^<>]*)>/g, '$2')
    .replace(/<(?:mailto:)?([^<>|]*)>/g, '$1')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

interface WatchIndex {
  readonly byName: ReadonlyMap<string, string>;
  readonly names: readonly string[];
  readonly order: readonly string[];
}

function indexWatches(catalog: CommandCatalog): WatchIndex {
  const byName = new Map<string, string>();
  const names: string[] = [];
  for (const watch of catalog.watches) {
    for (const name of [watch.id, ...watch.aliases]) {
      const key = name.toLowerCase();
      if (byName.has(key)) continue;
      byName.set(key, watch.id);
      names.push(name);
    }
  }
  return { byName, names, order: catalog.watches.map((watch) => watch.id) };
}

function unknownWatchesMessage(words: readonly string[], index: WatchIndex, extra = ''): string {
  let withoutSuggestion = false;
  const sentences = words.map((word) => {
    const suggestion = closest(word, index.names);
    if (suggestion !== undefined) return `Unknown watch '${word}' — did you mean '${suggestion}'?`;
    withoutSuggestion = true;
    return `Unknown watch '${word}'.`;
  });
  if (extra) sentences.push(extra);
  if (withoutSuggestion) sentences.push(`\`${SLASH_COMMAND} watches\` lists them all.`);
  return sentences.join(' ');
}

const error = (message: string): Command => ({ kind: 'error', message });

function parseSubscription(
  kind: 'subscribe' | 'unsubscribe',
  words: readonly string[],
  index: WatchIndex,
): Command {
  if (words.length === 0) {
    return error(
      `Which watches? For example \`${SLASH_COMMAND} ${kind} security-groups ec2\`, or \`${SLASH_COMMAND} ${kind} all\`. \`${SLASH_COMMAND} watches\` lists them all.`,
    );
  }
  const chosen = new Set<string>();
  const unknown: string[] = [];
  let all = false;
  for (const word of words) {
    const lower = word.toLowerCase();
    if (lower === 'all') {
      all = true;
      continue;
    }
    const id = index.byName.get(lower);
    if (id === undefined) unknown.push(word);
    else chosen.add(id);
  }
  if (unknown.length > 0) return error(unknownWatchesMessage(unknown, index));
  if (index.order.length === 0) return error('There are no watches yet: add one to the catalog first.');
  // `all` stays `all` (not today's list), so a watch added to the catalog later reaches the channel too.
  if (all) return { kind, watches: [ALL_WATCHES] };
  return { kind, watches: index.order.filter((id) => chosen.has(id)) };
}

const ACCOUNT_ID = /^\d{12}$/;
const ACCOUNT_ALIAS = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const TARGET_EXAMPLES = 'a watch (ec2), actor:<name or ARN> or account:<12-digit id or alias>';

function parseTarget(word: string, verb: 'mute' | 'unmute', index: WatchIndex): MuteTarget | Command {
  const colon = word.indexOf(':');
  const prefix = colon < 0 ? '' : word.slice(0, colon).toLowerCase();
  const value = colon < 0 ? '' : word.slice(colon + 1);
  if (prefix === 'actor') {
    if (value === '') {
      return error(`Say who after actor:, like \`${SLASH_COMMAND} ${verb} actor:alice\` or an IAM ARN.`);
    }
    if (value.toLowerCase().startsWith('arn:') && value.split(':').length < 6) {
      return error(
        `'${value}' looks like an incomplete ARN: arn:aws:iam::123456789012:user/alice has six parts.`,
      );
    }
    return { type: 'actor', value };
  }
  if (prefix === 'account') {
    const account = parseAccount(value);
    return typeof account === 'string' ? { type: 'account', value: account } : account;
  }
  const lower = word.toLowerCase();
  if (lower === 'all') {
    return error(`${verb === 'mute' ? 'Mute' : 'Unmute'} one target at a time: ${TARGET_EXAMPLES}.`);
  }
  const id = index.byName.get(lower);
  if (id !== undefined) return { type: 'watch', value: id };
  const suggestion = closest(word, index.names);
  if (suggestion === undefined && lower.startsWith('arn:')) {
    return error(`To ${verb} a person or role by ARN write actor:${word}.`);
  }
  if (suggestion === undefined && colon >= 0) {
    return error(`Unknown target '${word}'. A target is ${TARGET_EXAMPLES}.`);
  }
  let hint = '';
  if (suggestion === undefined) {
    if (ACCOUNT_ID.test(word)) hint = `To ${verb} an account write account:${word}.`;
    else hint = `To ${verb} a person or role write actor:${word}; an account, account:<id>.`;
  }
  return error(unknownWatchesMessage([word], index, hint));
}

/** A 12-digit account id or an alias, lower-cased; or the error that says what is wrong with it. */
function parseAccount(value: string): string | Command {
  if (/^\d+$/.test(value) && !ACCOUNT_ID.test(value)) {
    return error(`AWS account ids have 12 digits; '${value}' has ${value.length}.`);
  }
  const lower = value.toLowerCase();
  if (!ACCOUNT_ID.test(lower) && !ACCOUNT_ALIAS.test(lower)) {
    return error(
      `Say which account after account:, as a 12-digit id or an alias (letters, digits, dots, dashes, underscores), like account:123456789012.`,
    );
  }
  return lower;
}

function isCommand(value: MuteTarget | Command): value is Command {
  return 'kind' in value;
}

const isArn = (value: string) => value.toLowerCase().startsWith('arn:');

/**
 * The `account:` words right after an actor target: the accounts a name is muted in. An IAM user or role name
 * is only unique within one account, so a mute by name that covered every account would also silence a
 * same-named identity an attacker creates elsewhere.
 */
function scopeTarget(
  target: MuteTarget,
  rest: readonly string[],
  verb: 'mute' | 'unmute',
): { target: MuteTarget; rest: readonly string[] } | Command {
  const accounts: string[] = [];
  let used = 0;
  for (const word of rest) {
    if (!word.toLowerCase().startsWith('account:')) break;
    const account = parseAccount(word.slice('account:'.length));
    if (typeof account !== 'string') return account;
    if (!accounts.includes(account)) accounts.push(account);
    used += 1;
  }
  if (accounts.length === 0) return { target, rest };
  if (target.type !== 'actor') {
    return error(
      'account: after a target only scopes an actor name (actor:terraform-ci account:123456789012); mute one target at a time.',
    );
  }
  if (isArn(target.value)) {
    return error(
      `An ARN names its account already: \`${SLASH_COMMAND} ${verb} actor:${target.value}\` is enough.`,
    );
  }
  return { target: { ...target, accounts }, rest: rest.slice(used) };
}

const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ...['m', 'min', 'mins', 'minute', 'minutes'].map((unit) => [unit, MINUTE_MS] as const),
  ...['h', 'hr', 'hrs', 'hour', 'hours'].map((unit) => [unit, HOUR_MS] as const),
  ...['d', 'day', 'days'].map((unit) => [unit, DAY_MS] as const),
]);

/** `90m`, `2h`, `3d`, `1h30m`, `2 hours` (the words already joined): milliseconds, or undefined. */
function parseDurationMs(text: string): number | undefined {
  const part = /(\d+)([a-z]+)/gy;
  let total = 0;
  let end = 0;
  for (const match of text.toLowerCase().matchAll(part)) {
    const unit = UNIT_MS.get(match[2] as string);
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
    end = match.index + match[0].length;
  }
  return end === text.length && end > 0 ? total : undefined;
}

function parseMute(verb: 'mute' | 'unmute', words: readonly string[], index: WatchIndex): Command {
  const usage =
    verb === 'mute'
      ? `\`${SLASH_COMMAND} mute <target> [for <duration>]\``
      : `\`${SLASH_COMMAND} unmute <target>\``;
  const [first] = words;
  if (first === undefined) {
    return error(`What should I ${verb}? ${usage}, where the target is ${TARGET_EXAMPLES}.`);
  }
  const parsed = parseTarget(first, verb, index);
  if (isCommand(parsed)) return parsed;
  const scoped = scopeTarget(parsed, words.slice(1), verb);
  if ('kind' in scoped) return scoped;
  const { target, rest } = scoped;

  if (verb === 'unmute') {
    if (rest.length > 0) return error(`Unmute takes one target and nothing after it: ${usage}.`);
    return { kind: 'unmute', target };
  }

  if (target.type === 'actor' && !isArn(target.value) && target.accounts === undefined) {
    const duration = rest.length > 0 ? ` ${rest.join(' ')}` : '';
    return error(
      `A name can belong to a different identity in every AWS account, so say which account: \`${SLASH_COMMAND} mute actor:${target.value} account:<12-digit id or alias>${duration}\`, or mute it by ARN (actor:arn:aws:iam::123456789012:user/${target.value}).`,
    );
  }
  const hasFor = rest[0]?.toLowerCase() === 'for';
  const durationWords = hasFor ? rest.slice(1) : rest;
  if (durationWords.length === 0) {
    if (hasFor) return error(`For how long? ${DURATION_HINT}`);
    return { kind: 'mute', target, durationMs: DEFAULT_MUTE_MS };
  }
  const written = durationWords.join(' ');
  const durationMs = parseDurationMs(durationWords.join(''));
  if (durationMs === undefined) {
    const next = durationWords[0] as string;
    if (!hasFor && index.byName.has(next.toLowerCase())) {
      return error(`Mute one target at a time, like \`${SLASH_COMMAND} mute ${first} for 2h\`.`);
    }
    return error(`I can't read '${written}' as a duration. ${DURATION_HINT}`);
  }
  if (durationMs === 0) return error(`A mute must last more than zero. ${DURATION_HINT}`);
  if (durationMs > MAX_MUTE_MS) {
    return error(`'${written}' is too long: a mute lasts at most 30d (720h). Mute again when it ends.`);
  }
  return { kind: 'mute', target, durationMs };
}

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];
const ESCALATE_USAGE = `\`${SLASH_COMMAND} escalate critical after 15m to @oncall [then @sre-leads]\` or \`${SLASH_COMMAND} escalate off\``;

/**
 * One escalation target, from the escaped form Slack sends (the manifest's `should_escape: true`): a user
 * `<@U…|name>`, a user group `<!subteam^S…|@handle>`, a channel `<#C…|name>`, `<!here>`, or the word `here`.
 * Only the id is kept: the mention is built from it later, never from the label.
 */
function parseEscalationTarget(word: string): EscalationTarget | Command {
  const escaped = /^<([@#!])([^|>]*)(?:\|[^>]*)?>$/.exec(word);
  if (escaped) {
    const [, sigil, body = ''] = escaped;
    if (sigil === '@' && /^[UW][A-Z0-9]{2,30}$/.test(body)) return { kind: 'user', id: body };
    if (sigil === '#' && /^[CG][A-Z0-9]{2,30}$/.test(body)) return { kind: 'channel', id: body };
    if (sigil === '!') {
      const group = /^subteam\^(S[A-Z0-9]{2,30})$/.exec(body);
      if (group?.[1]) return { kind: 'usergroup', id: group[1] };
      if (body === 'here') return { kind: 'here' };
      if (body === 'channel' || body === 'everyone')
        return error(
          `InfraWatch pings at most @here (the people active in the channel), never @${body}: use here, a user group or a person.`,
        );
    }
    return error(
      `I can't use '${word}' as an escalation target: mention a person, a user group, a channel or here.`,
    );
  }
  const plain = word.toLowerCase();
  if (plain === 'here' || plain === '@here') return { kind: 'here' };
  if (plain === '@channel' || plain === '@everyone' || plain === 'channel' || plain === 'everyone')
    return error(
      `InfraWatch pings at most @here (the people active in the channel), never ${word}: use here, a user group or a person.`,
    );
  if (word.startsWith('@') || word.startsWith('#'))
    return error(
      `Slack sent '${word}' as plain text, without its id: pick it from Slack's autocomplete (the name alone could be anybody).`,
    );
  return error(
    `'${word}' is not an escalation target: mention a person (@alice), a user group (@oncall), a channel (#security) or here.`,
  );
}

/**
 * `escalate off`, or `escalate <severity> after <duration> to <target> [then <target>]`. `words` are the raw
 * words (mentions still escaped: {@link fromSlackText} would replace them with their labels).
 */
function parseEscalate(words: readonly string[]): Command {
  const [first, ...rest] = words;
  if (first === undefined)
    return error(
      `How should I escalate? ${ESCALATE_USAGE}. \`${SLASH_COMMAND} list\` shows what is set now.`,
    );
  if (first.toLowerCase() === 'off') {
    if (rest.length > 0) return error(`\`${SLASH_COMMAND} escalate off\` takes nothing after it.`);
    return { kind: 'escalate', policy: null };
  }
  const severity = SEVERITIES.find((s) => s === first.toLowerCase());
  if (severity === undefined) {
    const suggestion = closest(first, [...SEVERITIES, 'off']);
    return error(
      `${suggestion ? `Unknown severity '${first}' — did you mean '${suggestion}'?` : `Say which severity first: critical, warning or info (alerts of it or above escalate).`} ${ESCALATE_USAGE}.`,
    );
  }
  const lower = rest.map((word) => word.toLowerCase());
  const toAt = lower.indexOf('to');
  if (lower[0] !== 'after' || toAt < 2) return error(`Say after how long and to whom: ${ESCALATE_USAGE}.`);
  const written = rest.slice(1, toAt).join(' ');
  const afterMs = parseDurationMs(rest.slice(1, toAt).join(''));
  if (afterMs === undefined)
    return error(`I can't read '${written}' as a duration. Use minutes or hours, like 15m or 1h.`);
  if (afterMs < MIN_ESCALATION_AFTER_MS || afterMs > MAX_ESCALATION_AFTER_MS)
    return error(`'${written}' is out of range: escalate after 1m at the least and 24h at the most.`);
  const targetWords = rest.slice(toAt + 1);
  const thenAt = targetWords.findIndex((word) => word.toLowerCase() === 'then');
  const firstWords = thenAt < 0 ? targetWords : targetWords.slice(0, thenAt);
  const secondWords = thenAt < 0 ? [] : targetWords.slice(thenAt + 1);
  if (firstWords.length !== 1 || (thenAt >= 0 && secondWords.length !== 1))
    return error(`Name one target, and at most one more after \`then\`: ${ESCALATE_USAGE}.`);
  const targets: EscalationTarget[] = [];
  for (const word of [...firstWords, ...secondWords]) {
    const target = parseEscalationTarget(word);
    if ('kind' in target && target.kind === 'error') return target;
    targets.push(target as EscalationTarget);
  }
  const [one, two] = targets as [EscalationTarget, EscalationTarget | undefined];
  return { kind: 'escalate', policy: { severity, afterMs, targets: two ? [one, two] : [one] } };
}

/** `ask-actors on|off`, `actor-confirms acknowledge|show`: one word from `choices`. */
function parseChoice<T extends string>(
  kind: 'ask-actors' | 'actor-confirms',
  words: readonly string[],
  choices: readonly T[],
): T | Command {
  const usage = `\`${SLASH_COMMAND} ${kind} ${choices.join('|')}\``;
  const [word, ...rest] = words;
  if (word === undefined) return error(`Say ${choices.join(' or ')}: ${usage}.`);
  const chosen = choices.find((choice) => choice === word.toLowerCase());
  if (chosen === undefined) {
    const suggestion = closest(word, choices);
    return error(
      `${suggestion ? `Unknown choice '${word}' — did you mean '${suggestion}'?` : `I can't read '${word}' here.`} ${usage}.`,
    );
  }
  if (rest.length > 0) return error(`${usage} takes one word.`);
  return chosen;
}

/** `stats [7d|30d]`: the window, 7 days unless said. */
function parseStats(words: readonly string[]): Command {
  const [window, ...rest] = words.map((word) => word.toLowerCase());
  const days = window === undefined || window === '7d' ? 7 : window === '30d' ? 30 : undefined;
  if (days === undefined) {
    return error(
      `\`${SLASH_COMMAND} stats\` covers the last \`7d\` or \`30d\` (default 7d), not '${words[0] ?? ''}'. ${HELP_HINT}`,
    );
  }
  if (rest.length > 0)
    return error(`\`${SLASH_COMMAND} stats\` takes one window: \`7d\` or \`30d\`. ${HELP_HINT}`);
  return { kind: 'stats', days };
}

function noArguments(kind: 'list' | 'watches' | 'digest', words: readonly string[]): Command {
  if (words.length === 0) return { kind };
  return error(`\`${SLASH_COMMAND} ${kind}\` takes no arguments. ${HELP_HINT}`);
}

/**
 * Parses the text of an `/infrawatch` slash command (what Slack sends as `text`, without the command).
 * Never throws: anything it cannot understand becomes `{ kind: 'error', message }`, with a suggestion when a
 * word looks like a typo of a command or watch name.
 */
export function parseCommand(text: string, catalog: CommandCatalog = builtInCatalog): Command {
  const words = fromSlackText(text)
    .split(/[\s,]+/)
    .filter((word) => word.length > 0);
  const [keyword, ...args] = words;
  if (keyword === undefined) return { kind: 'help' };
  // Mentions must reach the escalate grammar still escaped (ids, not labels): split the raw text, keeping
  // every <…> together.
  if (keyword.toLowerCase() === 'escalate')
    return parseEscalate((text.trim().match(/<[^>]*>|[^\s,<]+/g) ?? []).slice(1));
  const index = indexWatches(catalog);

  switch (keyword.toLowerCase()) {
    case 'subscribe':
      return parseSubscription('subscribe', args, index);
    case 'unsubscribe':
      return parseSubscription('unsubscribe', args, index);
    case 'mute':
      return parseMute('mute', args, index);
    case 'unmute':
      return parseMute('unmute', args, index);
    case 'ask-actors': {
      const choice = parseChoice('ask-actors', args, ['on', 'off'] as const);
      return typeof choice === 'string' ? { kind: 'ask-actors', ask: choice === 'on' } : choice;
    }
    case 'actor-confirms': {
      const choice = parseChoice('actor-confirms', args, ['acknowledge', 'show'] as const);
      return typeof choice === 'string' ? { kind: 'actor-confirms', confirms: choice } : choice;
    }
    case 'list':
      return noArguments('list', args);
    case 'watches':
      return noArguments('watches', args);
    case 'digest':
      return noArguments('digest', args);
    case 'stats':
      return parseStats(args);
    case 'help':
      return { kind: 'help' };
    default:
      break;
  }

  const suggestion = closest(keyword, KEYWORDS);
  if (suggestion !== undefined) {
    return error(`Unknown command '${keyword}' — did you mean '${suggestion}'? ${HELP_HINT}`);
  }
  if (index.byName.has(keyword.toLowerCase())) {
    return error(
      `Unknown command '${keyword}'. To get its alerts here: \`${SLASH_COMMAND} subscribe ${keyword}\`. ${HELP_HINT}`,
    );
  }
  return error(`Unknown command '${keyword}'. ${HELP_HINT}`);
}
