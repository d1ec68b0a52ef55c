import { type AlertContent, changeCountOf } from '../model/alert';
import type { RenderedMessage } from './alert';
import { contextBlock, SEVERITY_LABELS, SEVERITY_MARKERS } from './alert-parts';
import { SLACK_LIMITS } from './limits';
import { escapeMrkdwn, truncateMrkdwn } from './mrkdwn';

/**
 * The thread reply, broadcast to the channel, that announces a burst turning more severe. Updating a message
 * notifies nobody, so a critical change joining an info burst already posted would otherwise go unseen until
 * someone reread the message: this reply is the ping.
 */
export function renderEscalation(alert: AlertContent): RenderedMessage {
  const lead = alert.lines[0];
  const summary = escapeMrkdwn(lead?.summary ?? alert.lead.summary, { singleLine: true });
  const count = changeCountOf(alert);
  const text = truncateMrkdwn(
    `${SEVERITY_MARKERS[alert.severity]} *${SEVERITY_LABELS[alert.severity]}* change in this burst of ${count} changes: ${summary}`,
    SLACK_LIMITS.sectionText,
  );
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }] };
}

/** Said on an alert's fresh message when Slack no longer had the earlier one. */
export const REPLACEMENT_NOTE =
  '↻ The earlier message for this alert was removed from the channel; this one replaces it.';

/**
 * An alert message that replaces one Slack no longer has (deleted by a workspace admin, or a Slack that was
 * reset): the note goes right under the header, so nobody mistakes it for a new alert. At Slack's block limit
 * the note goes into the fallback text only.
 */
export function withReplacementNote(message: RenderedMessage): RenderedMessage {
  if (message.blocks.length >= SLACK_LIMITS.messageBlocks)
    return { ...message, text: `${message.text} (${REPLACEMENT_NOTE})` };
  const [first, ...rest] = message.blocks;
  const note = contextBlock(REPLACEMENT_NOTE);
  return {
    ...message,
    blocks: first?.type === 'header' ? [first, note, ...rest] : [note, ...message.blocks],
  };
}
