import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeLine } from '../../model/alert';
import { summaryLine } from '../../views/burst-summary';
import { keys } from '../keys';
import type {
  AcknowledgeResult,
  AlertRepository,
  AlertSeed,
  AlertWithLines,
  AppendOptions,
  AppendResult,
  OpenAlert,
} from '../ports/alerts';
import { PENDING_LINES_MAX, PENDING_RENDER_AT } from '../ports/alerts';
import { TABLE } from '../table';
import { alertItem, alertLineItem, alertMembership, decode, revision } from './codec';
import { updateReturningItem } from './conditional';
import { type Item, isConditionFailure, type TableClient } from './table-client';

const { openByChannel, byDay } = TABLE.indexes;
/** Reads of an alert's partition before its lines are taken as they are (see withLines). */
const READ_ATTEMPTS = 3;
/** Conditional writes an append makes before leaving the batch to a retry (each failure tells it more). */
const COMMIT_ATTEMPTS = 4;

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

  /**
   * The alert item and its line items share a partition: one consistent Query reads both. A line item whose
   * id is not in the alert's `lineIds` belongs to an append that has not committed (or never will). Line
   * items are written before their ids join the set, and the alert item sorts first, so every id in the set
   * has its line; should a concurrent append's ids be read without their lines all the same (Query is not a
   * snapshot), the partition is read again.
   */
  async function withLines(alertId: string): Promise<AlertWithLines | undefined> {
    for (let attempt = 1; ; attempt++) {
      const items = await table.queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.alert(alertId).pk },
        ConsistentRead: true,
      });
      const alertSk = keys.alert(alertId).sk;
      const item = items.find((candidate) => candidate.sk === alertSk);
      if (!item) return undefined;
      const { lineIds } = decode(alertMembership, item, 'alert', alertId);
      const lines = items
        .filter((candidate) => String(candidate.sk).startsWith(keys.alertLinesPrefix))
        .map((candidate) => decode(alertLineItem, candidate, 'alert line').line)
        .filter((line) => lineIds.has(line.id));
      if (lines.length === lineIds.size || attempt === READ_ATTEMPTS)
        return { alert: decode(alertItem, item, 'alert'), lines };
    }
  }

  /**
   * Joins `fresh` to the alert (creating it from `seed`) and moves its revision, on condition that it is not
   * acknowledged and holds none of these lines yet (a concurrent append of the same changes may have added
   * them since they were read). With `withPending`, the lines also join `pendingLines`, on condition that
   * there is room. @returns the new revision and how many lines are pending, or undefined when the condition
   * failed.
   */
  async function commit(
    seed: AlertSeed,
    fresh: readonly ChangeLine[],
    withPending: boolean,
  ): Promise<{ rev: number; pending: number } | undefined> {
    const severities = new Set(fresh.map((line) => line.severity));
    const ids = fresh.map((line, i) => [`:id${i}`, line.id] as const);
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
            '#dayPk = if_not_exists(#dayPk, :dayPk), #daySk = if_not_exists(#daySk, :daySk)',
            ...(severities.has('critical') ? ['sevCritical = :true'] : []),
            ...(severities.has('warning') ? ['sevWarning = :true'] : []),
            ...(withPending
              ? ['pendingLines = list_append(if_not_exists(pendingLines, :none), :pending)']
              : []),
          ].join(', ')} ADD rev :one, lineIds :ids`,
          ConditionExpression: [
            'attribute_not_exists(acknowledgement)',
            ...ids.map(([name]) => `NOT contains(lineIds, ${name})`),
            ...(withPending ? ['(attribute_not_exists(pendingLines) OR size(pendingLines) <= :room)'] : []),
          ].join(' AND '),
          ExpressionAttributeNames: {
            '#watch': 'watch',
            '#openPk': openByChannel.partitionKey,
            '#openSk': openByChannel.sortKey,
            '#dayPk': byDay.partitionKey,
            '#daySk': byDay.sortKey,
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
            ':dayPk': keys.alertDayPk(seed.createdAt),
            ':daySk': keys.timeSk(seed.createdAt, seed.id),
            ':one': 1,
            ':ids': new Set(fresh.map((line) => line.id)),
            ...Object.fromEntries(ids),
            ...(severities.has('critical') || severities.has('warning') ? { ':true': true } : {}),
            ...(withPending
              ? { ':none': [], ':pending': fresh.map(summaryLine), ':room': PENDING_LINES_MAX - fresh.length }
              : {}),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const updated = output.Attributes ?? {};
      const pending = Array.isArray(updated.pendingLines) ? updated.pendingLines.length : 0;
      return { rev: decode(revision, updated, 'alert', seed.id).rev, pending };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return undefined;
    }
  }

  const writeLines = (alertId: string, lines: readonly ChangeLine[]) =>
    table.putAll(lines.map((line) => ({ ...keys.alertLine(alertId, line.id), line })));

  return {
    stageLines: writeLines,
    async append(
      seed: AlertSeed,
      lines: readonly ChangeLine[],
      options: AppendOptions = {},
    ): Promise<AppendResult> {
      // Membership is the alert's `lineIds` set, changed only together with its revision and only while it is
      // unacknowledged: one conditional UpdateItem, atomic without transactions (dynalite has none). Line
      // items carry the summaries and are written first, so every id a renderer sees in the set has its line.
      let current = options.unseen ? undefined : await membersOf(seed.id);
      let fresh = lines.filter((line) => !current?.lineIds.has(line.id));
      if (current && fresh.length === 0) {
        return current.acknowledgement
          ? { status: 'acknowledged', returned: [] }
          : { status: 'appended', rev: current.rev };
      }
      if (!options.staged) await writeLines(seed.id, fresh);
      for (let attempt = 1; ; attempt++) {
        const withPending = (current?.pending ?? 0) + fresh.length <= PENDING_LINES_MAX;
        const committed = await commit(seed, fresh, withPending);
        if (committed !== undefined) {
          const renderSoon = !withPending || committed.pending >= PENDING_RENDER_AT;
          return { status: 'appended', rev: committed.rev, ...(renderSoon ? { renderSoon } : {}) };
        }
        // The condition failed: acknowledged meanwhile, some of these lines joined by a concurrent append of
        // the same changes, or no more room in `pendingLines`. The item tells which.
        current = await membersOf(seed.id);
        if (current?.acknowledgement) break;
        fresh = fresh.filter((line) => !current?.lineIds.has(line.id));
        if (current && fresh.length === 0) return { status: 'appended', rev: current.rev };
        if (attempt === COMMIT_ATTEMPTS) throw new Error(`alert ${seed.id} kept changing; retry later`);
      }
      // Acknowledged meanwhile: what the set held before stays covered; the rest goes to a new alert.
      const covered = current.lineIds;
      const returned = fresh.filter((line) => !covered.has(line.id)).map((line) => line.id);
      for (const id of returned)
        await table.send('write', new DeleteCommand({ TableName, Key: keys.alertLine(seed.id, id) }));
      return { status: 'acknowledged', returned };
    },
    async get(alertId) {
      const item = await table.get(keys.alert(alertId));
      return item ? decode(alertItem, item, 'alert') : undefined;
    },
    async lines(alertId) {
      return (await withLines(alertId))?.lines ?? [];
    },
    getWithLines: withLines,

    async acknowledge(alertId, acknowledgement, options = {}): Promise<AcknowledgeResult> {
      const { channel, shownRev } = options;
      const outcome = await updateReturningItem(
        table,
        new UpdateCommand({
          TableName,
          Key: keys.alert(alertId),
          UpdateExpression: 'SET acknowledgement = :ack ADD rev :one REMOVE #openPk, #openSk, investigation',
          // Only what the message shows can be acknowledged: a revision not rendered yet (new changes, an
          // unposted alert) refuses the click instead of covering changes nobody saw. The click's channel is
          // part of the same condition, so a refused click learns everything from the item it returns; so is
          // the revision the clicked message showed (a render may have landed after the person looked).
          ConditionExpression: [
            'attribute_exists(pk) AND attribute_not_exists(acknowledgement) AND renderedRev = rev',
            ...(channel === undefined ? [] : ['channel = :channel']),
            ...(shownRev === undefined ? [] : ['rev = :shown']),
          ].join(' AND '),
          ExpressionAttributeNames: {
            '#openPk': openByChannel.partitionKey,
            '#openSk': openByChannel.sortKey,
          },
          ExpressionAttributeValues: {
            ':ack': acknowledgement,
            ':one': 1,
            ...(channel === undefined ? {} : { ':channel': channel }),
            ...(shownRev === undefined ? {} : { ':shown': shownRev }),
          },
        }),
      );
      if (!outcome.item) return { status: 'not-found' };
      const alert = decode(alertItem, outcome.item, 'alert', alertId);
      if (outcome.written) {
        const { lineIds } = decode(alertMembership, outcome.item, 'alert', alertId);
        return { status: 'acknowledged', alert, lineIds: [...lineIds] };
      }
      if (channel !== undefined && alert.channel !== channel) return { status: 'not-found' };
      return alert.acknowledgement
        ? { status: 'already-acknowledged', acknowledgement: alert.acknowledgement }
        : { status: 'changed', alert };
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
