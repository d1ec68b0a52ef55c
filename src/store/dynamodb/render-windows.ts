import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../keys';
import type { RenderWindowRepository } from '../ports/render-windows';
import { decode, renderWindowItem } from './codec';
import { epochSeconds, type Item, isConditionFailure, type TableClient } from './table-client';

/** A window item outlives its window by a day, then DynamoDB's TTL removes it. */
const WINDOW_TTL_SECONDS = 24 * 3600;

/** RENDERWINDOW#<alertId> / WINDOW: when the alert's render window closes, and the finisher scheduled for it. */
export function dynamoDbRenderWindows(table: TableClient): RenderWindowRepository {
  const { TableName } = table;
  const Key = (alertId: string) => keys.renderWindow(alertId);
  return {
    async open(alertId, nowIso, untilIso) {
      try {
        await table.send(
          'write',
          new UpdateCommand({
            TableName,
            Key: Key(alertId),
            UpdateExpression: 'SET #until = :until, streak = :zero, expiresAt = :expires',
            ConditionExpression: 'attribute_not_exists(#until) OR #until <= :now',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: {
              ':until': untilIso,
              ':now': nowIso,
              ':zero': 0,
              ':expires': epochSeconds(untilIso) + WINDOW_TTL_SECONDS,
            },
            // DynamoDB returns the open window with the refusal; an engine that does not is asked once more.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return undefined;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const returned = (error as { Item?: Record<string, { S?: string; N?: string }> }).Item;
        const item: Item | undefined = returned
          ? Object.fromEntries(
              Object.entries(returned).map(([name, value]) => [
                name,
                value.N === undefined ? value.S : Number(value.N),
              ]),
            )
          : (
              await table.send<{ Item?: Item }>(
                'read',
                new GetCommand({ TableName, Key: Key(alertId), ConsistentRead: true }),
              )
            ).Item;
        // Gone between the refusal and the read (its TTL): a window closing now, so the finisher runs at once.
        return item ? decode(renderWindowItem, item, 'render window') : { until: nowIso, streak: 0 };
      }
    },
    async markFinisher(alertId, forIso) {
      await table.writeIf(
        new UpdateCommand({
          TableName,
          Key: Key(alertId),
          UpdateExpression: 'SET finisherFor = :for',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(finisherFor) OR finisherFor < :for)',
          ExpressionAttributeValues: { ':for': forIso },
        }),
      );
    },
    async continueWindow(alertId, forIso, untilIso, streak) {
      return await table.writeIf(
        new UpdateCommand({
          TableName,
          Key: Key(alertId),
          UpdateExpression: 'SET #until = :until, streak = :streak, expiresAt = :expires REMOVE finisherFor',
          ConditionExpression: 'finisherFor = :for',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: {
            ':for': forIso,
            ':until': untilIso,
            ':streak': streak,
            ':expires': epochSeconds(untilIso) + WINDOW_TTL_SECONDS,
          },
        }),
      );
    },
  };
}
