import { gunzipSync, gzipSync } from 'node:zlib';
import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { actorKeyOf } from '../changes/actor-key';
import { toLine } from '../changes/burst';
import type { Acknowledgement, ChangeLine, Investigation } from '../model/alert';
import type { EscalationSetting } from '../model/escalation-policy';
import type { Severity } from '../model/severity';
import { dynamoDbEscalationSteps, escalationStateOf } from './dynamodb/escalation-steps';
import { LeaseLostError } from './errors';
import { keys } from './keys';
import type {
  AcknowledgeResult,
  AlertRecord,
  AlertRepository,
  AlertSeed,
  AppendResult,
  BurstGroup,
  ChangeRepository,
  ConfigRepository,
  Delivery,
  Mute,
  MuteTargetType,
  OpenAlert,
  RejectedInput,
  RejectedSummary,
  RenderedState,
  RoutingConfig,
  Store,
  StoredChange,
  Subscription,
} from './ports';
import { TABLE } from './table';

/** Read/write capacity units consumed through one store (ReturnConsumedCapacity on every call). */
export class CapacityMeter {
  read = 0;
  write = 0;
  add(kind: 'read' | 'write', consumed: ConsumedCapacity | undefined): void {
    if (!consumed) return;
    // DynamoDB splits read/write units only for some calls; otherwise the call's kind decides.
    const read = consumed.ReadCapacityUnits;
    const write = consumed.WriteCapacityUnits;
    if (read === undefined && write === undefined) this[kind] += consumed.CapacityUnits ?? 0;
    else {
      this.read += read ?? 0;
      this.write += write ?? 0;
    }
  }
  reset(): void {
    this.read = 0;
    this.write = 0;
  }
}

export interface DynamoDbStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  meter?: CapacityMeter;
}

/** A rejected input's reason as the digest reads it from the index. */
const MAX_REJECTED_REASON = 500;

/** Rejected inputs expire after this many days: older days hold nothing to count. */
const REJECTED_TTL_DAYS = 30;

/** The UTC days (YYYY-MM-DD) from one ISO time to another, both included, at most the rejected-input TTL. */
function daysBetween(fromIso: string, toIso: string): string[] {
  const last = Date.parse(`${toIso.slice(0, 10)}T00:00:00Z`);
  const first = Math.max(
    Date.parse(`${fromIso.slice(0, 10)}T00:00:00Z`),
    last - REJECTED_TTL_DAYS * 86400_000,
  );
  const days: string[] = [];
  for (let at = first; at <= last; at += 86400_000) days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

/** Raw events bigger than this are truncated before compression (an item holds 400 KB). */
const MAX_RAW_CHARS = 1_000_000;
/** Group pointers outlive their window by a day, then DynamoDB's TTL removes them. */
const GROUP_TTL_SECONDS = 24 * 3600;
const { indexes } = TABLE;

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string }).name === 'ConditionalCheckFailedException';
}

const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

type Item = Record<string, unknown>;

function toAlert(item: Item): AlertRecord {
  const severity: Severity = item.sevCritical ? 'critical' : item.sevWarning ? 'warning' : 'info';
  const alert: AlertRecord = {
    id: item.id as string,
    channel: item.channel as string,
    watch: (item.watch as string | null | undefined) ?? null,
    actorKey: item.actorKey as string,
    account: item.account as string,
    createdAt: item.createdAt as string,
    rev: (item.rev as number | undefined) ?? 0,
    renderedRev: (item.renderedRev as number | undefined) ?? 0,
    severity,
    changeCount: (item.changeCount as number | undefined) ?? 0,
    headline: (item.headline as string | undefined) ?? '',
  };
  if (item.message) alert.message = item.message as AlertRecord['message'] & object;
  if (item.notifiedSeverity) alert.notifiedSeverity = item.notifiedSeverity as Severity;
  if (item.postAttemptAt) alert.postAttemptAt = item.postAttemptAt as string;
  if (item.messageRemovedAt) alert.messageRemovedAt = item.messageRemovedAt as string;
  if (item.escalationAttempt)
    alert.escalationAttempt = item.escalationAttempt as NonNullable<AlertRecord['escalationAttempt']>;
  if (item.acknowledgement) alert.acknowledgement = item.acknowledgement as Acknowledgement;
  if (item.investigation) alert.investigation = item.investigation as Investigation;
  const escalation = escalationStateOf(item);
  if (escalation) alert.escalation = escalation;
  return alert;
}

function toDelivery(item: Item): Delivery {
  const base = { eventId: item.eventId as string, channel: item.channel as string, at: item.at as string };
  return item.kind === 'muted'
    ? { ...base, kind: 'muted', mute: item.mute as string, time: item.time as string }
    : { ...base, kind: 'alert', alertId: item.alertId as string };
}

function toMute(item: Item): Mute {
  const mute: Mute = {
    channel: item.channel as string,
    type: item.type as MuteTargetType,
    value: item.value as string,
    setBy: item.setBy as string,
    setAt: item.setAt as string,
    expiresAt: item.expiresAtIso as string,
  };
  // Items written before name mutes were scoped have no account (isUnscopedNameMute).
  if (typeof item.account === 'string') mute.account = item.account;
  return mute;
}

/** The DynamoDB adapter of every store port, on the single table described in table.ts. */
export function createDynamoDbStore(options: DynamoDbStoreOptions): Store {
  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
  const TableName = options.tableName;
  const meter = options.meter;

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

  /** A Query of one partition of the sparse open-by-channel index, sort keys from `from` (to `to`). */
  function openIndexRange(range: { pk: string; from: string; to?: string }) {
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
  async function countInIndex(range: { pk: string; from: string; to?: string }): Promise<number> {
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
  /** One unconditional attribute update of a digest run (its message, its closing): repeating it is harmless. */
  async function setOnDigestRun(channel: string, runKey: string, expression: string, value: string) {
    await send(
      'write',
      new UpdateCommand({
        TableName,
        Key: keys.digestRun(channel, runKey),
        UpdateExpression: expression,
        ExpressionAttributeValues: { ':value': value },
      }),
    );
  }

  async function writeIf(command: { input: object }): Promise<boolean> {
    try {
      await send('write', command);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Unconditional puts, 25 per BatchWriteItem, retrying what DynamoDB leaves unprocessed. */
  async function putAll(items: readonly Item[]): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      let requests: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {
        [TableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      };
      for (let attempt = 0; requests && Object.keys(requests).length > 0; attempt++) {
        if (attempt === 8) throw new Error('BatchWriteItem left items unprocessed after 8 attempts');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        const output: { UnprocessedItems?: Record<string, { PutRequest: { Item: Item } }[]> } = await send(
          'write',
          new BatchWriteCommand({ RequestItems: requests }),
        );
        requests = output.UnprocessedItems;
      }
    }
  }

  /** Put unless the key exists. @returns false when it existed. */
  function putNew(item: Item): Promise<boolean> {
    return writeIf(
      new PutCommand({ TableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  /** An update of an alert only its render-lease holder may make. @throws LeaseLostError otherwise. */
  async function updateAsHolder(
    alertId: string,
    owner: string,
    UpdateExpression: string,
    values: Item,
  ): Promise<void> {
    const held = await writeIf(
      new UpdateCommand({
        TableName,
        Key: keys.alert(alertId),
        UpdateExpression,
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeValues: { ':owner': owner, ...values },
      }),
    );
    if (!held) throw new LeaseLostError(alertId);
  }

  const changes: ChangeRepository = {
    saveChange({ change, raw, receivedAt }: StoredChange): Promise<boolean> {
      // The change and the raw event are stored gzipped: they are read only by the renderer and the
      // Investigate modal, and write capacity is charged per KB.
      return putNew({
        ...keys.change(change.id),
        line: toLine(change),
        changeGz: gzipSync(JSON.stringify(change)),
        rawGz: gzipSync(raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw),
        rawTruncated: raw.length > MAX_RAW_CHARS,
        receivedAt,
        actorPk: keys.actorPk(change.account, actorKeyOf(change.actor)),
        actorSk: keys.timeSk(change.time, change.id),
      });
    },
    async getChange(id) {
      const item = await get(keys.change(id));
      if (!item) return undefined;
      const raw = gunzipSync(item.rawGz as Uint8Array).toString('utf8');
      return {
        change: JSON.parse(
          gunzipSync(item.changeGz as Uint8Array).toString('utf8'),
        ) as StoredChange['change'],
        raw: item.rawTruncated ? `${raw}…` : raw,
        receivedAt: item.receivedAt as string,
      };
    },
    async changesByActor(account, actorKey, fromIso, toIso, limit) {
      const output = await send<{ Items?: Item[] }>(
        'read',
        new QueryCommand({
          TableName,
          IndexName: indexes.byActor.name,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': indexes.byActor.partitionKey, '#sk': indexes.byActor.sortKey },
          ExpressionAttributeValues: {
            ':pk': keys.actorPk(account, actorKey),
            ':from': fromIso,
            ':to': `${toIso}\uffff`,
          },
          // The newest `limit` changes, returned oldest first.
          ScanIndexForward: false,
          Limit: limit,
          ProjectionExpression: 'line',
        }),
      );
      return (output.Items ?? []).map((item) => item.line as ChangeLine).reverse();
    },
    async saveRejected(input: RejectedInput) {
      await send(
        'write',
        new PutCommand({
          TableName,
          Item: {
            ...keys.rejected(input.at, input.id),
            ...input,
            // In the sparse index by day, the reason as its projected `headline`: the digest reads both there.
            [indexes.openByChannel.partitionKey]: keys.rejectedPk(input.at.slice(0, 10)),
            [indexes.openByChannel.sortKey]: keys.timeSk(input.at, input.id),
            headline: input.reason.slice(0, MAX_REJECTED_REASON),
            expiresAt: epochSeconds(input.at) + REJECTED_TTL_DAYS * 86400,
          },
        }),
      );
    },
    async rejectedBetween(fromIso, toIso, limit) {
      const summary: RejectedSummary = { count: 0, first: [] };
      for (const day of daysBetween(fromIso, toIso)) {
        const range = { pk: keys.rejectedPk(day), from: fromIso, to: `${toIso}\uffff` };
        summary.count += await countInIndex(range);
        if (summary.first.length >= limit) continue;
        const output = await send<{ Items?: Item[] }>(
          'read',
          new QueryCommand({ TableName, ...openIndexRange(range), Limit: limit - summary.first.length }),
        );
        for (const item of output.Items ?? []) {
          // The index holds keys and projected attributes only: the time is the head of the sort key.
          const sk = item[indexes.openByChannel.sortKey] as string;
          summary.first.push({
            id: item.id as string,
            reason: item.headline as string,
            at: sk.split('#')[0] ?? '',
          });
        }
      }
      return summary;
    },
  };

  const config: ConfigRepository = {
    async load(nowIso): Promise<RoutingConfig> {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.configPk },
        ConsistentRead: true,
      });
      const now = Date.parse(nowIso);
      const subscriptions: Subscription[] = [];
      const mutes: Mute[] = [];
      let bootstrapped = false;
      const escalations: EscalationSetting[] = [];
      for (const item of items) {
        const sk = item.sk as string;
        if (sk.startsWith('SUB#')) {
          subscriptions.push({
            channel: item.channel as string,
            watch: item.watch as string,
            setBy: item.setBy as string,
            setAt: item.setAt as string,
          });
        } else if (sk.startsWith('MUTE#')) {
          // TTL deletes expired mutes hours late (and dynalite never): expiry is always checked here.
          const mute = toMute(item);
          if (Date.parse(mute.expiresAt) > now) mutes.push(mute);
        } else if (sk.startsWith('ESCALATE#')) {
          escalations.push({
            channel: item.channel as string,
            policy: (item.policy as EscalationSetting['policy'] | undefined) ?? null,
            setBy: item.setBy as string,
            setAt: item.setAt as string,
          });
        } else if (sk === 'BOOTSTRAP') bootstrapped = true;
      }
      return { subscriptions, mutes, bootstrapped, escalations };
    },
    async bootstrap(channel, atIso) {
      // Subscription first, marker last: a worker that finds the marker can rely on the subscription, and of
      // two concurrent first uses both write the same subscription (idempotent) while one wins the marker.
      await config.subscribe(channel, ['all'], 'infrawatch', atIso);
      return putNew({ ...keys.bootstrap(), channel, at: atIso });
    },
    async subscribe(channel, watches, setBy, atIso) {
      for (const watch of watches) {
        await send(
          'write',
          new PutCommand({
            TableName,
            Item: { ...keys.subscription(channel, watch), channel, watch, setBy, setAt: atIso },
          }),
        );
      }
    },
    async unsubscribe(channel, watches) {
      for (const watch of watches) {
        await send('write', new DeleteCommand({ TableName, Key: keys.subscription(channel, watch) }));
      }
    },
    async putMute(mute) {
      await send(
        'write',
        new PutCommand({
          TableName,
          Item: {
            ...keys.mute(mute.channel, mute.type, mute.value, mute.account),
            ...mute,
            expiresAtIso: mute.expiresAt,
            expiresAt: epochSeconds(mute.expiresAt),
          },
        }),
      );
    },
    async putEscalation(setting) {
      await send(
        'write',
        new PutCommand({ TableName, Item: { ...keys.escalationSetting(setting.channel), ...setting } }),
      );
    },
    async deleteMute(channel, type, value, account) {
      const output = await send<{ Attributes?: Item }>(
        'write',
        new DeleteCommand({
          TableName,
          Key: keys.mute(channel, type, value, account),
          ReturnValues: 'ALL_OLD',
        }),
      );
      return output.Attributes ? toMute(output.Attributes) : undefined;
    },
    claimRequest(key, nowIso, untilIso) {
      return writeIf(
        new PutCommand({
          TableName,
          Item: { ...keys.request(key), claimUntil: untilIso, expiresAt: epochSeconds(untilIso) + 3600 },
          ConditionExpression: 'attribute_not_exists(pk) OR claimUntil < :now',
          ExpressionAttributeValues: { ':now': nowIso },
        }),
      );
    },
    async releaseRequest(key, untilIso) {
      await writeIf(
        new DeleteCommand({
          TableName,
          Key: keys.request(key),
          ConditionExpression: 'claimUntil = :until',
          ExpressionAttributeValues: { ':until': untilIso },
        }),
      );
    },
  };

  const alerts: AlertRepository = {
    async claimDelivery(delivery) {
      const item: Item = { ...keys.delivery(delivery.eventId, delivery.channel), ...delivery };
      if (delivery.kind === 'muted') {
        // Muted changes share the sparse index with open alerts, under their own partition: the digest
        // counts them per channel without touching anything else.
        item[indexes.openByChannel.partitionKey] = keys.mutedPk(delivery.channel);
        item[indexes.openByChannel.sortKey] = keys.timeSk(delivery.time, delivery.eventId);
      }
      if (await putNew(item)) return delivery;
      const existing = await get(keys.delivery(delivery.eventId, delivery.channel));
      if (!existing) throw new Error(`delivery ${delivery.eventId}/${delivery.channel} vanished`);
      return toDelivery(existing);
    },
    async getDelivery(eventId, channel) {
      const item = await get(keys.delivery(eventId, channel));
      return item ? toDelivery(item) : undefined;
    },
    async deliveriesOf(eventId) {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.change(eventId).pk, ':prefix': keys.deliveryPrefix },
        ConsistentRead: true,
      });
      return items.map(toDelivery);
    },
    async deliveredIn(channel, eventIds) {
      const found = new Set<string>();
      const unique = [...new Set(eventIds)];
      for (let i = 0; i < unique.length; i += 100) {
        let requestKeys: Item[] | undefined = unique
          .slice(i, i + 100)
          .map((id) => keys.delivery(id, channel));
        for (let attempt = 0; requestKeys && requestKeys.length > 0; attempt++) {
          if (attempt === 8) throw new Error('BatchGetItem left keys unprocessed after 8 attempts');
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
          const output: {
            Responses?: Record<string, Item[]>;
            UnprocessedKeys?: Record<string, { Keys?: Item[] }>;
          } = await send(
            'read',
            new BatchGetCommand({
              RequestItems: { [TableName]: { Keys: requestKeys, ProjectionExpression: 'eventId' } },
            }),
          );
          for (const item of output.Responses?.[TableName] ?? []) found.add(item.eventId as string);
          requestKeys = output.UnprocessedKeys?.[TableName]?.Keys;
        }
      }
      return found;
    },
    moveDelivery(eventId, channel, fromAlertId, toAlertId) {
      return writeIf(
        new UpdateCommand({
          TableName,
          Key: keys.delivery(eventId, channel),
          UpdateExpression: 'SET alertId = :to',
          ConditionExpression: 'alertId = :from',
          ExpressionAttributeValues: { ':from': fromAlertId, ':to': toAlertId },
        }),
      );
    },

    async getGroup(channel, key) {
      const item = await get(keys.group(channel, key));
      if (!item) return undefined;
      return {
        channel,
        key,
        alertId: item.alertId as string,
        firstAt: item.firstAt as string,
        lastAt: item.lastAt as string,
        count: item.count as number,
        version: item.version as number,
      };
    },
    saveGroup(group: BurstGroup, expectedVersion) {
      return writeIf(
        new PutCommand({
          TableName,
          Item: {
            ...keys.group(group.channel, group.key),
            ...group,
            expiresAt: epochSeconds(group.lastAt) + GROUP_TTL_SECONDS,
          },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': expectedVersion },
              }),
        }),
      );
    },
    async closeGroup(channel, key, alertId) {
      await writeIf(
        new DeleteCommand({
          TableName,
          Key: keys.group(channel, key),
          ConditionExpression: 'alertId = :a',
          ExpressionAttributeValues: { ':a': alertId },
        }),
      );
    },

    async append(seed: AlertSeed, lines: readonly ChangeLine[]): Promise<AppendResult> {
      // Membership is the alert's `lineIds` set, changed only together with its revision and only while it is
      // unacknowledged: one conditional UpdateItem, atomic without transactions (dynalite has none). Line
      // items carry the summaries and are written first, so every id a renderer sees in the set has its line.
      const current = await get(keys.alert(seed.id));
      const members = (current?.lineIds as Set<string> | undefined) ?? new Set<string>();
      const fresh = lines.filter((line) => !members.has(line.id));
      if (current && fresh.length === 0) {
        return current.acknowledgement
          ? { status: 'acknowledged', returned: [] }
          : { status: 'appended', rev: (current.rev as number | undefined) ?? 0 };
      }
      await putAll(fresh.map((line) => ({ ...keys.alertLine(seed.id, line.id), line })));
      const severities = new Set(fresh.map((line) => line.severity));
      try {
        const output = await send<{ Attributes?: Item }>(
          'write',
          new UpdateCommand({
            TableName,
            Key: keys.alert(seed.id),
            UpdateExpression: `${[
              'SET id = if_not_exists(id, :id), channel = if_not_exists(channel, :channel)',
              '#watch = if_not_exists(#watch, :watch), actorKey = if_not_exists(actorKey, :actorKey)',
              'account = if_not_exists(account, :account), createdAt = if_not_exists(createdAt, :createdAt)',
              '#openPk = if_not_exists(#openPk, :openPk), #openSk = if_not_exists(#openSk, :openSk)',
              ...(severities.has('critical') ? ['sevCritical = :true'] : []),
              ...(severities.has('warning') ? ['sevWarning = :true'] : []),
            ].join(', ')} ADD rev :one, lineIds :ids`,
            ConditionExpression: 'attribute_not_exists(acknowledgement)',
            ExpressionAttributeNames: {
              '#watch': 'watch',
              '#openPk': indexes.openByChannel.partitionKey,
              '#openSk': indexes.openByChannel.sortKey,
            },
            ExpressionAttributeValues: {
              ':id': seed.id,
              ':channel': seed.channel,
              ':watch': seed.watch,
              ':actorKey': seed.actorKey,
              ':account': seed.account,
              ':createdAt': seed.createdAt,
              ':openPk': keys.openPk(seed.channel),
              ':openSk': keys.timeSk(seed.createdAt, seed.id),
              ':one': 1,
              ':ids': new Set(fresh.map((line) => line.id)),
              ...(severities.has('critical') || severities.has('warning') ? { ':true': true } : {}),
            },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return { status: 'appended', rev: output.Attributes?.rev as number };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      // Acknowledged meanwhile: what the set held before stays covered; the rest goes to a new alert.
      const acknowledged = await get(keys.alert(seed.id));
      const covered = (acknowledged?.lineIds as Set<string> | undefined) ?? new Set<string>();
      const returned = fresh.filter((line) => !covered.has(line.id)).map((line) => line.id);
      for (const id of returned)
        await send('write', new DeleteCommand({ TableName, Key: keys.alertLine(seed.id, id) }));
      return { status: 'acknowledged', returned };
    },
    async getAlert(alertId) {
      const item = await get(keys.alert(alertId));
      return item ? toAlert(item) : undefined;
    },
    async lines(alertId) {
      const alert = await get(keys.alert(alertId));
      const members = (alert?.lineIds as Set<string> | undefined) ?? new Set<string>();
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.alert(alertId).pk, ':prefix': keys.alertLinesPrefix },
        ConsistentRead: true,
      });
      // A line item whose id is not in the set belongs to an append that has not committed (or never will).
      return items.map((item) => item.line as ChangeLine).filter((line) => members.has(line.id));
    },

    acquireLease(alertId, owner, nowIso, untilIso) {
      return writeIf(
        new UpdateCommand({
          TableName,
          Key: keys.alert(alertId),
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner)',
          ExpressionAttributeValues: { ':owner': owner, ':until': untilIso, ':now': nowIso },
        }),
      );
    },
    async releaseLease(alertId, owner) {
      await writeIf(
        new UpdateCommand({
          TableName,
          Key: keys.alert(alertId),
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    },
    async markPostAttempt(alertId, owner, atIso) {
      // The first attempt's time stays: a post that landed late is searched for from there.
      await updateAsHolder(alertId, owner, 'SET postAttemptAt = if_not_exists(postAttemptAt, :at)', {
        ':at': atIso,
      });
    },
    async markEscalationAttempt(alertId, owner, severity, atIso) {
      await updateAsHolder(alertId, owner, 'SET escalationAttempt = :attempt', {
        ':attempt': { severity, at: atIso },
      });
    },
    async markRendered(alertId, owner, rendered: RenderedState) {
      await updateAsHolder(
        alertId,
        owner,
        'SET renderedRev = :rev, message = :message, changeCount = :count, headline = :headline, notifiedSeverity = :notified',
        {
          ':rev': rendered.rev,
          ':message': rendered.message,
          ':count': rendered.changeCount,
          ':headline': rendered.headline,
          ':notified': rendered.notifiedSeverity,
        },
      );
    },
    async markMessageGone(alertId, owner, atIso) {
      await updateAsHolder(alertId, owner, 'SET postAttemptAt = :at, messageRemovedAt = :at REMOVE message', {
        ':at': atIso,
      });
    },
    async markRenderDue(alertId, rev, atIso) {
      await send(
        'write',
        new PutCommand({
          TableName,
          Item: {
            ...keys.renderDue(alertId),
            alertId,
            rev,
            at: atIso,
            expiresAt: epochSeconds(atIso) + 30 * 86400,
          },
        }),
      );
    },
    async rendersDue(limit) {
      const output = await send<{ Items?: Item[] }>(
        'read',
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.renderDuePk },
          Limit: limit,
        }),
      );
      return (output.Items ?? []).map((item) => ({
        alertId: item.alertId as string,
        rev: item.rev as number,
      }));
    },
    async clearRenderDue(alertId, renderedRev) {
      await writeIf(
        new DeleteCommand({
          TableName,
          Key: keys.renderDue(alertId),
          ConditionExpression: 'rev <= :rendered',
          ExpressionAttributeValues: { ':rendered': renderedRev },
        }),
      );
    },

    async acknowledge(alertId, acknowledgement): Promise<AcknowledgeResult> {
      try {
        const output = await send<{ Attributes?: Item }>(
          'write',
          new UpdateCommand({
            TableName,
            Key: keys.alert(alertId),
            UpdateExpression:
              'SET acknowledgement = :ack ADD rev :one REMOVE #openPk, #openSk, investigation',
            // Only what the message shows can be acknowledged: a revision not rendered yet (new changes, an
            // unposted alert) refuses the click instead of covering changes nobody saw.
            ConditionExpression:
              'attribute_exists(pk) AND attribute_not_exists(acknowledgement) AND renderedRev = rev',
            ExpressionAttributeNames: {
              '#openPk': indexes.openByChannel.partitionKey,
              '#openSk': indexes.openByChannel.sortKey,
            },
            ExpressionAttributeValues: { ':ack': acknowledgement, ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const alert = toAlert(output.Attributes ?? {});
        return { status: 'acknowledged', alert };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = await get(keys.alert(alertId));
        if (!existing) return { status: 'not-found' };
        if (!existing.acknowledgement) return { status: 'changed' };
        return {
          status: 'already-acknowledged',
          acknowledgement: existing.acknowledgement as Acknowledgement,
        };
      }
    },
    async investigate(alertId, investigation) {
      try {
        const output = await send<{ Attributes?: Item }>(
          'write',
          new UpdateCommand({
            TableName,
            Key: keys.alert(alertId),
            UpdateExpression: 'SET investigation = :inv ADD rev :one',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(acknowledgement)',
            ExpressionAttributeValues: { ':inv': investigation, ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toAlert(output.Attributes ?? {});
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = await get(keys.alert(alertId));
        return existing ? toAlert(existing) : undefined;
      }
    },

    async openAlerts(channel, sinceIso): Promise<OpenAlert[]> {
      const items = await queryAll({
        IndexName: indexes.openByChannel.name,
        KeyConditionExpression: '#pk = :pk AND #sk >= :since',
        ExpressionAttributeNames: {
          '#pk': indexes.openByChannel.partitionKey,
          '#sk': indexes.openByChannel.sortKey,
        },
        ExpressionAttributeValues: { ':pk': keys.openPk(channel), ':since': sinceIso },
      });
      return items.map((item) => {
        const { rev: _rev, renderedRev: _rendered, ...open } = toAlert(item);
        return open;
      });
    },
    countMuted(channel, sinceIso) {
      return countInIndex({ pk: keys.mutedPk(channel), from: sinceIso });
    },
    async claimDigestRun(channel, runKey, nowIso, leaseUntilIso) {
      try {
        const output = await send<{ Attributes?: Item }>(
          'write',
          new UpdateCommand({
            TableName,
            Key: keys.digestRun(channel, runKey),
            UpdateExpression:
              'SET #state = :posting, leaseUntil = :until, expiresAt = if_not_exists(expiresAt, :expires)',
            ConditionExpression: 'attribute_not_exists(pk) OR (#state = :posting AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':posting': 'posting',
              ':until': leaseUntilIso,
              ':now': nowIso,
              ':expires': epochSeconds(nowIso) + 30 * 86400,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const attempt = output.Attributes?.postAttemptAt as string | undefined;
        return attempt ? { postAttemptAt: attempt } : {};
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },
    async markDigestPostAttempt(channel, runKey, atIso, listed) {
      await send(
        'write',
        new UpdateCommand({
          TableName,
          Key: keys.digestRun(channel, runKey),
          UpdateExpression: listed
            ? 'SET postAttemptAt = if_not_exists(postAttemptAt, :at), digestSince = if_not_exists(digestSince, :since), digestUntil = if_not_exists(digestUntil, :until)'
            : 'SET postAttemptAt = if_not_exists(postAttemptAt, :at)',
          ExpressionAttributeValues: {
            ':at': atIso,
            ...(listed ? { ':since': listed.since, ':until': listed.until } : {}),
          },
        }),
      );
    },
    async recordDigestMessage(channel, runKey, ts) {
      await setOnDigestRun(channel, runKey, 'SET messageTs = :value', ts);
    },
    async digestsWithButton(channel) {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk',
        FilterExpression:
          'attribute_exists(digestSince) AND attribute_exists(messageTs) AND attribute_not_exists(closedAt)',
        ExpressionAttributeValues: { ':pk': keys.digestRun(channel, '').pk },
      });
      return items.map((item) => ({
        runKey: item.sk as string,
        ts: item.messageTs as string,
        since: item.digestSince as string,
        until: item.digestUntil as string,
      }));
    },
    async closeDigest(channel, runKey, atIso) {
      await setOnDigestRun(channel, runKey, 'SET closedAt = if_not_exists(closedAt, :value)', atIso);
    },
    async completeDigestRun(channel, runKey) {
      await send(
        'write',
        new UpdateCommand({
          TableName,
          Key: keys.digestRun(channel, runKey),
          UpdateExpression: 'SET #state = :posted REMOVE leaseUntil',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':posted': 'posted' },
        }),
      );
    },
    async releaseDigestRun(channel, runKey) {
      await writeIf(
        new UpdateCommand({
          TableName,
          Key: keys.digestRun(channel, runKey),
          UpdateExpression: 'SET leaseUntil = :past',
          ConditionExpression: '#state = :posting',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':posting': 'posting', ':past': '1970-01-01T00:00:00.000Z' },
        }),
      );
    },
  };

  return {
    changes,
    config,
    alerts,
    escalationSteps: dynamoDbEscalationSteps({ TableName, send, get, writeIf }),
  };
}
