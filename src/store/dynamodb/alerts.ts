import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeLine } from '../../model/alert';
import { keys } from '../keys';
import type {
  AcknowledgeResult,
  AlertRepository,
  AlertSeed,
  AppendOptions,
  AppendResult,
  OpenAlert,
} from '../ports/alerts';
import { TABLE } from '../table';
import { alertItem, alertLineItem, alertMembership, decode, revision } from './codec';
import { type Item, isConditionFailure, type TableClient } from './table-client';

const { openByChannel } = TABLE.indexes;

/**
 * ALERT#<alertId> / ALERT: one Slack message's state, in the open-by-channel index while unacknowledged;
 * ALERT#<alertId> / LINE#<eventId>: one line per change it carries.
 */
export function dynamoDbAlerts(table: TableClient): AlertRepository {
  const { TableName } = table;
  const membersOf = async (alertId: string) => {
    const item = await table.get(keys.alert(alertId));
    return item ? decode(alertMembership, item, 'alert') : undefined;
  };

  return {
    async append(
      seed: AlertSeed,
      lines: readonly ChangeLine[],
      options: AppendOptions = {},
    ): Promise<AppendResult> {
      // Membership is the alert's `lineIds` set, changed only together with its revision and only while it is
      // unacknowledged: one conditional UpdateItem, atomic without transactions (dynalite has none). Line
      // items carry the summaries and are written first, so every id a renderer sees in the set has its line.
      const current = options.unseen ? undefined : await membersOf(seed.id);
      const fresh = lines.filter((line) => !current?.lineIds.has(line.id));
      if (current && fresh.length === 0) {
        return current.acknowledgement
          ? { status: 'acknowledged', returned: [] }
          : { status: 'appended', rev: current.rev };
      }
      await table.putAll(fresh.map((line) => ({ ...keys.alertLine(seed.id, line.id), line })));
      const severities = new Set(fresh.map((line) => line.severity));
      try {
        const output = await table.send<{ Attributes?: Item }>(
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
              '#openPk': openByChannel.partitionKey,
              '#openSk': openByChannel.sortKey,
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
        return { status: 'appended', rev: decode(revision, output.Attributes ?? {}, 'alert', seed.id).rev };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      // Acknowledged meanwhile: what the set held before stays covered; the rest goes to a new alert.
      const covered = (await membersOf(seed.id))?.lineIds;
      const returned = fresh.filter((line) => !covered?.has(line.id)).map((line) => line.id);
      for (const id of returned)
        await table.send('write', new DeleteCommand({ TableName, Key: keys.alertLine(seed.id, id) }));
      return { status: 'acknowledged', returned };
    },
    async get(alertId) {
      const item = await table.get(keys.alert(alertId));
      return item ? decode(alertItem, item, 'alert') : undefined;
    },
    async lines(alertId) {
      const members = (await membersOf(alertId))?.lineIds;
      const items = await table.queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.alert(alertId).pk, ':prefix': keys.alertLinesPrefix },
        ConsistentRead: true,
      });
      // A line item whose id is not in the set belongs to an append that has not committed (or never will).
      return items
        .map((item) => decode(alertLineItem, item, 'alert line').line)
        .filter((line) => members?.has(line.id));
    },

    async acknowledge(alertId, acknowledgement): Promise<AcknowledgeResult> {
      try {
        const output = await table.send<{ Attributes?: Item }>(
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
              '#openPk': openByChannel.partitionKey,
              '#openSk': openByChannel.sortKey,
            },
            ExpressionAttributeValues: { ':ack': acknowledgement, ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return {
          status: 'acknowledged',
          alert: decode(alertItem, output.Attributes ?? {}, 'alert', alertId),
        };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = await table.get(keys.alert(alertId));
        if (!existing) return { status: 'not-found' };
        const alert = decode(alertItem, existing, 'alert');
        return alert.acknowledgement
          ? { status: 'already-acknowledged', acknowledgement: alert.acknowledgement }
          : { status: 'changed' };
      }
    },
    async investigate(alertId, investigation) {
      try {
        const output = await table.send<{ Attributes?: Item }>(
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
        return decode(alertItem, output.Attributes ?? {}, 'alert', alertId);
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = await table.get(keys.alert(alertId));
        return existing ? decode(alertItem, existing, 'alert') : undefined;
      }
    },
    async listOpen(channel, sinceIso): Promise<OpenAlert[]> {
      const items = await table.queryAll(table.openIndexRange({ pk: keys.openPk(channel), from: sinceIso }));
      return items.map((item) => {
        const { rev: _rev, renderedRev: _rendered, ...open } = decode(alertItem, item, 'open alert');
        return open;
      });
    },
  };
}
