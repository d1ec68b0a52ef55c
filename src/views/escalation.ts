import type { AlertContent } from '../changes/types';
import type { RenderedMessage } from './alert';
import { SEVERITY_LABELS, SEVERITY_MARKERS } from './alert-parts';
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
  const count = alert.lines.length;
  const text = truncateMrkdwn(
    `${SEVERITY_MARKERS[alert.severity]} *${SEVERITY_LABELS[alert.severity]}* change in this burst of ${count} changes: ${summary}`,
    SLACK_LIMITS.sectionText,
  );
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }] };
}
