import { EventHistory } from '../../app/local/cloudtrail-standin';
import type { ReconcileTarget } from '../../src/store/ports/pipeline';
import type { Clock } from '../../src/use-cases/ports';
import type { CloudTrailHistory } from '../../src/use-cases/reconcile';
import type { EventBridgeEvent } from './events';

/**
 * The CloudTrailHistory port over the stand-in's in-process history (LookupEvents' filtering and paging, no
 * HTTP): what the use-case tests read. Every call is recorded with the clock's time, to count the rate.
 */
export function fixtureHistory(clock: Clock, options: { pageSize?: number } = {}) {
  const histories = new Map<string, EventHistory>();
  const historyOf = (target: ReconcileTarget) => {
    const key = `${target.account}/${target.region}`;
    const found = histories.get(key) ?? new EventHistory();
    histories.set(key, found);
    return found;
  };
  const calls: { target: ReconcileTarget; at: number; nextToken?: string }[] = [];
  let failNext = 0;
  const port: CloudTrailHistory = {
    async lookupWrites(target, window, nextToken) {
      calls.push({ target, at: clock.now().getTime(), ...(nextToken ? { nextToken } : {}) });
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('CloudTrail is unavailable');
      }
      const page = historyOf(target).lookup({
        LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }],
        StartTime: Date.parse(window.from) / 1000,
        EndTime: Date.parse(window.to) / 1000,
        MaxResults: options.pageSize ?? 50,
        ...(nextToken ? { NextToken: nextToken } : {}),
      });
      return {
        records: page.Events.map((event) => event.CloudTrailEvent),
        ...(page.NextToken ? { nextToken: page.NextToken } : {}),
      };
    },
  };
  return {
    port,
    calls,
    /** CloudTrail logged this event (its `detail`) in the target's history. */
    logged(target: ReconcileTarget, event: EventBridgeEvent) {
      historyOf(target).add(event.detail);
    },
    failNext(count = 1) {
      failNext = count;
    },
  };
}
