import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../keys';
import {
  REVIEW_PAGE_SIZE,
  type ReviewedAlert,
  type ReviewRepository,
  type StatsAlert,
} from '../ports/review';
import { TABLE } from '../table';
import { alertItem, alertMembership, decode, statsAlertEntry } from './codec';
import type { Item, TableClient } from './table-client';

const { byDay, byChannel } = TABLE.indexes;
const DAY_MS = 24 * 3600_000;

/** The UTC days (YYYY-MM-DD) from the one of `fromIso` to the one of `toIso`, both included. */
export function daysFromTo(fromIso: string, toIso: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${toIso.slice(0, 10)}T00:00:00Z`);
  for (let t = Date.parse(`${fromIso.slice(0, 10)}T00:00:00Z`); t <= end; t += DAY_MS)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/**
 * Alerts by creation day: one Query per page of a day's partition of the by-day index (keys and channel
 * only, `Limit` = page size), then one BatchGetItem for the alerts of the page, put back in index order.
 */
export function dynamoDbReview(table: TableClient): ReviewRepository {
  const { TableName } = table;
  async function* alerts(
    range: Parameters<ReviewRepository['alerts']>[0],
    pageSize = REVIEW_PAGE_SIZE,
  ): AsyncGenerator<ReviewedAlert[]> {
    const limit = Math.min(pageSize, REVIEW_PAGE_SIZE);
    for (const day of daysFromTo(range.fromIso, range.toIso)) {
      let ExclusiveStartKey: Item | undefined;
      do {
        const output = await table.send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
          'read',
          new QueryCommand({
            TableName,
            IndexName: byDay.name,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
            ExpressionAttributeNames: {
              '#pk': byDay.partitionKey,
              '#sk': byDay.sortKey,
              ...(range.channel === undefined ? {} : { '#channel': 'channel' }),
            },
            ExpressionAttributeValues: {
              ':pk': keys.alertDayPk(`${day}T00:00:00Z`),
              ':from': range.fromIso,
              ':to': `${range.toIso}\uffff`,
              ...(range.channel === undefined ? {} : { ':channel': range.channel }),
            },
            ...(range.channel === undefined ? {} : { FilterExpression: '#channel = :channel' }),
            Limit: limit,
            ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
          }),
        );
        ExclusiveStartKey = output.LastEvaluatedKey;
        const entries = output.Items ?? [];
        if (entries.length === 0) continue;
        const found = await table.getAll(entries.map((entry) => ({ pk: entry.pk, sk: entry.sk })));
        const byKey = new Map(found.map((item) => [String(item.pk), item]));
        const page: ReviewedAlert[] = [];
        for (const entry of entries) {
          const item = byKey.get(String(entry.pk));
          if (item === undefined) continue;
          const alert = decode(alertItem, item, 'alert');
          page.push({ ...alert, lineCount: decode(alertMembership, item, 'alert').lineIds.size });
        }
        if (page.length > 0) yield page;
      } while (ExclusiveStartKey);
    }
  }

  /** One Query page (up to 1 MB of entries) of the channel's partition of the by-channel index at a time. */
  async function* statsAlerts(
    range: Parameters<ReviewRepository['statsAlerts']>[0],
  ): AsyncGenerator<StatsAlert[]> {
    let ExclusiveStartKey: Item | undefined;
    do {
      const output = await table.send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
        'read',
        new QueryCommand({
          TableName,
          IndexName: byChannel.name,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': byChannel.partitionKey, '#sk': byChannel.sortKey },
          ExpressionAttributeValues: {
            ':pk': range.channel,
            ':from': range.fromIso,
            ':to': `${range.toIso}\uffff`,
          },
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );
      ExclusiveStartKey = output.LastEvaluatedKey;
      const page = (output.Items ?? []).map((item) => decode(statsAlertEntry, item, 'alert stats entry'));
      if (page.length > 0) yield page;
    } while (ExclusiveStartKey);
  }

  return { alerts, statsAlerts };
}
