import { formatIssue, validateModalView } from '../../app/local/slack/block-kit';
import { assertOnlyOwnMarkup, type MessageLike, mrkdwnTexts } from '../helpers/block-kit';

/** Fails with every problem Slack would report for a modal view (100 blocks, 24-character title, …). */
export function assertValidModal(view: unknown): void {
  const issues = validateModalView(view);
  if (issues.length > 0) {
    throw new Error(`invalid modal:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`);
  }
}

/** A modal's blocks as a message-like value, for the mrkdwn helpers. */
export function modalAsMessage(view: { blocks: readonly unknown[] }): MessageLike {
  return { text: 'modal', blocks: view.blocks };
}

// Markup the digest and the replies add to what assertOnlyOwnMarkup knows: links to Slack messages (permalinks
// from chat.getPermalink) and channel mentions of validated channel ids.
const SLACK_PERMALINK = /<https:\/\/[a-z0-9-]+\.slack\.com\/archives\/[A-Z0-9]+\/p\d+\|[^<>|]*>/g;
const CHANNEL_MENTION = /<#[CGD][A-Z0-9]+>/g;

/** {@link assertOnlyOwnMarkup}, also allowing Slack permalinks and channel mentions. */
export function assertOnlyOwnMarkupInReply(message: MessageLike): void {
  const strip = (text: string) => text.replace(SLACK_PERMALINK, '').replace(CHANNEL_MENTION, '');
  const texts = mrkdwnTexts(message).map(strip);
  assertOnlyOwnMarkup({
    text: texts[0] ?? '',
    blocks: texts.slice(1).map((text) => ({ type: 'mrkdwn', text })),
  });
}

/** Every mrkdwn string of a message or modal, joined. */
export function allText(message: MessageLike): string {
  return mrkdwnTexts(message).join('\n');
}

/** The `text` of every section (not fields) of a block list. */
export function sectionTexts(blocks: readonly unknown[]): string[] {
  return blocks.flatMap((block) => {
    const b = block as { type?: string; text?: { text?: string } };
    return b.type === 'section' && typeof b.text?.text === 'string' ? [b.text.text] : [];
  });
}

/** Hostile strings a CloudTrail field or a Slack user could carry. */
export const HOSTILE = {
  broadcast: '<!channel> look',
  disguisedLink: '<https://evil.example|aws.amazon.com>',
  bold: '*bold*',
  all: 'x <!channel> <https://evil.example|aws.amazon.com> *bold* @here & ```',
} as const;
