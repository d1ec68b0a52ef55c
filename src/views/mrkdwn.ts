/**
 * Slack mrkdwn building blocks for text that came from CloudTrail or from a Slack user.
 *
 * Slack parses `&`, `<` and `>` as control characters in every mrkdwn string (`<!channel>`, `<@U123>`,
 * `<https://evil|aws.amazon.com>`), so escaping those three is what keeps an event from pinging a channel or
 * disguising a link. Formatting characters (`*`, `_`, `~`, `` ` ``) have no escape at all in mrkdwn; they are only
 * rewritten where untrusted text sits inside our own formatting (see {@link escapeEmphasized}, {@link inlineCode},
 * {@link codeBlock}). Everywhere else they are left as they are, so an IAM name such as `deploy_role` or a policy
 * action `s3:*` reads (and copies) exactly as AWS recorded it.
 */

import { revealInvisible } from '../changes/invisible';

/** Appended to any text cut short. One character, so it costs one unit of a Slack limit. */
export const ELLIPSIS = '…';

// Lookalikes for the mrkdwn formatting characters. Slack offers no escape for them; inside our own `*bold*` or
// `` `code` `` an untrusted `*` or backtick would close our formatting early and spill the rest of the line.
const LOOKALIKES: Readonly<Record<string, string>> = {
  '*': '\u2217', // ∗ asterisk operator
  _: '\u02cd', // ˍ modifier letter low macron
  '~': '\u223c', // ∼ tilde operator
  '`': '\u02cb', // ˋ modifier letter grave accent
};

const LINE_BREAKS = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;
// C0/C1 controls other than tab and newline (line breaks are normalised first): invisible in Slack, and a way to smuggle text past a reader.
const CONTROLS = /[^\P{Cc}\t\n]/gu;
// A surrogate without its pair (JSON allows `"\ud800"`) is no character at all: Slack shows U+FFFD or refuses
// the payload, and a reader cannot tell what was there. It is written out like an invisible code point.
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// `@channel`, `@here` and `@everyone` in plain text become real broadcasts when a message is posted with
// `link_names` or when a text object is not `verbatim`. A word joiner after the `@` breaks the keyword.
// Broken unless a letter or digit follows (`@channels` is no keyword): not `\b`, for in `@channel_` the `_` is a
// word character, and escapeEmphasized turns it into `ˍ`, which is not, leaving an unbroken `@channel`.
const BROADCASTS = /@(channel|here|everyone)(?![a-z0-9])/gi;

// Three backticks open a code block that runs to the next fence, our own text included: an untrusted run of them
// is written with lookalikes. Single backticks are kept (`s3:*` in a name reads as AWS wrote it).
const FENCES = /`{3,}/g;

/** Options for {@link escapeMrkdwn}. */
export interface EscapeOptions {
  /** Replace line breaks with a space, for text that must stay on one line (a list item, a field value). */
  singleLine?: boolean;
}

/**
 * Untrusted text made fit for display, in plain_text or mrkdwn: line breaks normalised (or collapsed to spaces
 * with `singleLine`), control characters removed, and invisible code points (zero-width characters, direction
 * marks, bidi overrides and isolates, tag characters) and lone surrogates written out as `⟨U+200B⟩`: `ad\u200Bmin`
 * must not read as `admin`, nor `evil\u202Emoc.com` backwards. No escaping.
 */
export function sanitizeText(text: string, options: EscapeOptions = {}): string {
  const clean = text.replace(LINE_BREAKS, options.singleLine === true ? ' ' : '\n');
  return revealInvisible(clean.replace(CONTROLS, '')).replace(LONE_SURROGATES, codePointShown);
}

const codePointShown = (char: string) => `⟨U+${char.charCodeAt(0).toString(16).toUpperCase()}⟩`;

/**
 * Makes untrusted text safe to place in a mrkdwn string: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;` (so no
 * mention, channel link, broadcast or URL can be formed), {@link sanitizeText}, and `@channel`/`@here`/`@everyone`
 * broken with a word joiner, and a run of three or more backticks (a code fence) written with `ˋ`. Other formatting
 * characters are kept.
 */
export function escapeMrkdwn(text: string, options: EscapeOptions = {}): string {
  const clean = sanitizeText(text, options)
    .replace(BROADCASTS, '@\u2060$1')
    .replace(FENCES, (run) => (LOOKALIKES['`'] ?? '').repeat(run.length));
  return clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escapes untrusted text that sits inside our own `*bold*`, `_italic_` or `~strike~`: on one line, with
 * `*`, `_`, `~` and `` ` `` replaced by lookalike characters so they cannot close our formatting.
 * The displayed text then differs from the original by those characters (a copy-paste gets the lookalikes).
 */
export function escapeEmphasized(text: string): string {
  return neutraliseFormatting(escapeMrkdwn(text, { singleLine: true }));
}

/**
 * Untrusted text as inline code: one line, escaped, backticks replaced by `ˋ` so the span cannot be closed early.
 * Inline code turns off every other formatting, so `*` and `_` inside it are shown as they are.
 */
export function inlineCode(text: string): string {
  const body = escapeMrkdwn(text, { singleLine: true }).replace(/`/g, LOOKALIKES['`'] ?? '');
  return body.trim() === '' ? '_(empty)_' : `\`${body}\``;
}

/**
 * Untrusted multi-line text as a code block. Backticks are replaced by `ˋ`: a run of three would end the block.
 * Entities are still needed inside the block: Slack parses `<…>` before it applies code formatting.
 */
export function codeBlock(text: string): string {
  const body = escapeMrkdwn(text).replace(/`/g, LOOKALIKES['`'] ?? '');
  return body.trim() === '' ? '_(empty)_' : `\`\`\`${body}\`\`\``;
}

function neutraliseFormatting(escaped: string): string {
  return escaped.replace(/[*_~`]/g, (char) => LOOKALIKES[char] ?? char);
}

/**
 * Cuts plain (unescaped) text to at most `max` UTF-16 units, ending with `…` when anything was removed.
 * Never splits a surrogate pair. Use {@link truncateMrkdwn} for text that is already mrkdwn. A hard limit for
 * Slack fields; `clip` (src/changes/read.ts) is the bound on stored change text that says how much it cut.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  return `${text.slice(0, safeCut(text, max - 1))}${ELLIPSIS}`;
}

/**
 * Cuts a mrkdwn string to at most `max` characters without breaking its syntax: never inside an entity
 * (`&amp;`), never inside a `<…>` link, mention or date, never inside a surrogate pair; a code block left open by
 * the cut is closed again. Ends with `suffix` (default `…`) when anything was removed.
 */
export function truncateMrkdwn(text: string, max: number, suffix: string = ELLIPSIS): string {
  if (text.length <= max) return text;
  if (max <= suffix.length) return truncate(suffix, Math.max(max, 0));
  // First try without room for a closing fence; if the kept part leaves a code block open, cut again with room.
  for (const reserve of [0, FENCE.length]) {
    const kept = text.slice(0, syntaxSafeCut(text, max - suffix.length - reserve));
    if (countFences(kept) % 2 === 0) return `${kept}${suffix}`;
    if (kept.length + suffix.length + FENCE.length <= max) return `${kept}${suffix}${FENCE}`;
  }
  return truncate(suffix, max);
}

const FENCE = '```';

function countFences(text: string): number {
  return text.split(FENCE).length - 1;
}

/** Moves a cut back so it does not fall inside an entity, a `<…>` construct or a code fence. */
function syntaxSafeCut(text: string, cut: number): number {
  let position = cut;
  const lastAmp = text.lastIndexOf('&', position - 1);
  if (lastAmp !== -1 && position - lastAmp <= 8) {
    const semicolon = text.indexOf(';', lastAmp);
    if (semicolon === -1 || semicolon >= position) position = lastAmp;
  }
  const lastOpen = text.lastIndexOf('<', position - 1);
  if (lastOpen !== -1 && text.lastIndexOf('>', position - 1) < lastOpen) position = lastOpen;
  // A cut between the backticks of a fence would leave a lone "`" or "``".
  while (position > 0 && text[position - 1] === '`' && text[position] === '`') position -= 1;
  return safeCut(text, position);
}

/** Largest cut ≤ `index` that does not split a surrogate pair. */
function safeCut(text: string, index: number): number {
  if (index <= 0) return 0;
  if (index >= text.length) return text.length;
  const code = text.charCodeAt(index - 1);
  return code >= 0xd800 && code <= 0xdbff ? index - 1 : index;
}

/**
 * A link to a URL we built ourselves (AWS console, CloudTrail). The label is escaped; characters that would end
 * the `<url|label>` construct are percent-encoded in the URL. Anything but an `https:` URL gives the bare label.
 */
export function link(url: string, label: string): string {
  const text = escapeMrkdwn(label, { singleLine: true }).replace(/\|/g, '\u2223');
  if (!/^https:\/\/[^\s]+$/.test(url)) return text;
  const safeUrl = url.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/&/g, '&amp;');
  return `<${safeUrl}|${text}>`;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Milliseconds since the epoch of an ISO-8601 time with a zone, or null when the text is not one. */
export function parseIsoTime(isoTime: string): number | null {
  if (!ISO_TIME.test(isoTime)) return null;
  const ms = Date.parse(isoTime);
  return Number.isFinite(ms) ? ms : null;
}

/** `2024-01-02 03:04 UTC`: what a reader sees where Slack cannot localise a date. */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Slack date tokens; `{date_short_pretty}` says "today"/"yesterday" where it applies. */
export const DATE_FORMAT = '{date_short_pretty} at {time}';

/**
 * A date every reader sees in their own time zone: `<!date^epoch^{date_short_pretty} at {time}|fallback>`.
 * `fallback` (default: the UTC time) is shown by clients that cannot format dates; Slack does not decode
 * entities there, so `&`, `<`, `>` and `|` are dropped from it. A time that does not parse gives the escaped
 * fallback (or the escaped input) with no date formatting.
 */
export function date(isoTime: string, fallback?: string, format: string = DATE_FORMAT): string {
  const ms = parseIsoTime(isoTime);
  if (ms === null) return escapeMrkdwn(fallback ?? isoTime, { singleLine: true });
  const shown = (fallback ?? formatUtc(ms)).replace(LINE_BREAKS, ' ').replace(/[&<>|]/g, '');
  return `<!date^${Math.floor(ms / 1000)}^${format}|${shown === '' ? formatUtc(ms) : shown}>`;
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/**
 * A mention of a Slack user when `userId` looks like one (`U…`/`W…`), otherwise the escaped `userName`: the id
 * comes from an interaction payload, and a forged `U1>|<!channel` must not become markup.
 */
export function mention(userId: string, userName: string): string {
  if (SLACK_USER_ID.test(userId)) return `<@${userId}>`;
  return escapeMrkdwn(userName === '' ? 'someone' : userName, { singleLine: true });
}

const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,30}$/;

/** True for a Slack conversation id (`C…` public, `G…` private, `D…` direct message). */
export function isSlackChannelId(value: string): boolean {
  return SLACK_CHANNEL_ID.test(value);
}

/**
 * A link to a Slack channel when `channelId` looks like one (`C…`, `G…`, `D…`), otherwise `fallback` (escaped):
 * channel ids come from command and interaction payloads and must not become markup.
 */
export function channelMention(channelId: string, fallback = 'this channel'): string {
  if (isSlackChannelId(channelId)) return `<#${channelId}>`;
  return escapeMrkdwn(fallback, { singleLine: true });
}

/**
 * Reverses the three entities of {@link escapeMrkdwn} (`&lt;`, `&gt;`, `&amp;`), for text stored already escaped
 * (an alert's fallback text kept as its headline) that is about to be escaped again: escape the result, never
 * show it as it is. Raw text that happened to contain `&lt;` is then shown as `<`.
 */
export function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
