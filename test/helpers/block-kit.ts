import { formatIssue, validateMessageBlocks } from '../../app/local/slack/block-kit';
import { SLACK_LIMITS } from '../../src/views/limits';

/** A rendered message as the views return it. */
export interface MessageLike {
  text: string;
  blocks: readonly unknown[];
}

/**
 * Fails with every problem Slack would report (the Slack stand-in's validator: 50 blocks, 3,000 characters per
 * section text, 10 fields of 2,000, 150-character headers, 10 context elements, 75-character button labels,
 * 2,000-character button values, 150-character option values, unique block ids…).
 */
export function assertValidBlocks(blocks: readonly unknown[]): void {
  const issues = validateMessageBlocks(blocks);
  if (issues.length > 0) {
    throw new Error(`invalid blocks:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`);
  }
}

/** {@link assertValidBlocks} plus the message `text`: present, and within Slack's 40,000 characters. */
export function assertValidMessage(message: MessageLike): void {
  assertValidBlocks(message.blocks);
  if (message.text.trim() === '') throw new Error('message text is empty');
  if (message.text.length > SLACK_LIMITS.messageText) {
    throw new Error(`message text has ${message.text.length} characters (limit ${SLACK_LIMITS.messageText})`);
  }
}

/** Every mrkdwn string of a message: the top-level `text` and every `{ type: 'mrkdwn', text }` in the blocks. */
export function mrkdwnTexts(message: MessageLike): string[] {
  const texts = [message.text];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (record.type === 'mrkdwn' && typeof record.text === 'string') texts.push(record.text);
    for (const child of Object.values(record)) walk(child);
  };
  walk(message.blocks);
  return texts;
}

// The only `<…>` constructs InfraWatch writes: local dates, mentions of a validated user id, and links to AWS
// consoles whose label is escaped, directly or as an IAM Identity Center access-portal shortcut to one.
const CONSOLE_HOST =
  '(?:[a-z0-9-]+\\.)*(?:console\\.aws\\.amazon\\.com|console\\.amazonaws\\.cn|console\\.amazonaws-us-gov\\.com)';
/** InfraWatch's own dates and console links (direct, or through an access portal): shapes no event can make. */
export const OWN_LINKS = [
  /<!date\^\d+\^[^<>|]*\|[^<>|&]*>/g,
  new RegExp(`<https://${CONSOLE_HOST}/[^\\s<>|]*\\|[^<>|]*>`, 'g'),
  new RegExp(
    '<https://[a-z0-9.-]+(?:/[^\\s<>|#?]*)?/#/console\\?account_id=\\d{12}&amp;role_name=[^\\s<>|&]+' +
      `&amp;destination=https%3A%2F%2F${CONSOLE_HOST}%2F[^\\s<>|&]*\\|[^<>|]*>`,
    'g',
  ),
];
const OWN_MARKUP = [...OWN_LINKS, /<@[UW][A-Z0-9]+>/g];

/**
 * Fails when a mrkdwn string of the message holds any `<` or `>` outside InfraWatch's own dates, mentions and
 * console links, an `&` that is not an entity, or an unbroken `@channel`/`@here`/`@everyone`: then an event could
 * ping, link or format where it should only be shown.
 */
export function assertOnlyOwnMarkup(message: MessageLike): void {
  for (const text of mrkdwnTexts(message)) {
    let rest = text;
    for (const pattern of OWN_MARKUP) rest = rest.replace(pattern, '');
    const problem =
      /[<>]/.exec(rest) ?? /&(?!amp;|lt;|gt;)/.exec(rest) ?? /@(channel|here|everyone)\b/i.exec(rest) ?? null;
    if (problem !== null) {
      const at = problem.index;
      throw new Error(
        `markup not made by InfraWatch in ${JSON.stringify(rest.slice(Math.max(0, at - 60), at + 60))}`,
      );
    }
  }
}
