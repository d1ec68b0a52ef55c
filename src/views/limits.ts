import type { ContextBlock, KnownBlock, MrkdwnElement, PlainTextElement } from '@slack/types';
import { ELLIPSIS, sanitizeText, truncate, truncateMrkdwn } from './mrkdwn';

/**
 * Slack's Block Kit limits for messages. Slack rejects the whole `chat.postMessage` (`invalid_blocks`) when one
 * is exceeded, so an alert about an oversized event would never arrive: renderers cut with an indication instead.
 * Lengths are counted in UTF-16 units (JavaScript `length`), which is never less than Slack's character count.
 */
export const SLACK_LIMITS = {
  /** Blocks in one message. */
  messageBlocks: 50,
  /** `text` of a section block. */
  sectionText: 3000,
  /** `fields` of a section block. */
  sectionFields: 10,
  /** One entry of a section's `fields`. */
  fieldText: 2000,
  /** `text` of a header block (plain_text). */
  headerText: 150,
  /** Elements of a context block. */
  contextElements: 10,
  /** One text element of a context block. */
  contextElementText: 3000,
  /** Elements of an actions block. */
  actionElements: 25,
  /** Button label (plain_text). */
  buttonText: 75,
  /** Button `value`. */
  buttonValue: 2000,
  /** Options of an overflow menu (at least 2). */
  overflowOptions: 5,
  /** Text of an overflow/select option (plain_text). */
  optionText: 75,
  /** `value` of an overflow/select option. */
  optionValue: 150,
  /** `block_id` and `action_id`. */
  id: 255,
  /** The top-level `text` of a message; Slack truncates longer text. */
  messageText: 40_000,
  /** Blocks in one modal view. */
  modalBlocks: 100,
  /** A modal's `title`, `submit` and `close` texts (plain_text). */
  modalTitle: 24,
  /** A view's `private_metadata`. */
  privateMetadata: 3000,
  /** A confirmation dialog's `title` (plain_text). */
  confirmTitle: 100,
  /** A confirmation dialog's `text`. */
  confirmText: 300,
  /** A confirmation dialog's `confirm` and `deny` button labels (plain_text). */
  confirmButton: 30,
  /** An input block's `label` (plain_text). */
  inputLabel: 2000,
  /** A plain_text_input's `placeholder` (plain_text). */
  placeholder: 150,
} as const;

/** A plain_text object cut to `max` characters; Slack refuses an empty text, so an empty input gives `-`. */
export function plainText(text: string, max: number): PlainTextElement {
  const clipped = truncate(sanitizeText(text, { singleLine: true }), max);
  return { type: 'plain_text', text: clipped.trim() === '' ? '-' : clipped };
}

/**
 * A mrkdwn text object cut to `max` characters without breaking its syntax. `verbatim: true` stops Slack from
 * auto-linking URLs, channel names and mentions written as plain text: an untrusted `@here` or
 * `https://evil.example` stays text. Our own `<…>` links, mentions and dates still work.
 */
export function mrkdwnText(text: string, max: number): MrkdwnElement {
  const clipped = truncateMrkdwn(text, max);
  return { type: 'mrkdwn', text: clipped.trim() === '' ? '-' : clipped, verbatim: true };
}

/** `…and 480 more` (or `…and 480 more <noun>`). */
export function andMore(count: number, noun?: string, options: { atLeast?: boolean } = {}): string {
  return `${ELLIPSIS}and ${count.toLocaleString('en-US')}${options.atLeast ? '+' : ''} more${noun === undefined ? '' : ` ${noun}`}`;
}

/**
 * Joins mrkdwn lines (each already safe) with `separator` into at most `max` characters. Lines that do not fit are
 * dropped from the end and counted in a last `…and N more <noun>` line; a single line longer than `max` is cut.
 */
export function joinWithinLimit(
  lines: readonly string[],
  max: number,
  separator = '\n',
  noun?: string,
): { text: string; shown: number } {
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const cost = (kept.length === 0 ? 0 : separator.length) + line.length;
    const remaining = lines.length - index - 1;
    // Room for the "…and N more" line stays free unless this is the last line.
    const reserve = remaining > 0 ? separator.length + andMore(remaining, noun).length : 0;
    if (length + cost + reserve <= max) {
      kept.push(line);
      length += cost;
      continue;
    }
    if (kept.length === 0) {
      // The first line alone is too long: as much of it as fits, then the count of the others.
      const more = remaining > 0 ? `${separator}${andMore(remaining, noun)}` : '';
      const first = truncateMrkdwn(line, Math.max(max - more.length, 1));
      return { text: truncateMrkdwn(`${first}${more}`, max), shown: 1 };
    }
    return {
      text: `${kept.join(separator)}${separator}${andMore(lines.length - index, noun)}`,
      shown: index,
    };
  }
  return { text: kept.join(separator), shown: lines.length };
}

/**
 * Packs mrkdwn lines into at most `maxSections` texts of at most `maxChars` each (one section block each), in
 * order. Lines that do not fit are counted in a last `…and N more <noun>` line. `shown` is how many lines appear
 * (a line too long for a section on its own is cut and still counts as shown).
 */
export function packLines(
  lines: readonly string[],
  options: { maxSections: number; maxChars?: number; noun?: string },
): { sections: string[]; shown: number } {
  const max = options.maxChars ?? SLACK_LIMITS.sectionText;
  const sections: string[] = [];
  let index = 0;
  while (index < lines.length && sections.length < options.maxSections) {
    if (sections.length === options.maxSections - 1) {
      const last = joinWithinLimit(lines.slice(index), max, '\n', options.noun);
      sections.push(last.text);
      index += last.shown;
      break;
    }
    const start = index;
    let length = 0;
    for (; index < lines.length; index += 1) {
      const cost = (index === start ? 0 : 1) + (lines[index]?.length ?? 0);
      if (length + cost > max) break;
      length += cost;
    }
    if (index === start) {
      sections.push(truncateMrkdwn(lines[index] ?? '', max));
      index += 1;
    } else {
      sections.push(lines.slice(start, index).join('\n'));
    }
  }
  return { sections, shown: index };
}

/**
 * Keeps at most {@link SLACK_LIMITS.messageBlocks} blocks. When there are more, the last kept block becomes a
 * context line saying how many blocks were left out, so a reader knows the message is incomplete.
 * Renderers budget their blocks; this is the guard that keeps any input under the limit.
 */
export function limitBlocks(
  blocks: readonly KnownBlock[],
  max: number = SLACK_LIMITS.messageBlocks,
): KnownBlock[] {
  if (blocks.length <= max) return [...blocks];
  // Keep the actions at the end: without them nobody can acknowledge the alert.
  const actions = blocks.filter((block) => block.type === 'actions').slice(-1);
  const room = max - actions.length - 1;
  const kept = blocks.filter((block) => block.type !== 'actions').slice(0, room);
  const left = blocks.length - actions.length - kept.length;
  const notice: ContextBlock = {
    type: 'context',
    elements: [mrkdwnText(`${andMore(left, left === 1 ? 'block' : 'blocks')} (Slack's limit)`, 200)],
  };
  return [...kept, notice, ...actions];
}
