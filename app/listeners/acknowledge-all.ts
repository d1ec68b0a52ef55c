import { type AcknowledgeProblem, acknowledgeAlert } from '../../src/use-cases/acknowledge';
import { type DigestAckAllValue, parseDigestAckAllValue } from '../../src/views';
import { interactionDeps, type SlackAppDeps } from '../slack/deps';

export { parseDigestAckAllValue as parseAckAllValue };

/** Acknowledgements run a few at a time: each updates a Slack message, and Slack's 3 s answer budget is short. */
const CONCURRENCY = 5;

/**
 * "Acknowledge all listed" from a digest: the alerts still open in the digest's window (re-read from the sparse
 * index, so alerts acknowledged since are skipped, and every one counted by the digest is covered), each
 * acknowledged first-wins like a click on its own button. @returns the ephemeral summary for the clicker, how
 * many this click acknowledged, and whether every listed alert is acknowledged now (none kept open by changes).
 */
export async function acknowledgeAll(
  deps: SlackAppDeps,
  value: DigestAckAllValue,
  who: { userId: string; userName: string },
): Promise<{ summary: string; acknowledged: number; allAcknowledged: boolean }> {
  const open = (await deps.store.alerts.openAlerts(value.channel, value.since)).filter(
    (a) => a.createdAt <= value.until,
  );
  let acknowledged = 0;
  let already = 0;
  let changed = 0;
  const problems: AcknowledgeProblem[] = [];
  for (let i = 0; i < open.length; i += CONCURRENCY) {
    const results = await Promise.all(
      open
        .slice(i, i + CONCURRENCY)
        .map((alert) => acknowledgeAlert(interactionDeps(deps), { alertId: alert.id, ...who })),
    );
    for (const result of results) {
      if (result.status === 'acknowledged') {
        acknowledged += 1;
        problems.push(...result.problems);
      } else if (result.status === 'changed') changed += 1;
      else already += 1;
    }
  }
  for (const { what, error } of problems) deps.log.warn(`Acknowledged all listed, but ${what}`, { error });
  const parts = [`Acknowledged ${acknowledged} alert${acknowledged === 1 ? '' : 's'}`];
  if (already > 0) parts.push(`${already} had been acknowledged already`);
  if (changed > 0) parts.push(`${changed} received new changes and stay open: look at them first`);
  if (value.count > acknowledged + already)
    parts.push(`${value.count - acknowledged - already} were acknowledged before you clicked`);
  if (problems.length > 0)
    parts.push(`${problems.length} message update(s) or event(s) failed and are logged`);
  return { summary: `${parts.join('; ')}.`, acknowledged, allAcknowledged: changed === 0 };
}
