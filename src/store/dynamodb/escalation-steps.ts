import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { LeaseLostError } from '../errors';
import { keys } from '../keys';
import type {
  AlertEscalationState,
  DueEscalationStep,
  EscalationStepRepository,
} from '../ports/escalation-steps';
import { decode } from './codec';

type Item = Record<string, unknown>;

const dueItem = z.object({ alertId: z.string(), dueAt: z.string() });
const attemptBefore = z.object({ escAttemptAt: z.string().optional() });

/** The part of the table client this adapter needs. */
export interface EscalationTable {
  TableName: string;
  send<T>(kind: 'read' | 'write', command: { input: object }): Promise<T>;
  get(key: Item, consistent?: boolean): Promise<Item | undefined>;
  writeIf(command: { input: object }): Promise<boolean>;
}

/**
 * Escalation state on the alert item (ALERT#<alertId> / ALERT: `escNext`, `escDueAt`, `escAttemptAt`,
 * `escSent`, outside the open index's projection so a step costs no index write) and due entries
 * (ESCDUE / <dueAt>#<alertId>).
 *
 * One partition holds every due entry. Only alerts that reach a channel's escalation severity get one (a
 * few per hour in a busy organisation, critical by default), each written and deleted at most three times,
 * and the sweep reads it once a minute: far below a partition's 1,000 writes and 3,000 reads per second, so
 * it is not sharded (sharding by minute would make every sweep read one Query per minute since the oldest
 * overdue step instead of one).
 */
export function dynamoDbEscalationSteps(table: EscalationTable): EscalationStepRepository {
  const { TableName } = table;

  const putDue = (alertId: string, dueAt: string) =>
    table.send(
      'write',
      new PutCommand({ TableName, Item: { ...keys.escalationDue(dueAt, alertId), alertId, dueAt } }),
    );
  const deleteDue = ({ alertId, dueAt }: DueEscalationStep) =>
    table.send('write', new DeleteCommand({ TableName, Key: keys.escalationDue(dueAt, alertId) }));

  const repository: EscalationStepRepository = {
    async schedule(alertId, dueAt) {
      let state: AlertEscalationState | undefined;
      try {
        const output = await table.send<{ Attributes?: Item }>(
          'write',
          new UpdateCommand({
            TableName,
            Key: keys.alert(alertId),
            UpdateExpression:
              'SET escNext = if_not_exists(escNext, :one), escDueAt = if_not_exists(escDueAt, :due)',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(acknowledgement)',
            ExpressionAttributeValues: { ':one': 1, ':due': dueAt },
            ReturnValues: 'ALL_NEW',
          }),
        );
        state = escalationStateOf(output.Attributes ?? {});
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
        throw error;
      }
      if (state?.nextStep !== 1 || state.sent.length > 0) return state;
      // Same key on every retry (the due time that stands), so a repeated schedule rewrites one entry.
      await putDue(alertId, state.dueAt);
      return state;
    },

    async expedite(alertId, dueAt) {
      const current = await table.get(keys.alert(alertId));
      if (!current) return undefined;
      const state = escalationStateOf(current);
      if (!state) return await repository.schedule(alertId, dueAt);
      if (state.nextStep !== 1 || state.sent.length > 0 || state.attemptAt || state.dueAt <= dueAt)
        return state;
      // Conditional on the state just read: a sweep claiming step 1 meanwhile (escAttemptAt) keeps its schedule.
      const moved = await table.writeIf(
        new UpdateCommand({
          TableName,
          Key: keys.alert(alertId),
          UpdateExpression: 'SET escDueAt = :due',
          ConditionExpression:
            'escNext = :one AND escDueAt = :old AND attribute_not_exists(escAttemptAt) AND attribute_not_exists(acknowledgement)',
          ExpressionAttributeValues: { ':one': 1, ':old': state.dueAt, ':due': dueAt },
        }),
      );
      if (!moved) return escalationStateOf((await table.get(keys.alert(alertId))) ?? {});
      // New entry first, old one last: a crash in between leaves an entry the sweep finds stale.
      await putDue(alertId, dueAt);
      await deleteDue({ alertId, dueAt: state.dueAt });
      return { ...state, dueAt };
    },
    async due(nowIso, limit) {
      const output = await table.send<{ Items?: Item[] }>(
        'read',
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk AND sk <= :bound',
          ExpressionAttributeValues: { ':pk': keys.escalationDuePk, ':bound': `${nowIso}#\uffff` },
          ConsistentRead: true,
          Limit: limit,
        }),
      );
      return (output.Items ?? []).map((item) => {
        const { alertId, dueAt } = decode(dueItem, item, 'escalation due entry');
        return { alertId, dueAt };
      });
    },

    async claim(alertId, owner, step, atIso) {
      try {
        const output = await table.send<{ Attributes?: Item }>(
          'write',
          new UpdateCommand({
            TableName,
            Key: keys.alert(alertId),
            UpdateExpression: 'SET escAttemptAt = if_not_exists(escAttemptAt, :at)',
            ConditionExpression:
              'leaseOwner = :owner AND attribute_not_exists(acknowledgement) AND escNext = :step',
            ExpressionAttributeValues: { ':owner': owner, ':step': step, ':at': atIso },
            ReturnValues: 'UPDATED_OLD',
          }),
        );
        const earlier = decode(
          attemptBefore,
          output.Attributes ?? {},
          'escalation attempt',
          alertId,
        ).escAttemptAt;
        return earlier === undefined
          ? { status: 'claimed' }
          : { status: 'claimed', earlierAttemptAt: earlier };
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      }
      const alert = await table.get(keys.alert(alertId));
      if (alert && alert.leaseOwner !== owner) throw new LeaseLostError(alertId);
      return { status: 'stale' };
    },

    async recordSent(alertId, owner, sent, next) {
      let old: Item | undefined;
      try {
        const output = await table.send<{ Attributes?: Item }>(
          'write',
          new UpdateCommand({
            TableName,
            Key: keys.alert(alertId),
            UpdateExpression: `SET escSent = list_append(if_not_exists(escSent, :none), :sent), escNext = :next${next ? ', escDueAt = :due' : ''} REMOVE escAttemptAt ADD rev :one`,
            ConditionExpression: 'leaseOwner = :owner AND escNext = :step',
            ExpressionAttributeValues: {
              ':owner': owner,
              ':step': sent.step,
              ':next': sent.step + 1,
              ':none': [],
              ':sent': [sent],
              ':one': 1,
              ...(next ? { ':due': next.dueAt } : {}),
            },
            ReturnValues: 'ALL_OLD',
          }),
        );
        old = output.Attributes;
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException')
          throw new LeaseLostError(alertId);
        throw error;
      }
      if (next) await putDue(alertId, next.dueAt);
      if (typeof old?.escDueAt === 'string') await deleteDue({ alertId, dueAt: old.escDueAt });
    },

    async stop(alertId) {
      let old: Item | undefined;
      try {
        const output = await table.send<{ Attributes?: Item }>(
          'write',
          new UpdateCommand({
            TableName,
            Key: keys.alert(alertId),
            UpdateExpression: 'SET escNext = :never',
            ConditionExpression: 'attribute_exists(escNext)',
            ExpressionAttributeValues: { ':never': Number.MAX_SAFE_INTEGER },
            ReturnValues: 'ALL_OLD',
          }),
        );
        old = output.Attributes;
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return;
        throw error;
      }
      if (typeof old?.escDueAt === 'string') await deleteDue({ alertId, dueAt: old.escDueAt });
    },

    deleteDue: async (entry) => {
      await deleteDue(entry);
    },
  };
  return repository;
}

/** The escalation state of an alert item, if steps were ever scheduled for it. */
export function escalationStateOf(item: Item): AlertEscalationState | undefined {
  if (typeof item.escNext !== 'number' || typeof item.escDueAt !== 'string') return undefined;
  return {
    nextStep: item.escNext,
    dueAt: item.escDueAt,
    ...(typeof item.escAttemptAt === 'string' ? { attemptAt: item.escAttemptAt } : {}),
    sent: Array.isArray(item.escSent) ? (item.escSent as AlertEscalationState['sent']) : [],
  };
}
