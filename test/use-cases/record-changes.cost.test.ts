import type { RenderFinisher } from '../../src/use-cases/coalesce-renders';
import { recordChanges } from '../../src/use-cases/record-changes';
import { makeChange } from '../helpers/changes';
import { testRenderer } from '../helpers/renderers';
import { DYNAMODB_ENGINES, useStores } from '../helpers/stores';
import { manualClock, RecordingMessenger } from '../helpers/use-cases';

/*
 * What a change that is its own alert costs in DynamoDB requests, counted on the real SDK client (issue 10:
 * at most 8 per change through the events handler). Its render needs no read: the lease write returns the
 * alert, the lines and the lead change are the ones this call just wrote, and the same lease write records
 * the post attempt.
 */
describe.each(DYNAMODB_ENGINES)('recordChanges request cost on %s', (engine) => {
  const stores = useStores(engine);

  it('posts a change that is its own alert in 9 requests: config, change, group (2), delivery, line, append, lease, render', async () => {
    // Prepare: the table is bootstrapped by a first change; the second comes 2 minutes later (its own alert).
    const store = await stores.fresh();
    const messenger = new RecordingMessenger();
    const clock = manualClock();
    const deps = { store, messenger, clock, owner: 'w1', render: testRenderer(), defaultChannel: 'C1' };
    await recordChanges([{ change: makeChange({ time: '2026-11-27T09:00:00Z' }), raw: '{}' }], deps);
    const change = makeChange({ time: '2026-11-27T09:02:00Z' });
    store.dynamoDbRequests?.reset();

    // Act
    const results = await recordChanges([{ change, raw: '{}' }], deps);
    const requests = store.dynamoDbRequests?.total();

    // Assess
    expect(results.get(change.id)).toMatchObject({ ok: true, outcome: { alerted: ['C1'] } });
    expect(messenger.posts).toHaveLength(2);
    const alert = (await store.deliveries.get(change.id, 'C1')) as { alertId: string };
    expect(await store.alerts.get(alert.alertId)).toMatchObject({ rev: 1, renderedRev: 1 });
    expect(requests).toBe(9);
  }, 60_000);

  it('puts a batch of 10 burst changes into its alert in 26 requests and 6 sequential steps (27 and 7 on dynalite)', async () => {
    // Prepare: a burst already posted and updated once (its render window is open), a finisher scheduled.
    const store = await stores.fresh();
    const scheduled: unknown[] = [];
    const finisher: RenderFinisher = { schedule: async (request) => void scheduled.push(request) };
    const clock = manualClock();
    const deps = {
      ...{ store, messenger: new RecordingMessenger(), clock, owner: 'w1', render: testRenderer() },
      ...{ defaultChannel: 'C1', finisher },
    };
    let second = 0;
    const batch = () =>
      Array.from({ length: 10 }, () => ({
        change: makeChange({
          time: new Date(Date.parse('2026-11-27T09:00:00Z') + 1000 * second++).toISOString(),
        }),
        raw: '{}',
      }));
    for (let round = 0; round < 3; round++) await recordChanges(batch(), deps);
    expect(scheduled).toHaveLength(1);
    store.dynamoDbRequests?.reset();

    // Act
    const inputs = batch();
    const results = await recordChanges(inputs, deps);

    // Assess: the changes' puts, with the configuration and the burst group read beside them; the group's
    // save; the 10 delivery claims with the lines beside them; the append; the render window (open, its
    // finisher already scheduled: nothing else). dynalite does not return the open window with the refused
    // write, so it is read: one request and one step more.
    for (const { change } of inputs)
      expect(results.get(change.id)).toMatchObject({ ok: true, outcome: { alerted: ['C1'] } });
    const windowRead = engine === 'dynalite' ? 1 : 0;
    expect(store.dynamoDbRequests?.total()).toBe(26 + windowRead);
    expect(store.dynamoDbRequests?.sequential()).toBe(6 + windowRead);
  }, 60_000);
});
