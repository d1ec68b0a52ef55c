#!/usr/bin/env node
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { describeChange } from '../src/changes';
import { applyInputTransformer } from '../src/events/input-transformer';
import { matchesPattern } from '../src/events/pattern';
import {
  isWatchDefinition,
  parseCustomWatch,
  parseWatchFileText,
  transformerOfRuleFile,
  type WatchCatalog,
  WatchesFolderError,
} from '../src/watches';
import { loadCatalog } from '../src/watches/loader';
import { AppError } from './errors';
import { manifestFor } from './manifest';

const USAGE = `Usage: infrawatch <command> [options]

Commands:
  watches                           the watch catalog (built-in and custom), one line each
  match <pattern.json> <event.json> does the EventBridge pattern match the event? exit 0 yes, 1 no, 2 invalid input
                                    (pattern: a bare pattern, a watch file or describe-rule output)
  describe <event.json>             the change InfraWatch sees in a CloudTrail event, as JSON
  transform <rule.json> <event.json>  the payload an input transformer delivers (rule: a watch file,
                                    list-targets-by-rule output or {"inputPathsMap": …, "inputTemplate": …})
  manifest --url <request-url>      the Slack app manifest with your request URL filled in
  export [--since 30d] [--format csv|json] [--out file]
                                    every change of the alerts created since then, with who acknowledged it,
                                    when, the note, the actor's answer and the escalations (audit evidence;
                                    reads TABLE_NAME, and DYNAMODB_ENDPOINT for the local stack; streams)

Options:
  --watches <dir>   custom watches folder (default: $WATCHES_DIR, as for the app, or ./watches if present)
  --url <url>       the Slack request URL (manifest)
  --since <when>    export: 30d, 12h or a UTC date such as 2026-11-01 (default 30d)
  --format <f>      export: csv (default) or json
  --out <file>      export: write there instead of stdout
  -h, --help        this text`;

/** A failure the user can fix: printed as one line on stderr, exit code 2. */
class UsageError extends AppError {
  readonly code = 'Usage';
}

interface Io {
  out(text: string): void;
  err(text: string): void;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function readJson(file: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function watchesTable(catalog: WatchCatalog): string {
  const rows = catalog.watches.map((watch) => [
    watch.id,
    watch.aliases.join(', '),
    watch.file === undefined ? watch.description : `${watch.description} [${watch.file}]`,
  ]);
  const header = ['WATCH', 'ALIASES', 'WHAT IT WATCHES'];
  const widths = [0, 1].map((column) =>
    Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)),
  );
  return [header, ...rows]
    .map(
      (row) =>
        `${pad(row[0] ?? '', (widths[0] ?? 0) + 2)}${pad(row[1] ?? '', (widths[1] ?? 0) + 2)}${row[2] ?? ''}`,
    )
    .join('\n');
}

/** A watch or rule file, as pasted: one JSON value, or describe-rule and list-targets-by-rule output one after the other. */
function readRuleFile(file: string): unknown {
  return parseWatchFileText(readText(file), file);
}

/** The custom-watch folder: `--watches`, else WATCHES_DIR (the app's variable), else ./watches when it exists. */
function catalogOf(watches: string | undefined, env: NodeJS.ProcessEnv): WatchCatalog {
  const [watchesDir, source] =
    watches !== undefined
      ? [watches, '--watches']
      : env.WATCHES_DIR
        ? [env.WATCHES_DIR, 'WATCHES_DIR']
        : [existsSync('watches') ? 'watches' : undefined, 'default'];
  try {
    return loadCatalog(watchesDir === undefined ? {} : { watchesDir });
  } catch (error) {
    if (error instanceof WatchesFolderError) throw new UsageError(`${error.message} (${source})`);
    throw error;
  }
}

function parseOptions(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        watches: { type: 'string' },
        url: { type: 'string' },
        since: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // Node's message goes on about '--' for positionals; the first sentence is the useful part.
    const message = String((error as { message?: unknown }).message ?? error);
    throw new UsageError(`${message.split('. ')[0]}. Run 'infrawatch --help'.`);
  }
}

/** `infrawatch export`: streams the rows to `--out` or stdout; the count goes to stderr. */
async function runExport(
  values: { since?: string | undefined; format?: string | undefined; out?: string | undefined },
  io: Io,
  env: NodeJS.ProcessEnv,
  stdout: Writable,
): Promise<number> {
  // The AWS SDK is loaded only by the command that talks to the table.
  const { exportStoreFromEnv, parseFormat, parseSince, writeExport } = await import('./export/run-export');
  const now = new Date();
  const range = { fromIso: parseSince(values.since ?? '30d', now), toIso: now.toISOString() };
  const format = parseFormat(values.format);
  const { store, close } = exportStoreFromEnv(env);
  try {
    const out = values.out === undefined ? stdout : createWriteStream(values.out);
    const rows = await writeExport(store, range, format, out);
    io.err(`infrawatch: exported ${rows.toLocaleString('en-US')} changes since ${range.fromIso}`);
    return 0;
  } finally {
    close();
  }
}

/** Errors raised on bad input are classes with a `code`: one line, exit 2. Anything else is a bug (exit 70). */
function failure(error: unknown, io: Io, env: NodeJS.ProcessEnv): number {
  // Still reported on one line (INFRAWATCH_DEBUG=1 prints the stack).
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && 'code' in error) {
    io.err(`infrawatch: ${message}`);
    return 2;
  }
  io.err(`infrawatch: unexpected error: ${message}`);
  if (env.INFRAWATCH_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
  return 70;
}

/**
 * Runs the CLI; returns the exit code (a promise for `export`, which streams). Exported for tests; `stdout` is
 * where `export` writes without `--out`.
 */
export function runCli(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
  stdout: Writable = process.stdout,
): number | Promise<number> {
  try {
    const { positionals, values } = parseOptions(argv);
    const [command, ...args] = positionals;
    if (values.help || command === undefined || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    const expect = (count: number, shape: string): string[] => {
      if (args.length !== count) throw new UsageError(`usage: infrawatch ${command} ${shape}`);
      return args;
    };

    switch (command) {
      case 'watches':
        expect(0, '');
        io.out(watchesTable(catalogOf(values.watches, env)));
        return 0;
      case 'match': {
        const [patternFile = '', eventFile = ''] = expect(2, '<pattern.json> <event.json>');
        const eventText = readText(eventFile);
        const rule = readRuleFile(patternFile);
        // A bare pattern is matched from its raw text: EventBridge judges number literals (300.0, 3.0e2) and
        // duplicate keys as written. A watch file is read the way the app reads it.
        const matched = isWatchDefinition(rule)
          ? matchesPattern(parseCustomWatch(rule, patternFile).pattern, eventText)
          : matchesPattern(readText(patternFile), eventText);
        io.out(matched ? 'match' : 'no match');
        return matched ? 0 : 1;
      }
      case 'describe': {
        const [eventFile = ''] = expect(1, '<event.json>');
        const change = describeChange(readJson(eventFile), catalogOf(values.watches, env));
        io.out(JSON.stringify(change, null, 2));
        return 0;
      }
      case 'transform': {
        const [ruleFile = '', eventFile = ''] = expect(2, '<rule.json> <event.json>');
        const transformer = transformerOfRuleFile(readRuleFile(ruleFile), ruleFile);
        if (transformer === undefined) throw new UsageError(`${ruleFile} has no input transformer`);
        io.out(applyInputTransformer(transformer, readJson(eventFile)));
        return 0;
      }
      case 'manifest': {
        expect(0, '--url <request-url>');
        if (values.url === undefined) throw new UsageError('usage: infrawatch manifest --url <request-url>');
        io.out(JSON.stringify(manifestFor(values.url), null, 2));
        return 0;
      }
      case 'export':
        expect(0, '[--since 30d] [--format csv|json] [--out file]');
        return runExport(values, io, env, stdout).catch((error: unknown) => failure(error, io, env));
      default:
        throw new UsageError(`unknown command '${command}'. Run 'infrawatch --help'.`);
    }
  } catch (error) {
    return failure(error, io, env);
  }
}

if (require.main === module) {
  void Promise.resolve(
    runCli(process.argv.slice(2), {
      out: (text) => process.stdout.write(`${text}\n`),
      err: (text) => process.stderr.write(`${text}\n`),
    }),
  ).then((code) => {
    process.exitCode = code;
  });
}
