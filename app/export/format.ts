import type { EscalationTarget } from '../../src/model/escalation-policy';
import type { ExportRow } from '../../src/use-cases/review';

/*
 * `infrawatch export` output. CSV is RFC 4180 (comma, CRLF, fields quoted when they hold a quote, a comma, a
 * line break or edge spaces, quotes doubled) with one addition for audit files opened in a spreadsheet: a
 * field starting with =, +, -, @, tab or CR is prefixed with a single quote, so a change summary written by
 * whoever made the change ("=HYPERLINK(…)") is never evaluated as a formula. Hand-written rather than a
 * library (csv-stringify would do): the rules are the dozen lines below, each pinned by a test, and the
 * streaming is Node's own (the rows come from an async generator).
 *
 * JSON is one array, written element by element (one object per line), so it streams like the CSV.
 */

export type ExportFormat = 'csv' | 'json';

/** The CSV columns, in order. */
export const CSV_COLUMNS = [
  'change_id',
  'time',
  'event_name',
  'severity',
  'summary',
  'account',
  'region',
  'actor',
  'watch',
  'channel',
  'alert_id',
  'alert_created_at',
  'recovered_from_cloudtrail',
  'acknowledged_by',
  'acknowledged_by_id',
  'acknowledged_at',
  'note',
  'actor_answer',
  'actor_answered_by',
  'actor_answered_at',
  'escalations',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV field: formula-safe, quoted when RFC 4180 needs it. */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV record, CRLF-terminated. */
export function csvRecord(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

function targetText(target: EscalationTarget): string {
  switch (target.kind) {
    case 'here':
      return '@here';
    case 'user':
      return `user ${target.id}`;
    case 'usergroup':
      return `user group ${target.id}`;
    case 'channel':
      return `channel ${target.id}`;
  }
}

/** `1 @here 2026-11-27T10:15:00.000Z; 2 user group S01 2026-11-27T10:30:00.000Z`. */
function escalationsText(row: ExportRow): string {
  return row.escalations.map((step) => `${step.step} ${targetText(step.target)} ${step.at}`).join('; ');
}

function csvValues(row: ExportRow): string[] {
  return [
    row.changeId,
    row.time,
    row.eventName,
    row.severity,
    row.summary,
    row.account,
    row.region,
    row.actor,
    row.watch ?? '',
    row.channel,
    row.alertId,
    row.alertCreatedAt,
    row.recovered ? 'yes' : 'no',
    row.acknowledgedBy?.userName ?? '',
    row.acknowledgedBy?.userId ?? '',
    row.acknowledgedAt ?? '',
    row.note ?? '',
    row.actorAnswer === null ? '' : row.actorAnswer.answer === 'yes' ? 'yes, it was me' : 'no, not me',
    row.actorAnswer?.userName ?? '',
    row.actorAnswer?.at ?? '',
    escalationsText(row),
  ];
}

/** The export as text chunks (a header, then one chunk per row), for a stream writer. */
export async function* exportChunks(
  rows: AsyncIterable<ExportRow>,
  format: ExportFormat,
): AsyncGenerator<string> {
  if (format === 'csv') {
    yield csvRecord(CSV_COLUMNS);
    for await (const row of rows) yield csvRecord(csvValues(row));
    return;
  }
  let first = true;
  yield '[';
  for await (const row of rows) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}
