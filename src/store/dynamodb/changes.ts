import { gunzipSync, gzipSync } from 'node:zlib';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { actorKeyOf } from '../../changes/actor-key';
import { toLine } from '../../changes/burst';
import { keys } from '../keys';
import type { ChangeRepository, StoredChange } from '../ports/changes';
import { TABLE } from '../table';
import { actorEntry, changeItem, change as changeSchema, decode } from './codec';
import type { Item, TableClient } from './table-client';

/** Raw events bigger than this are truncated before compression (an item holds 400 KB). */
const MAX_RAW_CHARS = 1_000_000;
const { byActor } = TABLE.indexes;

/** CHANGE#<eventId> / CHANGE: one change, stored once, in the by-actor index under its actor. */
export function dynamoDbChanges(table: TableClient): ChangeRepository {
  const { TableName } = table;
  return {
    async save({ change, raw, receivedAt }: StoredChange) {
      // The change and the raw event are stored gzipped: they are read only by the renderer and the
      // Investigate modal, and write capacity is charged per KB.
      return table.putNew({
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
    async get(id) {
      const item = await table.get(keys.change(id));
      if (!item) return undefined;
      const stored = decode(changeItem, item, 'change');
      const raw = gunzipSync(stored.rawGz).toString('utf8');
      const json = JSON.parse(gunzipSync(stored.changeGz).toString('utf8')) as Item;
      return {
        change: decode(changeSchema, json, 'change', `${keys.change(id).pk} (changeGz)`),
        raw: stored.rawTruncated ? `${raw}…` : raw,
        receivedAt: stored.receivedAt,
      };
    },
    async byActor(account, actorKey, fromIso, toIso, limit) {
      const output = await table.send<{ Items?: Item[] }>(
        'read',
        new QueryCommand({
          TableName,
          IndexName: byActor.name,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': byActor.partitionKey, '#sk': byActor.sortKey },
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
      return (output.Items ?? []).map((item) => decode(actorEntry, item, 'actor index entry').line).reverse();
    },
  };
}
