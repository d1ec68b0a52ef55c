/**
 * The event engine's cost per event, as ratios to JSON.parse of the same event text measured in the same run:
 * watch matching over the full catalog, and describeChange (which includes matching). Budget: matching +
 * description within 3x a JSON.parse. Also: matching must not grow with the number of watches that cannot
 * match (the catalog is indexed by event name).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeChange } from '../src/changes/describe';
import { builtInWatches, createCatalog, loadCatalog, type Watch, watchesFor } from '../src/watches';
import { formatRate, measure, type Report } from './measure';

const EVENTS = 100_000;
/** The repository root: benchmarks run bundled from dist/bench, so paths are taken from the working directory. */
const ROOT = process.cwd();

function corpusTexts(): string[] {
  const dir = join(ROOT, 'test', 'fixtures', 'cloudtrail');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json') && file !== 'index.json')
    .map((file) => readFileSync(join(dir, file), 'utf8'));
}

/** The corpus replicated to `count` events, each with its own eventID (as a real stream has). */
function replicate(texts: readonly string[], count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const text = texts[i % texts.length] ?? '{}';
    return text.replace(
      /"eventID":\s*"([^"]*)"/,
      (_, id: string) => `"eventID": "${id.slice(0, 24)}${String(i).padStart(12, '0')}"`,
    );
  });
}

/** Custom watches on event names the corpus never has: they should cost (almost) nothing. */
function unrelatedWatches(count: number): Watch[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `custom-${i}`,
    aliases: [],
    title: `Custom ${i}`,
    description: 'synthetic',
    pattern: { source: ['aws.example'], detail: { eventName: [`ExampleCall${i}`, `OtherCall${i}`] } },
  }));
}

export function runEngineBench(): Report {
  const texts = replicate(corpusTexts(), EVENTS);
  const events = texts.map((text) => JSON.parse(text) as unknown);
  const catalog = loadCatalog({ watchesDir: join(ROOT, 'watches', 'examples') });
  const bigCatalog = createCatalog([...catalog.watches, ...unrelatedWatches(500)]);
  let sink = 0;

  const parse = measure('JSON.parse (baseline)', EVENTS, () => {
    for (const text of texts) sink += JSON.parse(text) === null ? 0 : 1;
  });
  const match = measure(`watchesFor, ${catalog.watches.length} watches`, EVENTS, () => {
    for (const event of events) sink += watchesFor(event, catalog).length;
  });
  const matchBig = measure(`watchesFor, ${bigCatalog.watches.length} watches`, EVENTS, () => {
    for (const event of events) sink += watchesFor(event, bigCatalog).length;
  });
  const describe = measure('describeChange (incl. matching)', EVENTS, () => {
    for (const event of events) sink += describeChange(event, catalog).reasons.length;
  });
  const builtIn = builtInWatches.length;

  return {
    title: `Event engine: ${EVENTS.toLocaleString('en')} CloudTrail events (the ${texts.length === EVENTS ? 63 : '?'}-event corpus replicated)`,
    rows: [
      [parse.label, formatRate(parse), '1.00x'],
      [match.label, formatRate(match), `${(match.nsPerOp / parse.nsPerOp).toFixed(2)}x`],
      [matchBig.label, formatRate(matchBig), `${(matchBig.nsPerOp / parse.nsPerOp).toFixed(2)}x`],
      [describe.label, formatRate(describe), `${(describe.nsPerOp / parse.nsPerOp).toFixed(2)}x`],
    ],
    notes: [
      `matching + description together: ${(describe.nsPerOp / parse.nsPerOp).toFixed(2)}x JSON.parse (budget 3x)`,
      `adding 500 unrelated watches changes matching by ${(matchBig.nsPerOp / match.nsPerOp).toFixed(2)}x (${builtIn} built-in watches, indexed by eventName)`,
      `(checksum ${sink})`,
    ],
  };
}
