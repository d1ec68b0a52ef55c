import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LeaseLostError } from '../errors';
import { keys } from '../keys';
import type { LeaseOutcome, RenderRepository } from '../ports/renders';
import { alertItem, decode, renderDueItem } from './codec';
import { updateReturningItem } from './conditional';
import { epochSeconds, type Item, type TableClient } from './table-client';

/**
 * The render lease and render state live on the alert item (ALERT#<alertId> / ALERT), outside the open
 * index's projection so renders cost no index write; RENDERDUE / <alertId> marks a message that fell behind.
 */
export function dynamoDbRenders(table: TableClient): RenderRepository {
  const { TableName } = table;

  /** An update of an alert only its render-lease holder may make. @throws LeaseLostError otherwise. */
  async function updateAsHolder(alertId: string, owner: string, UpdateExpression: string, values: Item) {
    const held = await table.writeIf(
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

  async function takeLease(
    alertId: string,
    owner: string,
    nowIso: string,
    untilIso: string,
    options: { postAttemptAt?: string } = {},
  ): Promise<LeaseOutcome> {
    const { postAttemptAt } = options;
    const outcome = await updateReturningItem(
      table,
      new UpdateCommand({
        TableName,
        Key: keys.alert(alertId),
        UpdateExpression: `SET leaseOwner = :owner, leaseUntil = :until${postAttemptAt === undefined ? '' : ', postAttemptAt = if_not_exists(postAttemptAt, :at)'}`,
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner)',
        ExpressionAttributeValues: {
          ':owner': owner,
          ':until': untilIso,
          ':now': nowIso,
          ...(postAttemptAt === undefined ? {} : { ':at': postAttemptAt }),
        },
      }),
      // The alert before the write: the lease is not part of an AlertRecord, and a post attempt recorded by
      // an earlier holder must be told apart from the one this write records.
      postAttemptAt === undefined ? 'ALL_NEW' : 'ALL_OLD',
    );
    if (!outcome.item) return { status: 'not-found' };
    return {
      status: outcome.written ? 'held' : 'busy',
      alert: decode(alertItem, outcome.item, 'alert', alertId),
    };
  }

  return {
    takeLease,
    async acquireLease(alertId, owner, nowIso, untilIso) {
      return (await takeLease(alertId, owner, nowIso, untilIso)).status === 'held';
    },
    async renewLease(alertId, owner, untilIso) {
      return await table.writeIf(
        new UpdateCommand({
          TableName,
          Key: keys.alert(alertId),
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner, ':until': untilIso },
        }),
      );
    },
    async releaseLease(alertId, owner) {
      await table.writeIf(
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
    async markRendered(alertId, owner, rendered, options = {}) {
      const { summary } = rendered;
      // The summary and the pending lines it folds change in the same write; appends only add after them.
      // Highest index first: DynamoDB removes by the indices before the write, dynalite one by one.
      const folded = Array.from({ length: summary?.folded ?? 0 }, (_, i) => `pendingLines[${i}]`).reverse();
      const update = (release: boolean) => {
        const removed = [...folded, ...(release ? ['leaseOwner', 'leaseUntil'] : [])];
        return updateReturningItem(
          table,
          new UpdateCommand({
            TableName,
            Key: keys.alert(alertId),
            UpdateExpression: `SET renderedRev = :rev, message = :message, changeCount = :count, headline = :headline, notifiedSeverity = :notified${summary ? ', burstSummary = :summary' : ''}${removed.length > 0 ? ` REMOVE ${removed.join(', ')}` : ''}`,
            // Released only while nothing newer waits: a revision that moved during the Slack call is rendered
            // next, by the holder, without letting go.
            ConditionExpression: `leaseOwner = :owner${release ? ' AND rev = :rev' : ''}`,
            ExpressionAttributeValues: {
              ':owner': owner,
              ':rev': rendered.rev,
              ':message': rendered.message,
              ':count': rendered.changeCount,
              ':headline': rendered.headline,
              ':notified': rendered.notifiedSeverity,
              ...(summary ? { ':summary': summary.value } : {}),
            },
          }),
        );
      };
      let outcome = await update(options.release === true);
      if (!outcome.written && outcome.item?.leaseOwner === owner) outcome = await update(false);
      if (!outcome.written) throw new LeaseLostError(alertId);
      return {
        alert: decode(alertItem, outcome.item, 'alert', alertId),
        released: options.release === true && outcome.item.leaseOwner === undefined,
      };
    },
    async markMessageGone(alertId, owner, atIso) {
      await updateAsHolder(alertId, owner, 'SET postAttemptAt = :at, messageRemovedAt = :at REMOVE message', {
        ':at': atIso,
      });
    },
    async markDue(alertId, rev, atIso, options = {}) {
      await table.send(
        'write',
        new PutCommand({
          TableName,
          Item: {
            ...keys.renderDue(alertId),
            alertId,
            rev,
            at: atIso,
            ...(options.notBefore === undefined ? {} : { notBefore: options.notBefore }),
            expiresAt: epochSeconds(atIso) + 30 * 86400,
          },
        }),
      );
    },
    async due(limit, nowIso) {
      // Marks not due yet (a finisher's safety net) are filtered out, so a page may hold fewer than `limit`:
      // read on until `limit` are found or the (small) partition ends.
      const marks: { alertId: string; rev: number }[] = [];
      let ExclusiveStartKey: Item | undefined;
      do {
        const output = await table.send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
          'read',
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk',
            FilterExpression: 'attribute_not_exists(notBefore) OR notBefore <= :now',
            ExpressionAttributeValues: { ':pk': keys.renderDuePk, ':now': nowIso },
            ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
          }),
        );
        for (const item of output.Items ?? []) {
          const { alertId, rev } = decode(renderDueItem, item, 'render-due mark');
          marks.push({ alertId, rev });
        }
        ExclusiveStartKey = output.LastEvaluatedKey;
      } while (ExclusiveStartKey && marks.length < limit);
      return marks.slice(0, limit);
    },
    async clearDue(alertId, renderedRev) {
      await table.writeIf(
        new DeleteCommand({
          TableName,
          Key: keys.renderDue(alertId),
          ConditionExpression: 'rev <= :rendered',
          ExpressionAttributeValues: { ':rendered': renderedRev },
        }),
      );
    },
  };
}
