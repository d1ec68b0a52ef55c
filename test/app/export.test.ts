import { Writable } from 'node:stream';
import { runCli } from '../../app/cli';
import { CSV_COLUMNS, csvField, csvRecord, exportChunks } from '../../app/export/format';
import { writeExport } from '../../app/export/run-export';
import { type DynamoDbEngine, ensureTable, startEngine } from '../../app/local/dynamodb';
import type { ChangeLine } from '../../src/model/alert';
import { createDynamoDbStore } from '../../src/store/dynamodb';
import type { ReviewedAlert } from '../../src/store/ports';
import { type ExportRow, type ExportStore, exportRows } from '../../src/use-cases/review';
import { lineOf, makeChange } from '../helpers/changes';
import { markRendered } from '../helpers/stores';

/** A writable that keeps the text (small exports only). */
function textSink(): Writable & { text(): string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(sink, { text: () => chunks.join('') });
}

describe('CSV fields', () => {
  it('quotes what RFC 4180 needs quoted and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(' edge')).toBe('" edge"');
    expect(csvField('')).toBe('');
    expect(csvRecord(['a', 'b,c'])).toBe('a,"b,c"\r\n');
  });

  it('never lets a field start a spreadsheet formula', () => {
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('2026-11-27T10:00:00Z')).toBe('2026-11-27T10:00:00Z');
  });
});

const ALERTS = 1_000;
const LINES_PER_ALERT = 100;

/**
 * A store that makes up its alerts and lines as they are asked for and keeps none of them: whatever the export
 * holds at a time is the exporter's doing. `held()` is the rows handed out and not yet written.
 */
function generatedStore(): ExportStore & { produced: number } {
  const state = { produced: 0 };
  const alertAt = (n: number): ReviewedAlert => ({
    id: `alert-${n}`,
    channel: 'C1',
    watch: 'iam',
    actorKey: 'arn:aws:iam::123456789012:user/alice',
    account: '123456789012',
    createdAt: new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString(),
    rev: 2,
    renderedRev: 2,
    severity: 'warning',
    changeCount: LINES_PER_ALERT,
    headline: 'h',
    lineCount: LINES_PER_ALERT,
    acknowledgement: {
      userId: 'U1',
      userName: 'bob',
      at: '2026-12-01T00:00:00.000Z',
      note: 'seen, "planned"',
    },
  });
  const store = {
    review: {
      async *alerts() {
        for (let first = 0; first < ALERTS; first += 100)
          yield Array.from({ length: 100 }, (_, i) => alertAt(first + i));
      },
    },
    alerts: {
      async lines(alertId: string): Promise<ChangeLine[]> {
        state.produced += LINES_PER_ALERT;
        return Array.from({ length: LINES_PER_ALERT }, (_, i) => ({
          id: `${alertId}-change-${i}`,
          eventName: 'CreateAccessKey',
          severity: 'warning' as const,
          summary: `alice created access key ${i}, for bob, "rotation"`,
          time: '2026-11-01T00:00:00Z',
          region: 'us-east-1',
          resources: [],
        }));
      },
    },
  };
  return Object.defineProperty(store, 'produced', { get: () => state.produced }) as typeof store & {
    produced: number;
  };
}

describe('infrawatch export', () => {
  it('streams 100,000 changes holding at most a few hundred rows at a time', async () => {
    // Prepare: a sink that takes one chunk per tick (a slow disk or pipe), counting the rows it has written.
    const store = generatedStore();
    let written = -1; // the header
    let maxHeld = 0;
    let bytes = 0;
    const sink = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString().split('\r\n').length - 1;
        bytes += chunk.length;
        maxHeld = Math.max(maxHeld, store.produced - written);
        setImmediate(done);
      },
    });

    // Act
    const rows = await writeExport(
      store,
      { fromIso: '2026-11-01T00:00:00Z', toIso: '2026-12-01T00:00:00Z' },
      'csv',
      sink,
    );

    // Assess: every row written, and never more in memory than one alert's lines plus the streams' buffers.
    expect(rows).toBe(ALERTS * LINES_PER_ALERT);
    expect(written).toBe(ALERTS * LINES_PER_ALERT);
    expect(bytes).toBeGreaterThan(10_000_000);
    expect(maxHeld).toBeLessThanOrEqual(2 * LINES_PER_ALERT);
  }, 120_000);

  it('writes JSON as one array of rows', async () => {
    // Prepare
    const rows: ExportRow[] = [];
    for await (const row of exportRows(generatedStore(), { fromIso: '', toIso: '' })) {
      rows.push(row);
      if (rows.length === 3) break;
    }
    async function* three() {
      yield* rows;
    }
    let text = '';
    for await (const chunk of exportChunks(three(), 'json')) text += chunk;
    let empty = '';
    for await (const chunk of exportChunks((async function* () {})(), 'json')) empty += chunk;

    // Assess
    expect(JSON.parse(text)).toEqual(rows);
    expect(JSON.parse(empty)).toEqual([]);
  });

  describe('through the CLI against dynalite', () => {
    let engine: DynamoDbEngine;
    beforeAll(async () => {
      engine = await startEngine('dynalite');
    }, 60_000);
    afterAll(async () => {
      await engine.stop();
    });

    it('exports the table with Queries of the by-day index, never a Scan', async () => {
      // Prepare: two alerts today, one acknowledged with a note containing a comma and a quote.
      const client = engine.client();
      const commands: string[] = [];
      client.middlewareStack.add(
        (next, context) => (args) => {
          commands.push(String(context.commandName));
          return next(args);
        },
        { step: 'initialize' },
      );
      const tableName = 'infrawatch-export';
      await ensureTable(client, tableName);
      const store = createDynamoDbStore({ client, tableName });
      const now = new Date().toISOString();
      const seed = { watch: 'iam', actorKey: 'alice', account: '123456789012', createdAt: now };
      const change = makeChange({ summary: '=cmd|calc, "quoted"' });
      await store.alerts.append({ ...seed, id: 'A', channel: 'C1' }, [lineOf(change)]);
      await store.alerts.append({ ...seed, id: 'B', channel: 'C2' }, [
        lineOf(makeChange()),
        lineOf(makeChange()),
      ]);
      await markRendered(store, 'A', now);
      await store.alerts.acknowledge('A', { userId: 'U1', userName: 'bob', at: now, note: 'ok, "planned"' });
      commands.length = 0;

      // Act: the store, as the CLI builds it.
      const direct = textSink();
      await writeExport(store, { fromIso: '2026-01-01T00:00:00Z', toIso: now }, 'csv', direct);
      const viaCli = textSink();
      const err: string[] = [];
      const code = await runCli(
        ['export', '--since', '2d', '--format', 'csv'],
        { out: () => {}, err: (t) => err.push(t) },
        { TABLE_NAME: tableName, DYNAMODB_ENDPOINT: engine.endpoint },
        viaCli,
      );

      // Assess
      expect(commands).not.toContain('ScanCommand');
      // The by-day index (Query), the alerts of a page (BatchGetItem), each alert's lines (Query, GetItem).
      expect(commands).toContain('BatchGetItemCommand');
      for (const command of commands)
        expect(['QueryCommand', 'BatchGetItemCommand', 'GetItemCommand']).toContain(command);
      expect(code).toBe(0);
      expect(err).toEqual([expect.stringMatching(/^infrawatch: exported 3 changes since /)]);
      const lines = viaCli.text().split('\r\n');
      expect(lines[0]).toBe(CSV_COLUMNS.join(','));
      expect(lines).toHaveLength(5);
      const rowA = lines.find((line) => line.startsWith(change.id)) ?? '';
      expect(rowA).toContain(`"'=cmd|calc, ""quoted"""`);
      expect(rowA).toContain(',bob,U1,');
      expect(rowA).toContain('"ok, ""planned"""');
      expect(direct.text()).toBe(viaCli.text());
      client.destroy();
    });

    it('answers bad options and a missing table name with one line and exit 2', async () => {
      const run = async (argv: string[], env: NodeJS.ProcessEnv) => {
        const err: string[] = [];
        const code = await runCli(argv, { out: () => {}, err: (t) => err.push(t) }, env, textSink());
        return { code, err };
      };
      const env = { TABLE_NAME: 'infrawatch-export', DYNAMODB_ENDPOINT: engine.endpoint };
      expect(await run(['export', '--since', 'yesterday'], env)).toEqual({
        code: 2,
        err: [expect.stringMatching(/--since takes a duration like 30d or 12h/)],
      });
      expect(await run(['export', '--format', 'xml'], env)).toEqual({
        code: 2,
        err: ["infrawatch: --format is csv or json, not 'xml'"],
      });
      expect(await run(['export'], {})).toEqual({
        code: 2,
        err: [expect.stringMatching(/^infrawatch: TABLE_NAME is missing or invalid/)],
      });
    });
  });
});
