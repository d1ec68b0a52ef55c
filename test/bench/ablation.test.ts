import { type DynamoDbEngine, ensureTable, startDynalite } from '../../app/local/dynamodb';
import { ablate } from '../../bench/ablation';
import { DynamoDbRequestRecorder } from '../../bench/counting';
import { createDynamoDbStore } from '../../src/store/dynamodb';
import type { Store } from '../../src/store/ports';
import { lineOf, makeChange } from '../helpers/changes';

/*
 * The benchmarks' ablations answer only the requests they name, through the real store and SDK: an ablated
 * request is neither sent nor counted, and everything else reaches DynamoDB.
 */
describe('bench ablations (real SDK against dynalite)', () => {
  let engine: DynamoDbEngine;
  beforeAll(async () => {
    engine = await startDynalite();
  }, 60_000);
  afterAll(async () => engine.stop());

  async function storeWith(ablations: Parameters<typeof ablate>[1]) {
    const client = engine.client();
    const recorder = new DynamoDbRequestRecorder();
    recorder.attach(client);
    ablate(client, ablations);
    const tableName = `ablation-${Math.random().toString(36).slice(2)}`;
    await ensureTable(client, tableName);
    recorder.reset();
    const store: Store = createDynamoDbStore({ client, tableName });
    return { store, recorder, close: () => client.destroy() };
  }
  const AT = '2026-11-27T10:00:00.000Z';

  it('claims: an alert delivery claim is answered unsent, a muted one is sent', async () => {
    const { store, recorder, close } = await storeWith(['claims']);
    const alert = { eventId: 'e1', channel: 'C1', kind: 'alert', alertId: 'A1', at: AT } as const;
    expect(await store.deliveries.claim(alert)).toEqual(alert);
    expect(await store.deliveries.get('e1', 'C1')).toBeUndefined();
    const muted = {
      eventId: 'e2',
      channel: 'C1',
      kind: 'muted',
      mute: 'watch:ec2',
      at: AT,
      time: AT,
    } as const;
    await store.deliveries.claim(muted);
    expect(await store.deliveries.get('e2', 'C1')).toMatchObject({ kind: 'muted' });
    expect(recorder.requests.map((r) => r.operation)).toEqual(['GetItem', 'PutItem', 'GetItem']);
    close();
  });

  it('lines, window, repair: staged lines, a window opening and the repair look are answered unsent', async () => {
    const { store, recorder, close } = await storeWith(['lines', 'window', 'repair']);
    await store.alerts.stageLines('A1', [lineOf(makeChange())]);
    expect(await store.renderWindows.open('A1', AT, '2026-11-27T10:00:02.000Z')).toMatchObject({
      finisherFor: '2999-01-01T00:00:00.000Z',
    });
    await store.renders.markDue('A1', 1, AT);
    expect(await store.renders.due(10, AT)).toEqual([]);
    expect(recorder.requests.map((r) => r.operation)).toEqual(['PutItem']);
    close();
  });
});
