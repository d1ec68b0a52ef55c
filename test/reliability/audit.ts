/**
 * After a scenario: what the table and the Slack stand-in show, change by change and channel by channel. A
 * change is delivered when it is stored, has one delivery per channel that should see it, is one line of one
 * alert there, and that alert has exactly one message in the channel showing its latest revision. Anything
 * else is counted as lost or duplicate, with a sentence saying which change and where.
 */
import type { SlackStandin } from '../../app/local/slack';
import { ALERT_METADATA_TYPE } from '../../app/slack/alert-messenger';
import type { Store } from '../../src/store/ports';

/** The ts of each alert's top-level messages in a channel (from their metadata), oldest first. */
export function alertMessages(slack: SlackStandin, channel: string): Map<string, string[]> {
  const messages = new Map<string, string[]>();
  for (const message of slack.messages(channel)) {
    if (message.thread_ts !== undefined && message.thread_ts !== message.ts) continue;
    const meta = message.metadata as
      | { event_type?: string; event_payload?: { alert_id?: string } }
      | undefined;
    if (meta?.event_type !== ALERT_METADATA_TYPE) continue;
    const id = meta.event_payload?.alert_id ?? '';
    messages.set(id, [...(messages.get(id) ?? []), message.ts]);
  }
  return messages;
}

export interface DeliveryAudit {
  changes: number;
  /** Expected (change, channel) deliveries. */
  expected: number;
  alerts: number;
  /** Alert messages in Slack (top-level). */
  posts: number;
  lost: number;
  duplicates: number;
  problems: string[];
}

/**
 * Checks that every change of `expected` (change id -> channels that should show it) reached exactly those
 * channels exactly once, and nothing else was posted there.
 */
export async function auditDeliveries(
  store: Store,
  slack: SlackStandin,
  expected: ReadonlyMap<string, readonly string[]>,
): Promise<DeliveryAudit> {
  const audit: DeliveryAudit = {
    changes: expected.size,
    expected: 0,
    alerts: 0,
    posts: 0,
    lost: 0,
    duplicates: 0,
    problems: [],
  };
  const lost = (problem: string) => {
    audit.lost += 1;
    audit.problems.push(`lost: ${problem}`);
  };
  const duplicate = (problem: string) => {
    audit.duplicates += 1;
    audit.problems.push(`duplicate: ${problem}`);
  };
  const channels = new Set([...expected.values()].flat());
  const alertsByChannel = new Map<string, Set<string>>([...channels].map((c) => [c, new Set<string>()]));

  for (const [changeId, wanted] of expected) {
    audit.expected += wanted.length;
    if ((await store.changes.get(changeId)) === undefined) lost(`change ${changeId} is not stored`);
    const deliveries = await store.deliveries.allOf(changeId);
    for (const delivery of deliveries) {
      if (!wanted.includes(delivery.channel))
        duplicate(`change ${changeId} delivered to ${delivery.channel}, which should not see it`);
    }
    for (const channel of wanted) {
      const delivery = deliveries.find((d) => d.channel === channel);
      if (delivery?.kind !== 'alert') {
        lost(`change ${changeId} has no alert delivery in ${channel}`);
        continue;
      }
      alertsByChannel.get(channel)?.add(delivery.alertId);
    }
  }

  for (const [channel, alertIds] of alertsByChannel) {
    const messages = alertMessages(slack, channel);
    const lineCounts = new Map<string, number>();
    for (const alertId of alertIds) {
      audit.alerts += 1;
      const alert = await store.alerts.get(alertId);
      const lines = await store.alerts.lines(alertId);
      for (const line of lines) lineCounts.set(line.id, (lineCounts.get(line.id) ?? 0) + 1);
      const posted = messages.get(alertId) ?? [];
      if (posted.length === 0)
        lost(`alert ${alertId} (${lines.length} changes) has no message in ${channel}`);
      if (posted.length > 1)
        duplicate(
          `alert ${alertId} has ${posted.length} messages in ${channel} (ts ${posted.join(', ')}; post attempted at ${alert?.postAttemptAt}, recorded ${alert?.message?.ts})`,
        );
      if (alert === undefined) lost(`alert ${alertId} is not stored`);
      else if (alert.renderedRev !== alert.rev)
        lost(`alert ${alertId} in ${channel}: message shows rev ${alert.renderedRev} of ${alert.rev}`);
      else if (alert.changeCount !== lines.length)
        lost(`alert ${alertId} in ${channel}: message shows ${alert.changeCount} of ${lines.length} changes`);
    }
    for (const [alertId, posted] of messages) {
      audit.posts += posted.length;
      if (!alertIds.has(alertId))
        duplicate(`message for alert ${alertId} in ${channel}, which no change points at`);
    }
    for (const [changeId, wanted] of expected) {
      if (!wanted.includes(channel)) continue;
      const count = lineCounts.get(changeId) ?? 0;
      if (count === 0) lost(`change ${changeId} is a line of no alert in ${channel}`);
      if (count > 1) duplicate(`change ${changeId} is ${count} lines in ${channel}`);
    }
  }
  return audit;
}
