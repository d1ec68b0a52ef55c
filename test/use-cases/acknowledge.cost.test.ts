import { acknowledgeAlert } from '../../src/use-cases/acknowledge';
import { syncAlertMessage } from '../../src/use-cases/sync-alert';
import { makeChange } from '../helpers/changes';
import { DYNAMODB_ENGINES, useStores } from '../helpers/stores';
import { interactionSetup, seedAlert } from '../helpers/use-cases';

/**
 * What a person waits for after clicking Acknowledge is the click's own round trips. The render that follows
 * the acknowledgement takes the alert's summary from the record its lease write returns, so the click reads
 * the lead change beside that write and no line of the alert (a Query of its partition costs about as much
 * as every other read of the click together on DynamoDB Local).
 */
describe.each(DYNAMODB_ENGINES)('a winning Acknowledge on %s', (kind) => {
  const stores = useStores(kind);

  it.each([1, 3])(
    'of an alert of %i change(s) sends 5 DynamoDB requests and reads none of its lines',
    async (count) => {
      // Prepare: the alert's message shows its changes (its summary is on its record).
      const store = await stores.fresh();
      const { deps, messenger } = interactionSetup('worker-1', store);
      const changes = Array.from({ length: count }, (_, i) =>
        makeChange({ time: `2026-11-27T09:5${i}:00Z`, severity: i === 1 ? 'critical' : 'warning' }),
      );
      await syncAlertMessage(deps, 'A1', await seedAlert(store, 'A1', changes));
      store.dynamoDbRequests?.reset();

      // Act
      const outcome = await acknowledgeAlert(deps, {
        userId: 'U0ALICE',
        userName: 'alice',
        alertId: 'A1',
        channel: 'C1',
      });

      // Assess: the acknowledgement, the lease, the lead, the render's record (which releases the lease), the
      // burst's end.
      expect(outcome).toMatchObject({ status: 'acknowledged', problems: [] });
      expect(messenger.updates.at(-1)?.text).toBe(`acknowledged: ${count} change(s)`);
      expect(store.dynamoDbRequests?.total()).toBe(5);
    },
  );
});
