/**
 * One checker for everything InfraWatch sends to Slack (a message, a modal, an ephemeral or a slash-command
 * answer), used by the hostile-input fuzzer and by regression tests. It returns sentences, never throws, so a
 * scenario can count violations and print the first ones.
 *
 * Block Kit: the Slack stand-in's validator (app/local/slack/block-kit.ts), whose limits are Slack's own:
 * - 50 blocks per message, 100 per modal: https://docs.slack.dev/reference/block-kit/blocks
 * - section `text` ≤ 3,000, `fields` ≤ 10 of ≤ 2,000 each:
 *   https://docs.slack.dev/reference/block-kit/blocks/section-block
 * - header `text` plain_text ≤ 150: https://docs.slack.dev/reference/block-kit/blocks/header-block
 * - context ≤ 10 elements: https://docs.slack.dev/reference/block-kit/blocks/context-block
 * - button `text` ≤ 75, `action_id` ≤ 255, `value` ≤ 2,000, `url` ≤ 3,000:
 *   https://docs.slack.dev/reference/block-kit/block-elements/button-element
 * - modal `title`/`submit`/`close` ≤ 24, `private_metadata` ≤ 3,000, `callback_id` ≤ 255:
 *   https://docs.slack.dev/reference/views/modal-views
 * - top-level `text` is truncated past 40,000 characters:
 *   https://api.slack.com/changelog/2018-04-truncating-really-long-messages
 *
 * Markup: Slack parses `<…>` and `&…;` in mrkdwn (and in a message's top-level `text`). After InfraWatch's own
 * constructs are taken out (local dates, AWS console links, Slack permalinks, and mentions of ids it was given in
 * a trusted place: the clicking user, the channel, a configured escalation target), no `<`, `>` or bare `&` may
 * remain, no unbroken `@channel`/`@here`/`@everyone`, and every code fence must be closed.
 *
 * Text: no invisible or direction-changing code point (zero-width characters U+200B–U+200F, bidi embeddings and
 * overrides U+202A–U+202E, isolates U+2066–U+2069, U+FEFF, tags…) in anything a person sees, no control
 * character, and no lone surrogate anywhere in the payload (Slack replaces or refuses them; a cut through a
 * surrogate pair leaves one).
 */
import { formatIssue, validateMessageBlocks, validateModalView } from '../../app/local/slack/block-kit';
import { SLACK_LIMITS } from '../../src/views/limits';
import { mrkdwnTexts, OWN_LINKS } from './block-kit';

/** Ids InfraWatch may mention because they came from a trusted place (a signed payload, a stored setting). */
export interface TrustedMentions {
  users?: Iterable<string>;
  channels?: Iterable<string>;
  usergroups?: Iterable<string>;
  /** `<!here>`: an escalation step to @here. */
  here?: boolean;
}

/** What goes to Slack: `text` and `blocks` (a message or answer) and/or `view` (a modal). */
export interface SlackOutput {
  text?: unknown;
  blocks?: unknown;
  view?: unknown;
}

const SLACK_PERMALINK =
  /<https:\/\/[a-z0-9-]+\.slack\.com\/archives\/[A-Z0-9]+\/p\d+(?:\?[^\s<>|]*)?\|[^<>|]*>/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Invisible or format code points, except those that draw an emoji (a variation selector after it, a joiner
// after it: a cut may end a sequence there, `👩\u200D…`) and InfraWatch's own word joiner in `@\u2060channel`
// (also when a cut leaves `@\u2060chan…`).
const OWN_MARKS =
  /(?<=\p{Extended_Pictographic}\p{Emoji_Modifier}?)[\uFE0E\uFE0F]|(?<=\p{Extended_Pictographic}[\uFE0E\uFE0F]?)\u200D|(?<=@)\u2060/gu;
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;
const CONTROL = /[^\P{Cc}\n\t]/u;
/** Keys whose strings are not shown to a person. */
const NOT_SHOWN = new Set([
  ...['value', 'action_id', 'block_id', 'callback_id', 'private_metadata', 'url', 'type', 'metadata'],
  ...['channel', 'ts', 'thread_ts', 'user', 'trigger_id', 'response_type', 'response_action'],
]);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (ids: Iterable<string> | undefined) => [...(ids ?? [])].map(escapeRegExp).join('|');

function trustedPatterns(trusted: TrustedMentions): RegExp[] {
  const patterns = [...OWN_LINKS, SLACK_PERMALINK];
  const users = anyOf(trusted.users);
  const channels = anyOf(trusted.channels);
  const groups = anyOf(trusted.usergroups);
  if (users !== '') patterns.push(new RegExp(`<@(?:${users})>`, 'g'));
  if (channels !== '') patterns.push(new RegExp(`<#(?:${channels})>`, 'g'));
  if (groups !== '') patterns.push(new RegExp(`<!subteam\\^(?:${groups})>`, 'g'));
  if (trusted.here === true) patterns.push(/<!here>/g);
  // Escalation notes and settings name the @here target as plain text ("escalated to @here", "go to @here").
  patterns.push(/(?<=\bto )@here\b/g);
  return patterns;
}

function around(text: string, at: number): string {
  return JSON.stringify(text.slice(Math.max(0, at - 50), at + 50));
}

/** Problems of one mrkdwn string (or top-level `text`), as sentences. */
export function markupProblems(text: string, trusted: TrustedMentions = {}): string[] {
  let rest = text;
  for (const pattern of trustedPatterns(trusted)) rest = rest.replace(pattern, '');
  const problems: string[] = [];
  const markup =
    /[<>]/.exec(rest) ??
    /&(?!amp;|lt;|gt;)/.exec(rest) ??
    /@(?:channel|here|everyone)(?![a-z0-9])/i.exec(rest);
  if (markup !== null) problems.push(`markup not made by InfraWatch at ${around(rest, markup.index)}`);
  if ((text.split('```').length - 1) % 2 !== 0) problems.push(`an unclosed code block in ${around(text, 0)}`);
  return problems;
}

/** Visits every string of `value` with its key and whether a person sees it (ids, values, metadata: no). */
function strings(
  value: unknown,
  key: string,
  shown: boolean,
  visit: (text: string, key: string, shown: boolean) => void,
): void {
  if (typeof value === 'string') visit(value, key, shown && !NOT_SHOWN.has(key));
  else if (Array.isArray(value)) for (const item of value) strings(item, key, shown, visit);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) strings(v, k, shown && !NOT_SHOWN.has(k), visit);
}

/**
 * Every problem Slack or a reader would have with `output`: invalid Block Kit or a limit exceeded, markup that
 * InfraWatch did not build, invisible or control characters in shown text, lone surrogates. Empty: fine.
 */
export function slackOutputProblems(output: SlackOutput, trusted: TrustedMentions = {}): string[] {
  const problems: string[] = [];
  const { text, blocks, view } = output;
  if (text !== undefined) {
    if (typeof text !== 'string') problems.push('`text` is not a string');
    else if (text.length > SLACK_LIMITS.messageText)
      problems.push(
        `\`text\` has ${text.length} characters (Slack truncates past ${SLACK_LIMITS.messageText})`,
      );
  }
  if (blocks !== undefined) {
    if (!Array.isArray(blocks)) problems.push('`blocks` is not an array');
    else problems.push(...validateMessageBlocks(blocks).map(formatIssue));
  }
  if (view !== undefined) problems.push(...validateModalView(view).map(formatIssue));
  if (text === undefined && blocks === undefined && view === undefined) return problems;

  const shownBlocks = [
    ...(Array.isArray(blocks) ? blocks : []),
    ...((view as { blocks?: unknown[] })?.blocks ?? []),
  ];
  for (const mrkdwn of mrkdwnTexts({ text: typeof text === 'string' ? text : '', blocks: shownBlocks }))
    problems.push(...markupProblems(mrkdwn, trusted));

  strings(output, '', true, (value, key, shown) => {
    if (LONE_SURROGATE.test(value))
      problems.push(`a lone surrogate in ${key}: ${around(value, value.search(LONE_SURROGATE))}`);
    if (!shown) return;
    const visible = value.replace(OWN_MARKS, '');
    const hidden = INVISIBLE.exec(visible);
    if (hidden !== null)
      problems.push(
        `U+${(hidden[0].codePointAt(0) ?? 0).toString(16).toUpperCase()} shown unseen in ${key}: ${around(visible, hidden.index)}`,
      );
    const control = CONTROL.exec(value);
    if (control !== null)
      problems.push(
        `control character U+${(control[0].codePointAt(0) ?? 0).toString(16).toUpperCase()} in ${key}`,
      );
  });
  return problems;
}
