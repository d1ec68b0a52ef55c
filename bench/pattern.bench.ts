/**
 * Event-pattern matching cost relative to JSON.parse of the same events, measured in the same run.
 * Budget (product): matching + describing an event within ~3x a JSON.parse of it.
 *
 * Run: npx tsx bench/pattern.bench.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePattern, parseEventText } from '../src/events/pattern';
import { builtInWatches } from '../src/watches/catalog';

const dir = join(__dirname, '..', 'test', 'fixtures', 'cloudtrail');
const texts = readdirSync(dir)
  .filter((file) => file.endsWith('.json') && file !== 'index.json')
  .map((file) => readFileSync(join(dir, file), 'utf8'));
const events = texts.map((text) => JSON.parse(text) as object);

// The catalog plus operator-heavy patterns of the kind custom watches use.
const patterns = [
  ...builtInWatches.map((watch) => watch.pattern),
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
];
const compiled = patterns.map((pattern) => compilePattern(pattern));

function time(label: string, rounds: number, body: () => void): number {
  for (let i = 0; i < Math.min(rounds, 200); i++) body();
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) body();
  const perRound = Number(process.hrtime.bigint() - start) / rounds;
  console.log(`${label.padEnd(48)} ${(perRound / 1000).toFixed(1).padStart(8)} µs per pass`);
  return perRound;
}

let sink = 0;
const rounds = 2000;
const parse = time(`JSON.parse of ${texts.length} events (baseline)`, rounds, () => {
  for (const text of texts) sink += JSON.parse(text) === null ? 0 : 1;
});
const match = time(`${compiled.length} patterns x ${events.length} parsed events`, rounds, () => {
  for (const event of events) for (const pattern of compiled) if (pattern.matches(event)) sink++;
});
const raw = time(
  `raw text read once + ${compiled.length} patterns x ${texts.length}`,
  Math.floor(rounds / 4),
  () => {
    for (const text of texts) {
      const event = parseEventText(text);
      for (const pattern of compiled) if (pattern.matches(event)) sink++;
    }
  },
);

console.log(`\nmatching (parsed events) / JSON.parse = ${(match / parse).toFixed(2)}`);
console.log(`reading raw text + matching / JSON.parse = ${(raw / parse).toFixed(2)}`);
console.log(`(${patterns.length} patterns, ${sink > 0 ? 'results consumed' : 'no matches'})`);
