import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { createDynamoDbStore } from '../../src/store/dynamodb';
import { type ExportStore, exportRows } from '../../src/use-cases/review';
import { awsClientConfig } from '../aws/clients';
import { AppError } from '../errors';
import { type ExportFormat, exportChunks } from './format';

/** Bad `export` options or environment: one line on stderr, exit 2. */
export class ExportUsageError extends AppError {
  readonly code = 'ExportUsage';
}

/** `--since` at most this far back (the table keeps alerts that long and more; an audit asks for a quarter). */
const MAX_SINCE_DAYS = 400;

/** `30d`, `12h`, or an ISO date/time: the start of the export. */
export function parseSince(text: string, now: Date): string {
  const relative = /^(\d{1,4})([dh])$/.exec(text.trim().toLowerCase());
  if (relative) {
    const amount = Number(relative[1]);
    const ms = amount * (relative[2] === 'd' ? 24 : 1) * 3600_000;
    if (amount === 0 || ms > MAX_SINCE_DAYS * 24 * 3600_000)
      throw new ExportUsageError(`--since must be between 1h and ${MAX_SINCE_DAYS}d, not '${text}'`);
    return new Date(now.getTime() - ms).toISOString();
  }
  const absolute = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(text.trim()) ? Date.parse(text.trim()) : Number.NaN;
  if (Number.isNaN(absolute) || absolute > now.getTime())
    throw new ExportUsageError(
      `--since takes a duration like 30d or 12h, or a past UTC date like 2026-11-01, not '${text}'`,
    );
  return new Date(absolute).toISOString();
}

export function parseFormat(text: string | undefined): ExportFormat {
  const format = (text ?? 'csv').toLowerCase();
  if (format === 'csv' || format === 'json') return format;
  throw new ExportUsageError(`--format is csv or json, not '${text}'`);
}

const exportEnv = z.object({
  TABLE_NAME: z.string().min(3).max(255),
  DYNAMODB_ENDPOINT: z.url().optional(),
});

/** The store the deployed functions use, from TABLE_NAME (and DYNAMODB_ENDPOINT for the local stack). */
export function exportStoreFromEnv(env: NodeJS.ProcessEnv): { store: ExportStore; close(): void } {
  const parsed = exportEnv.safeParse(env);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') ?? 'environment';
    throw new ExportUsageError(
      `${field} is missing or invalid: set TABLE_NAME to the InfraWatch table (and DYNAMODB_ENDPOINT for the local stack, e.g. http://127.0.0.1:8000)`,
    );
  }
  const client = new DynamoDBClient(awsClientConfig(parsed.data.DYNAMODB_ENDPOINT));
  return {
    store: createDynamoDbStore({ client, tableName: parsed.data.TABLE_NAME }),
    close: () => client.destroy(),
  };
}

/**
 * Streams every change of the alerts created from `fromIso` to `toIso` into `out`: rows are pulled from the
 * store page by page only as fast as `out` takes them (stream back-pressure), so memory stays at one page of
 * alerts and one alert's lines whatever the export's size. @returns the number of rows written.
 */
export async function writeExport(
  store: ExportStore,
  range: { fromIso: string; toIso: string },
  format: ExportFormat,
  out: Writable,
): Promise<number> {
  let rows = 0;
  async function* counted() {
    for await (const row of exportRows(store, range)) {
      rows += 1;
      yield row;
    }
  }
  await pipeline(Readable.from(exportChunks(counted(), format)), out, { end: out !== process.stdout });
  return rows;
}
