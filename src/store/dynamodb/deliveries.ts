import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { VanishedItemError } from '../errors';
import { keys } from '../keys';
import type { DeliveryRepository } from '../ports/deliveries';
import { TABLE } from '../table';
import { decode, deliveredEntry, deliveryItem } from './codec';
import type { Item, TableClient } from './table-client';

const { openByChannel } = TABLE.indexes;

/** CHANGE#<eventId> / DELIVERY#<channel>: where a change went in a channel; muted ones also in the index. */
export function dynamoDbDeliveries(table: TableClient): DeliveryRepository {
  const { TableName } = table;
  return {
    async claim(delivery) {
      const item: Item = { ...keys.delivery(delivery.eventId, delivery.channel), ...delivery };
      if (delivery.kind === 'muted') {
        // Muted changes share the sparse index with open alerts, under their own partition: the digest
        // counts them per channel without touching anything else.
        item[openByChannel.partitionKey] = keys.mutedPk(delivery.channel);
        item[openByChannel.sortKey] = keys.timeSk(delivery.time, delivery.eventId);
      }
      if (await table.putNew(item)) return delivery;
      const existing = await table.get(keys.delivery(delivery.eventId, delivery.channel));
      if (!existing) throw new VanishedItemError(`delivery ${delivery.eventId}/${delivery.channel}`);
      return decode(deliveryItem, existing, 'delivery');
    },
    async get(eventId, channel) {
      const item = await table.get(keys.delivery(eventId, channel));
      return item ? decode(deliveryItem, item, 'delivery') : undefined;
    },
    async allOf(eventId) {
      const items = await table.queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.change(eventId).pk, ':prefix': keys.deliveryPrefix },
        ConsistentRead: true,
      });
      return items.map((item) => decode(deliveryItem, item, 'delivery'));
    },
    async deliveredIn(channel, eventIds) {
      const unique = [...new Set(eventIds)];
      const items = await table.getAll(
        unique.map((id) => keys.delivery(id, channel)),
        'eventId',
      );
      return new Set(items.map((item) => decode(deliveredEntry, item, 'delivery').eventId));
    },
    async move(eventId, channel, fromAlertId, toAlertId) {
      return table.writeIf(
        new UpdateCommand({
          TableName,
          Key: keys.delivery(eventId, channel),
          UpdateExpression: 'SET alertId = :to',
          ConditionExpression: 'alertId = :from',
          ExpressionAttributeValues: { ':from': fromAlertId, ':to': toAlertId },
        }),
      );
    },
    async countMuted(channel, sinceIso) {
      return table.countInIndex({ pk: keys.mutedPk(channel), from: sinceIso });
    },
  };
}
