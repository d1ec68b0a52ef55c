import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../table';
import type { CapacityMeter } from './capacity';
import { untilProcessed } from './retry';

/** An item as the document client reads and writes it. */
export type Item = Record<string, unknown>;

/** A range of one partition of the sparse open-by-channel index: sort keys from `from` (to `to`). */
export interface IndexRange {
  pk: string;
  from: string;
  to?: string;
}

const { indexes } = TABLE;

export const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

/** True when DynamoDB refused a write because its condition did not hold: another writer's state stands. */
export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}

/**
 * The single table as the concept adapters use it: every request goes through `send`, which asks DynamoDB
 * for the capacity it consumed (the meter behind the cost tests and the benchmarks).
 */
export function tableClient(client: DynamoDBClient, TableName: string, meter?: CapacityMeter) {
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });

  async function send<T>(kind: 'read' | 'write', command: { input: object }): Promise<T> {
    Object.assign(command.input, { ReturnConsumedCapacity: 'TOTAL' });
    try {
      const output = (await doc.send(command as Parameters<typeof doc.send>[0])) as unknown as T & {
        ConsumedCapacity?: ConsumedCapacity;
      };
      meter?.add(kind, output.ConsumedCapacity);
      return output;
    } catch (error) {
      // A failed condition still consumes write capacity; DynamoDB reports it on the error.
      meter?.add(kind, (error as { ConsumedCapacity?: ConsumedCapacity }).ConsumedCapacity);
      throw error;
    }
  }

  async function get(key: Item, consistent = true): Promise<Item | undefined> {
    const output = await send<{ Item?: Item }>(
      'read',
      new GetCommand({ TableName, Key: key, ConsistentRead: consistent }),
    );
    return output.Item;
  }

  async function queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const output = await send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
        'read',
        new QueryCommand({ TableName, ...input, ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}) }),
      );
      items.push(...(output.Items ?? []));
      ExclusiveStartKey = output.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** The key condition of a Query on one partition of the sparse open-by-channel index. */
  function openIndexRange(range: IndexRange) {
    return {
      IndexName: indexes.openByChannel.name,
      KeyConditionExpression:
        range.to === undefined ? '#pk = :pk AND #sk >= :from' : '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: {
        '#pk': indexes.openByChannel.partitionKey,
        '#sk': indexes.openByChannel.sortKey,
      },
      ExpressionAttributeValues: {
        ':pk': range.pk,
        ':from': range.from,
        ...(range.to === undefined ? {} : { ':to': range.to }),
      },
    };
  }

  /** How many index entries a range holds (Select COUNT: reads the projected entries only). */
  async function countInIndex(range: IndexRange): Promise<number> {
    let count = 0;
    let ExclusiveStartKey: Item | undefined;
    do {
      const output = await send<{ Count?: number; LastEvaluatedKey?: Item }>(
        'read',
        new QueryCommand({
          TableName,
          ...openIndexRange(range),
          Select: 'COUNT',
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );
      count += output.Count ?? 0;
      ExclusiveStartKey = output.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return count;
  }

  /** A conditional write. @returns false when its condition failed: another writer's state stands. */
  async function writeIf(command: { input: object }): Promise<boolean> {
    try {
      await send('write', command);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Put unless the key exists. @returns false when it existed. */
  function putNew(item: Item): Promise<boolean> {
    return writeIf(
      new PutCommand({ TableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  /**
   * Unconditional puts, 25 per BatchWriteItem (its limit), the batches side by side (independent items). Settles
   * only when every batch has, so nothing is still being written once it has failed.
   */
  async function putAll(items: readonly Item[]): Promise<void> {
    const batches: Item[][] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    const settled = await Promise.allSettled(
      batches.map((batch) =>
        untilProcessed(
          'BatchWriteItem',
          batch.map((Item) => ({ PutRequest: { Item } })),
          async (requests) => {
            const output = await send<{ UnprocessedItems?: Record<string, typeof requests> }>(
              'write',
              new BatchWriteCommand({ RequestItems: { [TableName]: requests } }),
            );
            return output.UnprocessedItems?.[TableName];
          },
        ),
      ),
    );
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Items by key, 100 per BatchGetItem (its limit), with only `projection` read (whole items without); missing keys are skipped. */
  async function getAll(itemKeys: readonly Item[], projection?: string): Promise<Item[]> {
    const found: Item[] = [];
    for (let i = 0; i < itemKeys.length; i += 100) {
      await untilProcessed('BatchGetItem', itemKeys.slice(i, i + 100), async (Keys) => {
        const output = await send<{
          Responses?: Record<string, Item[]>;
          UnprocessedKeys?: Record<string, { Keys?: Item[] }>;
        }>(
          'read',
          new BatchGetCommand({
            RequestItems: {
              [TableName]: {
                Keys,
                ...(projection === undefined ? {} : { ProjectionExpression: projection }),
              },
            },
          }),
        );
        found.push(...(output.Responses?.[TableName] ?? []));
        return output.UnprocessedKeys?.[TableName]?.Keys;
      });
    }
    return found;
  }

  return { TableName, send, get, queryAll, openIndexRange, countInIndex, writeIf, putNew, putAll, getAll };
}

/** What every concept adapter is built from. */
export type TableClient = ReturnType<typeof tableClient>;
