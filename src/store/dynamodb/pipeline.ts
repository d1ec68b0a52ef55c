import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CapacityMeter } from '../dynamodb';
import {
  type AccountActivity,
  dayOf,
  HEALTH_HOURS,
  type HealthCounts,
  hourOf,
  hoursFromTo,
  type PipelineRepository,
  ReconcileClaimLostError,
  type ReconcileTarget,
} from '../ports/pipeline';

type Item = Record<string, unknown>;

/**
 * The items of the watched pipeline (the layout of table.ts lists them):
 *   RECONCILE#<account>#<region> / WINDOW       the high-water mark and the claim of one target's reconciliation
 *   ACTIVITY#<account>           / DAY#<day>    the latest change time of the account that day (TTL: 9 days)
 *   ACTIVITY#<account>           / QUIET        the notice about the account's latest silence
 *   HEALTH#<YYYY-MM-DDTHH>       / COUNTS       changes recorded and recovered in that hour (TTL: HEALTH_HOURS)
 */
export const pipelineKeys = {
  window: (target: ReconcileTarget) => ({ pk: `RECONCILE#${target.account}#${target.region}`, sk: 'WINDOW' }),
  activityPk: (account: string) => `ACTIVITY#${account}`,
  day: (account: string, day: string) => ({ pk: `ACTIVITY#${account}`, sk: `DAY#${day}` }),
  dayPrefix: 'DAY#',
  quiet: (account: string) => ({ pk: `ACTIVITY#${account}`, sk: 'QUIET' }),
  health: (hour: string) => ({ pk: `HEALTH#${hour}`, sk: 'COUNTS' }),
  change: (eventId: string) => ({ pk: `CHANGE#${eventId}`, sk: 'CHANGE' }),
} as const;

const ACTIVITY_TTL_DAYS = 9;
/** BatchGetItem's limit of keys per request. */
const BATCH_GET_KEYS = 100;

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}

/** The DynamoDB adapter of the PipelineRepository port, on the single table. */
export function createDynamoDbPipeline(options: {
  client: DynamoDBClient;
  tableName: string;
  meter?: CapacityMeter;
}): PipelineRepository {
  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
  const TableName = options.tableName;

  async function send<T>(kind: 'read' | 'write', command: { input: object }): Promise<T> {
    Object.assign(command.input, { ReturnConsumedCapacity: 'TOTAL' });
    try {
      const output = (await doc.send(command as Parameters<typeof doc.send>[0])) as unknown as T & {
        ConsumedCapacity?: ConsumedCapacity;
      };
      options.meter?.add(kind, output.ConsumedCapacity);
      return output;
    } catch (error) {
      options.meter?.add(kind, (error as { ConsumedCapacity?: ConsumedCapacity }).ConsumedCapacity);
      throw error;
    }
  }

  /** An UpdateItem with a condition. @returns the item after it, or undefined when the condition failed. */
  async function updateIf(input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>) {
    try {
      const output = await send<{ Attributes?: Item }>(
        'write',
        new UpdateCommand({ TableName, ReturnValues: 'ALL_NEW', ...input }),
      );
      return output.Attributes ?? {};
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Every key's item (the projected attributes), 100 keys per BatchGetItem, unprocessed keys asked again. */
  async function getAll(keys: readonly Item[], projection: string): Promise<Item[]> {
    const items: Item[] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_KEYS) {
      let pending: Item[] = keys.slice(i, i + BATCH_GET_KEYS);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === 8) throw new Error('BatchGetItem left keys unprocessed after 8 attempts');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        const output = await send<{
          Responses?: Record<string, Item[]>;
          UnprocessedKeys?: Record<string, { Keys?: Item[] }>;
        }>(
          'read',
          new BatchGetCommand({
            RequestItems: {
              [TableName]: { Keys: pending, ProjectionExpression: projection, ConsistentRead: true },
            },
          }),
        );
        items.push(...(output.Responses?.[TableName] ?? []));
        pending = output.UnprocessedKeys?.[TableName]?.Keys ?? [];
      }
    }
    return items;
  }

  return {
    async claimReconcile(target, owner, nowIso, leaseUntilIso) {
      const item = await updateIf({
        Key: pipelineKeys.window(target),
        UpdateExpression: 'SET #owner = :owner, leaseUntil = :lease',
        ConditionExpression: 'attribute_not_exists(#owner) OR #owner = :owner OR leaseUntil <= :now',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner, ':lease': leaseUntilIso, ':now': nowIso },
      });
      if (item === undefined) return undefined;
      return typeof item.until === 'string' ? { reconciledUntil: item.until } : {};
    },
    async advanceReconcile(target, owner, untilIso) {
      const moved = await updateIf({
        Key: pipelineKeys.window(target),
        UpdateExpression: 'SET #until = :until',
        ConditionExpression: '#owner = :owner AND (attribute_not_exists(#until) OR #until < :until)',
        ExpressionAttributeNames: { '#owner': 'owner', '#until': 'until' },
        ExpressionAttributeValues: { ':owner': owner, ':until': untilIso },
      });
      if (moved !== undefined) return;
      // Either the mark is already there (nothing to do) or the claim is someone else's now.
      const { Item } = await send<{ Item?: Item }>(
        'read',
        new GetCommand({ TableName, Key: pipelineKeys.window(target), ConsistentRead: true }),
      );
      if (Item?.owner !== owner) throw new ReconcileClaimLostError(target);
    },
    async releaseReconcile(target, owner) {
      await updateIf({
        Key: pipelineKeys.window(target),
        UpdateExpression: 'REMOVE #owner, leaseUntil',
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      });
    },
    async knownChanges(eventIds) {
      const unique = [...new Set(eventIds)];
      const items = await getAll(unique.map(pipelineKeys.change), 'pk');
      return new Set(items.map((item) => String(item.pk).slice('CHANGE#'.length)));
    },

    async noteActivity(account, atIso) {
      const day = dayOf(atIso);
      await updateIf({
        Key: pipelineKeys.day(account, day),
        UpdateExpression: 'SET lastSeen = :at, expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(lastSeen) OR lastSeen < :at',
        ExpressionAttributeValues: {
          ':at': atIso,
          ':expires': epochSeconds(`${day}T00:00:00Z`) + ACTIVITY_TTL_DAYS * 86_400,
        },
      });
    },
    async activity(account, sinceDay): Promise<AccountActivity> {
      const output = await send<{ Items?: Item[] }>(
        'read',
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': pipelineKeys.activityPk(account),
            ':from': `${pipelineKeys.dayPrefix}${sinceDay}`,
            ':to': `${pipelineKeys.dayPrefix}\uffff`,
          },
          ConsistentRead: true,
        }),
      );
      const items = output.Items ?? [];
      const last = items.at(-1);
      return {
        ...(typeof last?.lastSeen === 'string' ? { lastSeen: last.lastSeen } : {}),
        days: items.map((item) => String(item.sk).slice(pipelineKeys.dayPrefix.length)),
      };
    },

    async claimQuietNotice(account, lastSeen, nowIso, leaseUntilIso) {
      const names = { '#state': 'state', '#about': 'about' };
      // A new silence (never announced, or the announced one ended before this one started).
      const fresh = await updateIf({
        Key: pipelineKeys.quiet(account),
        UpdateExpression:
          'SET #about = :about, #state = :posting, leaseUntil = :lease REMOVE postAttemptAt, ts',
        ConditionExpression: 'attribute_not_exists(#about) OR #about < :about',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':about': lastSeen, ':posting': 'posting', ':lease': leaseUntilIso },
      });
      if (fresh !== undefined) return {};
      // The same silence, claimed before and never completed: taken over once its lease ran out.
      const retry = await updateIf({
        Key: pipelineKeys.quiet(account),
        UpdateExpression: 'SET leaseUntil = :lease',
        ConditionExpression: '#about = :about AND #state = :posting AND leaseUntil <= :now',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':about': lastSeen,
          ':posting': 'posting',
          ':lease': leaseUntilIso,
          ':now': nowIso,
        },
      });
      if (retry === undefined) return undefined;
      return typeof retry.postAttemptAt === 'string' ? { postAttemptAt: retry.postAttemptAt } : {};
    },
    async markQuietNoticeAttempt(account, lastSeen, atIso) {
      await updateIf({
        Key: pipelineKeys.quiet(account),
        UpdateExpression: 'SET postAttemptAt = if_not_exists(postAttemptAt, :at)',
        ConditionExpression: '#about = :about',
        ExpressionAttributeNames: { '#about': 'about' },
        ExpressionAttributeValues: { ':about': lastSeen, ':at': atIso },
      });
    },
    async completeQuietNotice(account, lastSeen, ts) {
      await updateIf({
        Key: pipelineKeys.quiet(account),
        UpdateExpression: 'SET #state = :posted, ts = :ts',
        ConditionExpression: '#about = :about',
        ExpressionAttributeNames: { '#about': 'about', '#state': 'state' },
        ExpressionAttributeValues: { ':about': lastSeen, ':posted': 'posted', ':ts': ts },
      });
    },

    async addHealthCounts(atIso, counts) {
      const hour = hourOf(atIso);
      await send(
        'write',
        new UpdateCommand({
          TableName,
          Key: pipelineKeys.health(hour),
          UpdateExpression: 'ADD recorded :recorded, recovered :recovered SET expiresAt = :expires',
          ExpressionAttributeValues: {
            ':recorded': counts.recorded,
            ':recovered': counts.recovered,
            ':expires': epochSeconds(`${hour}:00:00Z`) + (HEALTH_HOURS + 24) * 3600,
          },
        }),
      );
    },
    async healthCounts(fromIso, toIso): Promise<HealthCounts> {
      const items = await getAll(hoursFromTo(fromIso, toIso).map(pipelineKeys.health), 'recorded, recovered');
      return {
        recorded: items.reduce((sum, item) => sum + Number(item.recorded ?? 0), 0),
        recovered: items.reduce((sum, item) => sum + Number(item.recovered ?? 0), 0),
      };
    },
  };
}
