import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../keys';
import type { BurstGroupRepository } from '../ports/bursts';
import { decode, groupItem } from './codec';
import { epochSeconds, type TableClient } from './table-client';

/** Group pointers outlive their window by a day, then DynamoDB's TTL removes them. */
const GROUP_TTL_SECONDS = 24 * 3600;

/** GROUP#<channel>#<key> / GROUP: the open burst's pointer to its alert, replaced under a version check. */
export function dynamoDbBursts(table: TableClient): BurstGroupRepository {
  const { TableName } = table;
  return {
    async get(channel, key) {
      const item = await table.get(keys.group(channel, key));
      return item ? decode(groupItem, item, 'burst group') : undefined;
    },
    async save(group, expected) {
      return await table.writeIf(
        new PutCommand({
          TableName,
          Item: {
            ...keys.group(group.channel, group.key),
            ...group,
            expiresAt: epochSeconds(group.lastAt) + GROUP_TTL_SECONDS,
          },
          ...(expected === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'version = :v AND alertId = :a',
                ExpressionAttributeValues: { ':v': expected.version, ':a': expected.alertId },
              }),
        }),
      );
    },
    async close(channel, key, alertId) {
      await table.writeIf(
        new DeleteCommand({
          TableName,
          Key: keys.group(channel, key),
          ConditionExpression: 'alertId = :a',
          ExpressionAttributeValues: { ':a': alertId },
        }),
      );
    },
  };
}
