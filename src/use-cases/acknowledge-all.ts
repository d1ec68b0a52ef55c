import type { DigestAckAllValue } from '../views/actions';
import { type AcknowledgeProblem, acknowledgeAlert, type InteractionDeps } from './acknowledge';
import { type CloseDigestDeps, closeDigestMessage } from './digest';

/** Acknowledgements run a few at a time: each updates a Slack message, and Slack's 3 s answer budget is short. */
const CONCURRENCY = 5;

export interface AcknowledgeAllDeps {
  /**
   * The acknowledge use case's dependencies, one set per alert: each acknowledgement renders its alert under
   * a render-lease owner of its own, exactly as a click on that alert's button would.
   */
  interaction: () => InteractionDeps;
  digest: Pick<CloseDigestDeps, 'store' | 'clock' | 'messenger' | 'render' | 'log'>;
}

export interface AcknowledgeAllOutcome {
  /** The ephemeral summary for the clicker. */
  summary: string;
  /** How many this click acknowledged. */
  acknowledged: number;
  /** Whether every listed alert is acknowledged now (none kept open by new changes). */
  allAcknowledged: boolean;
}

/**
 * "Acknowledge all listed" from a digest: the alerts still open in the digest's window (re-read from the sparse
 * index, so alerts acknowledged since are skipped, and every one counted by the digest is covered), each
 * acknowledged first-wins like a click on its own button. When nothing listed is left open, the digest itself
 * says so for everyone (a button left on it would invite a pointless click); failing that, the next digest run
 * finds its record still open and updates it then.
 * @param digestTs the digest message the click came from, if Slack said.
 */
export async function acknowledgeAll(
  deps: AcknowledgeAllDeps,
  value: DigestAckAllValue,
  who: { userId: string; userName: string },
  digestTs: string | undefined,
): Promise<AcknowledgeAllOutcome> {
  const { log } = deps.digest;
  const open = (await deps.digest.store.alerts.listOpen(value.channel, value.since)).filter(
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
        .map((alert) =>
          acknowledgeAlert(deps.interaction(), { alertId: alert.id, channel: value.channel, ...who }),
        ),
    );
    for (const result of results) {
      if (result.status === 'acknowledged') {
        acknowledged += 1;
        problems.push(...result.problems);
      } else if (result.status === 'changed') changed += 1;
      else already += 1;
    }
  }
  for (const { what, error } of problems) log.warn(`Acknowledged all listed, but ${what}`, { error });
  const allAcknowledged = changed === 0;
  if (allAcknowledged && digestTs !== undefined) {
    try {
      await closeDigestMessage(
        deps.digest,
        value.channel,
        { ts: digestTs, since: value.since, until: value.until },
        { ...who, count: acknowledged },
      );
    } catch (error) {
      log.warn('Could not update the digest after Acknowledge all; the next digest run does', { error });
    }
  }
  const parts = [`Acknowledged ${acknowledged} alert${acknowledged === 1 ? '' : 's'}`];
  if (already > 0) parts.push(`${already} had been acknowledged already`);
  if (changed > 0) parts.push(`${changed} received new changes and stay open: look at them first`);
  if (value.count > acknowledged + already)
    parts.push(`${value.count - acknowledged - already} were acknowledged before you clicked`);
  if (problems.length > 0)
    parts.push(`${problems.length} message update(s) or event(s) failed and are logged`);
  return { summary: `${parts.join('; ')}.`, acknowledged, allAcknowledged };
}
