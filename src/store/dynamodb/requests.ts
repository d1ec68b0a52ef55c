import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../keys';
import type { RequestClaimRepository } from '../ports/requests';
import { epochSeconds, type TableClient } from './table-client';

/** REQUEST#<key> / REQUEST: a Slack request claimed until a time, then removed by TTL an hour later. */
export function dynamoDbRequests(table: TableClient): RequestClaimRepository {
  const { TableName } = table;
  return {
    async claim(key, nowIso, untilIso) {
      return table.writeIf(
        new PutCommand({
          TableName,
          Item: { ...keys.request(key), claimUntil: untilIso, expiresAt: epochSeconds(untilIso) + 3600 },
          ConditionExpression: 'attribute_not_exists(pk) OR claimUntil < :now',
          ExpressionAttributeValues: { ':now': nowIso },
        }),
      );
    },
    async release(key, untilIso) {
      await table.writeIf(
        new DeleteCommand({
          TableName,
          Key: keys.request(key),
          ConditionExpression: 'claimUntil = :until',
          ExpressionAttributeValues: { ':until': untilIso },
        }),
      );
    },
  };
}
