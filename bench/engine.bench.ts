/**
 * The event engine's cost per event, as ratios to JSON.parse of the same event text measured in the same run:
 * watch matching over the full catalog, operator-heavy custom patterns, and describeChange (which includes
 * matching). Budget: matching + description within 3x a JSON.parse. Also: matching must not grow with the
 * number of watches that cannot match (the catalog is indexed by event name).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeChange } from '../src/changes/describe';
import { compilePattern } from '../src/events/pattern';
import { builtInWatches, createCatalog, type Watch, watchesFor } from '../src/watches';
import { loadCatalog } from '../src/watches/loader';
import { type BenchContext, ROOT } from './harness';
import { figureReport, type Report } from './measure';
import { type Figure, ratioFigure } from './report';

/**
 * Many short rounds rather than a few long ones: a round's ratio compares passes run back to back, and the
 * median over many rounds shrugs off the rounds another process on the shared machine interrupted.
 */
const SIZE = { full: { events: 10_000, rounds: 30 }, quick: { events: 5_000, rounds: 12 } };

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

/** Custom watches use the operators the catalog does not: each must stay cheap beside parsing the event. */
const OPERATOR_PATTERNS = [
  {
    source: ['aws.ec2'],
    detail: {
      eventName: [{ prefix: 'AuthorizeSecurityGroup' }],
      requestParameters: {
        ipPermissions: {
          items: { ipRanges: { items: { cidrIp: ['0.0.0.0/0'] } }, fromPort: [{ numeric: ['<=', 22] }] },
        },
      },
    },
  },
  { detail: { userIdentity: { type: ['Root'] }, errorCode: [{ exists: false }] } },
  { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/8' }], userAgent: [{ wildcard: '*console*' }] } },
  { $or: [{ detail: { errorCode: [{ prefix: 'AccessDenied' }] } }, { detail: { readOnly: [false] } }] },
].map((pattern) => compilePattern(pattern));

/**
 * CPU nanoseconds per event of one pass of `body` over `count` events: this process's user + system time
 * (its GC threads included), not the wall clock, so the time the shared machine gives to other processes
 * in the middle of a pass is not counted against it.
 */
function timePass(count: number, body: () => void): number {
  const start = process.cpuUsage();
  body();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / count;
}

export function runEngineBench(context: BenchContext): Report {
  const { events: count, rounds } = context.quick ? SIZE.quick : SIZE.full;
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
    operators: () => {
      for (const event of events)
        for (const pattern of OPERATOR_PATTERNS) sink += pattern.matches(event) ? 1 : 0;
    },
    describe: () => {
      for (const event of events) sink += describeChange(event, catalog).reasons.length;
    },
  };
  type Pass = keyof typeof passes;
  const order: Pass[] = ['parse', 'match', 'matchBig', 'operators', 'describe'];
  // Two warm-up passes each: the JIT has compiled every path before the first measured round.
  for (let i = 0; i < 2; i++) for (const pass of order) passes[pass]();
  // Interleaved rounds, the order rotated each round: no case gains from running first or last.
  const times: Record<Pass, number[]> = { parse: [], match: [], matchBig: [], operators: [], describe: [] };
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
        name: 'engine.operators.ratio',
        label: `${OPERATOR_PATTERNS.length} operator-heavy custom patterns (prefix, numeric, cidr, wildcard, exists, $or) vs JSON.parse`,
        unit: 'ns/event',
      },
      against('operators', 'parse'),
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
  return figureReport(
    `Event engine: ${count.toLocaleString('en')} CloudTrail events (the corpus replicated), CPU time per event, ${rounds} interleaved rounds`,
    figures,
    [`${builtInWatches.length} built-in watches; CPU time of this process per event (checksum ${sink})`],
  );
}
