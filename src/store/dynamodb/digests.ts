import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../keys';
import type { DigestRunRepository } from '../ports/digests';
import { decode, digestClaimItem, postedDigestItem } from './codec';
import { epochSeconds, type Item, isConditionFailure, type TableClient } from './table-client';

/** DIGEST#<channel> / <runKey>: one digest run, claimed under a lease, expiring after 30 days. */
export function dynamoDbDigests(table: TableClient): DigestRunRepository {
  const { TableName } = table;

  /** One unconditional attribute update of a digest run (its message, its closing): repeating it is harmless. */
  async function setOnRun(channel: string, runKey: string, expression: string, value: string) {
    await table.send(
      'write',
      new UpdateCommand({
        TableName,
        Key: keys.digestRun(channel, runKey),
        UpdateExpression: expression,
        ExpressionAttributeValues: { ':value': value },
      }),
    );
  }

  return {
    async claim(channel, runKey, nowIso, leaseUntilIso) {
      try {
        const output = await table.send<{ Attributes?: Item }>(
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
        const { postAttemptAt } = decode(digestClaimItem, output.Attributes ?? {}, 'digest run', runKey);
        return postAttemptAt ? { postAttemptAt } : {};
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },
    async markPostAttempt(channel, runKey, atIso, listed) {
      await table.send(
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
    async recordMessage(channel, runKey, ts) {
      await setOnRun(channel, runKey, 'SET messageTs = :value', ts);
    },
    async withButton(channel) {
      const items = await table.queryAll({
        KeyConditionExpression: 'pk = :pk',
        FilterExpression:
          'attribute_exists(digestSince) AND attribute_exists(messageTs) AND attribute_not_exists(closedAt)',
        ExpressionAttributeValues: { ':pk': keys.digestRun(channel, '').pk },
      });
      return items.map((item) => decode(postedDigestItem, item, 'digest run'));
    },
    async close(channel, runKey, atIso) {
      await setOnRun(channel, runKey, 'SET closedAt = if_not_exists(closedAt, :value)', atIso);
    },
    async complete(channel, runKey) {
      await table.send(
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
    async release(channel, runKey) {
      await table.writeIf(
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
}
