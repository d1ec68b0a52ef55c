/**
 * The event engine's cost per event, as ratios to JSON.parse of the same event text measured in the same run:
 * watch matching over the full catalog, and describeChange (which includes matching). Budget: matching +
 * description within 3x a JSON.parse. Also: matching must not grow with the number of watches that cannot
 * match (the catalog is indexed by event name).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeChange } from '../src/changes/describe';
import { builtInWatches, createCatalog, type Watch, watchesFor } from '../src/watches';
import { loadCatalog } from '../src/watches/loader';
import { type BenchContext, ROOT } from './harness';
import type { Report } from './measure';
import { type Figure, formatNumber, ratioFigure } from './report';

const EVENTS = 50_000;

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

/** Nanoseconds per event of one pass of `body` over `count` events. */
function timePass(count: number, body: () => void): number {
  const start = process.hrtime.bigint();
  body();
  return Number(process.hrtime.bigint() - start) / count;
}

export function runEngineBench(context: BenchContext): Report {
  const count = context.quick ? 20_000 : EVENTS;
  const rounds = context.quick ? 5 : 7;
  const texts = replicate(corpusTexts(), count);
  const events = texts.map((text) => JSON.parse(text) as unknown);
  const catalog = loadCatalog({ watchesDir: join(ROOT, 'watches', 'examples') });
  const bigCatalog = createCatalog([...catalog.watches, ...unrelatedWatches(500)]);
  let sink = 0;
  const passes = {
    parse: () => {
      for (const text of texts) sink += JSON.parse(text) === null ? 0 : 1;
    },
    match: () => {
      for (const event of events) sink += watchesFor(event, catalog).length;
    },
    matchBig: () => {
      for (const event of events) sink += watchesFor(event, bigCatalog).length;
    },
    describe: () => {
      for (const event of events) sink += describeChange(event, catalog).reasons.length;
    },
  };
  type Pass = keyof typeof passes;
  const order: Pass[] = ['parse', 'match', 'matchBig', 'describe'];
  // Two warm-up passes each: the JIT has compiled every path before the first measured round.
  for (let i = 0; i < 2; i++) for (const pass of order) passes[pass]();
  // Interleaved rounds, the order rotated each round: no case gains from running first or last.
  const times: Record<Pass, number[]> = { parse: [], match: [], matchBig: [], describe: [] };
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < order.length; i++) {
      const pass = order[(i + round) % order.length] as Pass;
      times[pass].push(timePass(count, passes[pass]));
    }
  }
  const against = (pass: Pass, baseline: Pass) =>
    times[pass].map((value, round) => ({ value, baseline: times[baseline][round] ?? Number.NaN }));
  const small = catalog.watches.length;
  const big = bigCatalog.watches.length;
  const figures: Figure[] = [
    ratioFigure(
      {
        name: 'engine.match.ratio',
        label: `watchesFor, ${small} watches, vs JSON.parse of the event`,
        unit: 'ns/event',
      },
      against('match', 'parse'),
    ),
    ratioFigure(
      {
        name: 'engine.match511.ratio',
        label: `watchesFor, ${big} watches, vs JSON.parse of the event`,
        unit: 'ns/event',
      },
      against('matchBig', 'parse'),
    ),
    ratioFigure(
      {
        name: 'engine.watches.growth',
        label: `watchesFor with ${big} watches vs ${small} (500 that cannot match; indexed by eventName)`,
        unit: 'ns/event',
        note: 'no target was set: the catalog is indexed by eventName, so the ratio should stay near 1',
      },
      against('matchBig', 'match'),
    ),
    ratioFigure(
      {
        name: 'engine.describe.ratio',
        label: 'describeChange (incl. matching) vs JSON.parse of the event',
        unit: 'ns/event',
        target: 'ratio <= 3',
        headline: true,
      },
      against('describe', 'parse'),
    ),
  ];
  return {
    title: `Event engine: ${count.toLocaleString('en')} CloudTrail events (the corpus replicated), ${rounds} interleaved rounds`,
    rows: [
      ['figure', 'per event', 'ratio (median)', 'spread (min–max)'],
      ...figures.map((f) => [
        f.label,
        `${formatNumber(f.value)} ns`,
        `${formatNumber(f.ratio ?? Number.NaN)}x`,
        f.spread ? `${formatNumber(f.spread.min)}–${formatNumber(f.spread.max)}x` : '',
      ]),
    ],
    notes: [`${builtInWatches.length} built-in watches (checksum ${sink})`],
    figures,
  };
}
