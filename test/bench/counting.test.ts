import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDbEngine, ensureTable, startDynalite } from '../../app/local/dynamodb';
import { DynamoDbRequestRecorder, sequentialSteps, summarize } from '../../bench/counting';

describe('sequential steps', () => {
  it('counts requests sent together as one step and requests in sequence as one each', () => {
    expect(sequentialSteps([])).toBe(0);
    expect(
      sequentialSteps([
        { start: 0, end: 1 },
        { start: 1, end: 2 },
        { start: 2, end: 3 },
      ]),
    ).toBe(3);
    expect(
      sequentialSteps([
        { start: 0, end: 3 },
        { start: 0, end: 2 },
        { start: 1, end: 3 },
      ]),
    ).toBe(1);
    // Two in a row beside one long request: the user waits for the longest chain.
    expect(
      sequentialSteps([
        { start: 0, end: 10 },
        { start: 1, end: 3 },
        { start: 5, end: 8 },
      ]),
    ).toBe(2);
  });
});

describe('DynamoDB request recorder (real SDK against dynalite)', () => {
  let engine: DynamoDbEngine;
  beforeAll(async () => {
    engine = await startDynalite();
  });
  afterAll(async () => {
    await engine.stop();
  });

  it('records every request of the client by operation and scope, with its capacity and its timing', async () => {
    // Prepare
    const recorder = new DynamoDbRequestRecorder();
    const client = recorder.attach(engine.client());
    await ensureTable(client, 'counting');
    const pk = (id: string) => ({ pk: { S: id }, sk: { S: 'X' } });
    recorder.reset();

    // Act: one put, then two gets side by side, then a failed conditional update, in one scope.
    await recorder.within('click#1', async () => {
      await client.send(new PutItemCommand({ TableName: 'counting', Item: pk('a') }));
      await Promise.all([
        client.send(new GetItemCommand({ TableName: 'counting', Key: pk('a'), ConsistentRead: true })),
        client.send(new GetItemCommand({ TableName: 'counting', Key: pk('b') })),
      ]);
      await client
        .send(
          new UpdateItemCommand({
            TableName: 'counting',
            Key: pk('a'),
            UpdateExpression: 'SET n = :n',
            ConditionExpression: 'attribute_not_exists(pk)',
            ExpressionAttributeValues: { ':n': { N: '1' } },
          }),
        )
        .catch(() => undefined);
    });
    await client.send(
      new QueryCommand({
        TableName: 'counting',
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: 'a' } },
      }),
    );

    // Assess
    const click = summarize(recorder.of('click#1'));
    expect(click.requests).toBe(4);
    expect(click.byOperation).toEqual({ PutItem: 1, GetItem: 2, UpdateItem: 1 });
    expect(click.sequential).toBe(3);
    // Strongly consistent read of an item: 1 RCU; eventually consistent: 0.5; the put 1 WCU.
    expect(click.rcu).toBe(1.5);
    expect(click.wcu).toBeGreaterThanOrEqual(1);
    expect(
      recorder
        .of('click#1')
        .filter((r) => r.failed)
        .map((r) => r.operation),
    ).toEqual(['UpdateItem']);
    expect(recorder.of((r) => r.scope === undefined).map((r) => r.operation)).toEqual(['Query']);
    client.destroy();
  });

  it('counts every HTTP attempt, retries by the SDK included', async () => {
    // Prepare: nothing listens on port 1, so every attempt fails to connect and the SDK retries.
    const recorder = new DynamoDbRequestRecorder();
    const client = recorder.attach(
      new DynamoDBClient({
        endpoint: 'http://127.0.0.1:1',
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 3,
      }),
    );

    // Act
    await expect(
      client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' }, sk: { S: 'b' } } })),
    ).rejects.toThrow();

    // Assess
    expect(recorder.requests.map((r) => [r.operation, r.failed])).toEqual([
      ['GetItem', true],
      ['GetItem', true],
      ['GetItem', true],
    ]);
    client.destroy();
  });
});
