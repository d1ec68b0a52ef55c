import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type DynamoDbEngine, ensureTable, startEngine } from '../../app/local/dynamodb';
import { createDynamoDbStore } from '../../src/store/dynamodb';
import type { Store } from '../../src/store/ports';
import { TABLE } from '../../src/store/table';
import { lineOf, makeChange } from '../helpers/changes';

/*
 * The table is deployed data: items written by today's code must be found by tomorrow's. This test writes one
 * item of every kind through the DynamoDB adapter and pins the key attributes it finds in the table (table key,
 * open-by-channel index, by-actor index, by-day index; the by-channel index reuses `channel` and `daySk`) as literal text, so any change to a key's shape (a prefix, a
 * separator, the attribute it lives in) fails here and has to be a deliberate migration.
 */

const AT = '2026-11-27T10:00:00.000Z';
const KEY_ATTRIBUTES = ['pk', 'sk', 'openPk', 'openSk', 'actorPk', 'actorSk', 'dayPk', 'daySk'] as const;

let engine: DynamoDbEngine;
let client: ReturnType<DynamoDbEngine['client']>;

beforeAll(async () => {
  engine = await startEngine('dynalite');
  client = engine.client();
}, 60_000);

afterAll(async () => {
  client.destroy();
  await engine.stop();
});

async function writeOneOfEach(store: Store): Promise<void> {
  const change = makeChange({ id: 'evt-1', time: '2026-11-27T09:59:00Z' });
  await store.changes.save({ change, raw: '{}', receivedAt: AT });
  await store.deliveries.claim({ eventId: 'evt-1', channel: 'C1', kind: 'alert', alertId: 'a-1', at: AT });
  await store.deliveries.claim({
    eventId: 'evt-1',
    channel: 'C2',
    kind: 'muted',
    mute: 'watch:ec2',
    at: AT,
    time: '2026-11-27T09:59:00Z',
  });
  await store.alerts.append(
    { id: 'a-1', channel: 'C1', watch: 'ec2', actorKey: 'alice', account: '123456789012', createdAt: AT },
    [lineOf(change)],
  );
  await store.bursts.save(
    { channel: 'C1', key: 'ec2#alice', alertId: 'a-1', firstAt: AT, lastAt: AT, count: 1, version: 1 },
    undefined,
  );
  await store.config.bootstrap('C1', AT);
  await store.config.subscribe('C2', ['ec2'], 'U1', AT);
  const mute = { channel: 'C1', setBy: 'U1', setAt: AT, expiresAt: '2026-11-28T10:00:00.000Z' };
  await store.config.putMute({ ...mute, type: 'watch', value: 'ec2' });
  await store.config.putMute({ ...mute, type: 'actor', value: 'terraform-ci', account: '123456789012' });
  await store.requests.claim('hash-1', AT, '2026-11-27T10:05:00.000Z');
  await store.rejected.save({ id: 'm-1', reason: 'not JSON', body: '{', at: AT });
  await store.renders.markDue('a-1', 1, AT);
  await store.renderWindows.open('a-1', AT, '2026-11-27T10:00:02.000Z');
  await store.digests.claim('C1', '2026-11-27', AT, '2026-11-27T10:15:00.000Z');
  await store.config.putEscalation({ channel: 'C1', policy: null, setBy: 'U1', setAt: AT });
  await store.escalationSteps.schedule('a-1', '2026-11-27T10:15:00.000Z');
  await store.config.putActorCheck('C1', { ask: true }, 'U1', AT);
}

it('writes every kind of item with the key shapes the deployed table holds', async () => {
  // Prepare
  const tableName = 'infrawatch-keys';
  await ensureTable(client, tableName);
  const store = createDynamoDbStore({ client, tableName });

  // Act
  await writeOneOfEach(store);
  const doc = DynamoDBDocumentClient.from(client);
  const { Items = [] } = await doc.send(new ScanCommand({ TableName: tableName }));

  // Assess: key attributes only, as `attribute=value` text, sorted.
  const shapes = Items.map((item) =>
    KEY_ATTRIBUTES.filter((name) => item[name] !== undefined)
      .map((name) => `${name}=${String(item[name])}`)
      .join(' '),
  ).sort();
  expect(shapes).toEqual([
    'pk=ALERT#a-1 sk=ALERT openPk=OPEN#C1 openSk=2026-11-27T10:00:00.000Z#a-1 dayPk=ALERTS#2026-11-27 daySk=2026-11-27T10:00:00.000Z#a-1',
    'pk=ALERT#a-1 sk=LINE#evt-1',
    'pk=CHANGE#evt-1 sk=CHANGE actorPk=ACTOR#123456789012#arn:aws:iam::123456789012:user/alice actorSk=2026-11-27T09:59:00Z#evt-1',
    'pk=CHANGE#evt-1 sk=DELIVERY#C1',
    'pk=CHANGE#evt-1 sk=DELIVERY#C2 openPk=MUTED#C2 openSk=2026-11-27T09:59:00Z#evt-1',
    'pk=CONFIG sk=ACTORS#C1',
    'pk=CONFIG sk=BOOTSTRAP',
    'pk=CONFIG sk=ESCALATE#C1',
    'pk=CONFIG sk=MUTE#C1#actor#terraform-ci#in#123456789012',
    'pk=CONFIG sk=MUTE#C1#watch#ec2',
    'pk=CONFIG sk=SUB#C1#all',
    'pk=CONFIG sk=SUB#C2#ec2',
    'pk=DIGEST#C1 sk=2026-11-27',
    'pk=ESCDUE sk=2026-11-27T10:15:00.000Z#a-1',
    'pk=GROUP#C1#ec2#alice sk=GROUP',
    'pk=REJECTED#2026-11-27 sk=m-1 openPk=REJECTED#2026-11-27 openSk=2026-11-27T10:00:00.000Z#m-1',
    'pk=RENDERDUE sk=a-1',
    'pk=RENDERWINDOW#a-1 sk=WINDOW',
    'pk=REQUEST#hash-1 sk=REQUEST',
  ]);
});

it("holds alerts only in the by-channel index, keyed by the alert's own channel and daySk", async () => {
  // Prepare: every kind of item (several carry a `channel`; only alerts carry a `daySk`).
  const tableName = 'infrawatch-keys-by-channel';
  await ensureTable(client, tableName);
  await writeOneOfEach(createDynamoDbStore({ client, tableName }));
  const doc = DynamoDBDocumentClient.from(client);

  // Act
  const { Items = [] } = await doc.send(
    new ScanCommand({ TableName: tableName, IndexName: TABLE.indexes.byChannel.name }),
  );

  // Assess: the index's key attributes, pinned as text.
  const { partitionKey, sortKey } = TABLE.indexes.byChannel;
  expect(`${partitionKey} ${sortKey}`).toBe('channel daySk');
  expect(Items.map((item) => `pk=${item.pk} channel=${item.channel} daySk=${item.daySk}`)).toEqual([
    'pk=ALERT#a-1 channel=C1 daySk=2026-11-27T10:00:00.000Z#a-1',
  ]);
});
