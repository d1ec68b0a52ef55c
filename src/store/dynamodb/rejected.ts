import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../keys';
import type { RejectedInputRepository, RejectedSummary } from '../ports/rejected';
import { TABLE } from '../table';
import { decode, rejectedEntry } from './codec';
import { epochSeconds, type Item, type TableClient } from './table-client';

/** A rejected input's reason as the digest reads it from the index. */
const MAX_REJECTED_REASON = 500;
/** Rejected inputs expire after this many days: older days hold nothing to count. */
const REJECTED_TTL_DAYS = 30;
const { openByChannel } = TABLE.indexes;

/** The UTC days (YYYY-MM-DD) from one ISO time to another, both included, at most the rejected-input TTL. */
function daysBetween(fromIso: string, toIso: string): string[] {
  const last = Date.parse(`${toIso.slice(0, 10)}T00:00:00Z`);
  const first = Math.max(
    Date.parse(`${fromIso.slice(0, 10)}T00:00:00Z`),
    last - REJECTED_TTL_DAYS * 86400_000,
  );
  const days: string[] = [];
  for (let at = first; at <= last; at += 86400_000) days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

/** REJECTED#<day> / <id>: an input that can never become a change, with its reason, in the index by day. */
export function dynamoDbRejected(table: TableClient): RejectedInputRepository {
  const { TableName } = table;
  return {
    async save(input) {
      await table.send(
        'write',
        new PutCommand({
          TableName,
          Item: {
            ...keys.rejected(input.at, input.id),
            ...input,
            // In the sparse index by day, the reason as its projected `headline`: the digest reads both there.
            [openByChannel.partitionKey]: keys.rejectedPk(input.at.slice(0, 10)),
            [openByChannel.sortKey]: keys.timeSk(input.at, input.id),
            headline: input.reason.slice(0, MAX_REJECTED_REASON),
            expiresAt: epochSeconds(input.at) + REJECTED_TTL_DAYS * 86400,
          },
        }),
      );
    },
    async between(fromIso, toIso, limit) {
      // Every day's count and first entries side by side (one round trip); the first `limit` are taken in
      // day order afterwards.
      const days = await Promise.all(
        daysBetween(fromIso, toIso).map(async (day) => {
          const range = { pk: keys.rejectedPk(day), from: fromIso, to: `${toIso}\uffff` };
          const [count, output] = await Promise.all([
            table.countInIndex(range),
            table.send<{ Items?: Item[] }>(
              'read',
              new QueryCommand({ TableName, ...table.openIndexRange(range), Limit: limit }),
            ),
          ]);
          return { count, items: output.Items ?? [] };
        }),
      );
      const summary: RejectedSummary = { count: 0, first: [] };
      for (const { count, items } of days) {
        summary.count += count;
        for (const item of items.slice(0, Math.max(0, limit - summary.first.length))) {
          const entry = decode(rejectedEntry, item, 'rejected input');
          // The index holds keys and projected attributes only: the time is the head of the sort key.
          summary.first.push({ id: entry.id, reason: entry.headline, at: entry.openSk.split('#')[0] ?? '' });
        }
      }
      return summary;
    },
  };
}
