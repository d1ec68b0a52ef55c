import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { LeaseLostError } from '../errors';
import { keys } from '../keys';
import type { ActorCheckRepository } from '../ports/actor-checks';
import { actorAnswer, alertItem, decode } from './codec';
import { type Item, isConditionFailure, type TableClient } from './table-client';

const claimedBefore = z.object({
  actUser: z.string().optional(),
  actAskedAt: z.string().optional(),
  actDm: z.object({ channel: z.string(), ts: z.string() }).optional(),
});
const noticeBefore = z.object({ actNoticeAt: z.string().optional() });
const answerOnly = z.object({ actUser: z.string().optional(), actAnswer: actorAnswer.optional() });

/**
 * "Was this you?" state on the alert item (ALERT#<alertId> / ALERT): `actUser`, `actAskedAt`, `actDm`,
 * `actAnswer`, `actNoticeAt`, `actNoticedAt`, outside the open index's projection (no index write). Flat
 * attributes rather than one map: every transition is then a plain conditional SET.
 */
export function dynamoDbActorChecks(table: TableClient): ActorCheckRepository {
  const { TableName } = table;

  /** One conditional update as lease holder. @returns the old attributes, or undefined when `condition` failed. */
  async function asHolder(
    alertId: string,
    owner: string,
    update: string,
    condition: string,
    values: Item,
  ): Promise<Item | undefined> {
    try {
      const output = await table.send<{ Attributes?: Item }>(
        'write',
        new UpdateCommand({
          TableName,
          Key: keys.alert(alertId),
          UpdateExpression: update,
          ConditionExpression: `leaseOwner = :owner AND ${condition}`,
          ExpressionAttributeValues: { ':owner': owner, ...values },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return output.Attributes ?? {};
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const item = await table.get(keys.alert(alertId));
    if (item?.leaseOwner !== owner) throw new LeaseLostError(alertId);
    return undefined;
  }

  return {
    async claimAsk(alertId, owner, userId, atIso) {
      const old = await asHolder(
        alertId,
        owner,
        'SET actUser = if_not_exists(actUser, :user), actAskedAt = if_not_exists(actAskedAt, :at)',
        'attribute_exists(pk)',
        { ':user': userId, ':at': atIso },
      );
      const before = decode(claimedBefore, old ?? {}, 'actor question', alertId);
      if (before.actUser !== undefined && before.actUser !== userId)
        return { status: 'asked-someone-else', userId: before.actUser };
      if (before.actDm) return { status: 'sent', dm: before.actDm };
      return before.actAskedAt === undefined
        ? { status: 'claimed' }
        : { status: 'claimed', earlierAttemptAt: before.actAskedAt };
    },

    async recordAsked(alertId, owner, dm) {
      const old = await asHolder(alertId, owner, 'SET actDm = :dm', 'attribute_exists(actUser)', {
        ':dm': dm,
      });
      if (old === undefined) throw new LeaseLostError(alertId);
    },

    async recordAnswer(alertId, answer) {
      const no = answer.answer === 'no';
      try {
        const output = await table.send<{ Attributes?: Item }>(
          'write',
          new UpdateCommand({
            TableName,
            Key: keys.alert(alertId),
            UpdateExpression: `SET actAnswer = :answer${no ? ', sevCritical = :true, notifiedSeverity = :critical' : ''} ADD rev :one`,
            ConditionExpression: 'actUser = :user AND attribute_not_exists(actAnswer)',
            ExpressionAttributeValues: {
              ':answer': answer,
              ':user': answer.userId,
              ':one': 1,
              ...(no ? { ':true': true, ':critical': 'critical' } : {}),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { status: 'recorded', alert: decode(alertItem, output.Attributes ?? {}, 'alert', alertId) };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const item = await table.get(keys.alert(alertId));
      if (!item) return { status: 'not-found' };
      const { actUser, actAnswer } = decode(answerOnly, item, 'actor answer', alertId);
      if (actUser === undefined || actUser !== answer.userId)
        return { status: 'not-asked', askedUserId: actUser ?? '' };
      if (actAnswer === undefined) throw new Error(`alert ${alertId}: answer refused without a reason`);
      return { status: 'already-answered', answer: actAnswer, alert: decode(alertItem, item, 'alert') };
    },

    async claimNotice(alertId, owner, atIso) {
      const old = await asHolder(
        alertId,
        owner,
        'SET actNoticeAt = if_not_exists(actNoticeAt, :at)',
        'attribute_exists(actAnswer) AND attribute_not_exists(actNoticedAt)',
        { ':at': atIso },
      );
      if (old === undefined) return { status: 'done' };
      const earlier = decode(noticeBefore, old, 'actor notice', alertId).actNoticeAt;
      return earlier === undefined ? { status: 'claimed' } : { status: 'claimed', earlierAttemptAt: earlier };
    },

    async recordNoticed(alertId, owner, atIso) {
      const old = await asHolder(alertId, owner, 'SET actNoticedAt = :at', 'attribute_exists(actAnswer)', {
        ':at': atIso,
      });
      if (old === undefined) throw new LeaseLostError(alertId);
    },
  };
}
