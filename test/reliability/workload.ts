/** The events the scenarios send: variants of the CloudTrail fixtures, and which channels should show each. */
import { describeChange } from '../../src/changes/describe';
import { builtInCatalog } from '../../src/watches';
import { corpusEvent, type EventBridgeEvent, uniqueCorpusEvents, variant } from '../helpers/events';
import { CHANNELS } from '../helpers/pipeline';
import { pick, type Random } from './harness';

export const [DEFAULT, SECURITY, NETWORK] = CHANNELS;
/** Two channels besides the default one, subscribed to overlapping watches. */
export const SUBSCRIPTIONS: Record<string, string[]> = {
  [SECURITY]: ['security-groups', 'iam', 'cloudtrail', 's3'],
  [NETWORK]: ['vpc', 'route-tables', 'security-groups'],
};

/**
 * `count` events from the fixtures: each a variant of a random fixture with its own eventID, at a random time
 * within the last five minutes (so the same actor's calls fall into one burst or a few).
 */
export function fixtureEvents(random: Random, count: number, firstIndex = 10_000): EventBridgeEvent[] {
  const fixtures = [...uniqueCorpusEvents().values()].filter(
    (event) => describeChange(event, builtInCatalog).watches.length > 0,
  );
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const time = new Date(now - Math.floor(random() * 5 * 60_000)).toISOString();
    return variant(pick(random, fixtures), firstIndex + i, time);
  });
}

/** Which channels should show each change: the default channel everything, the others what they subscribed. */
export function expectedChannels(
  events: readonly EventBridgeEvent[],
  subscriptions: Record<string, readonly string[]> = SUBSCRIPTIONS,
): Map<string, string[]> {
  return new Map(
    events.map((event) => {
      const { id, watches } = describeChange(event, builtInCatalog);
      const subscribed = Object.entries(subscriptions)
        .filter(([, wanted]) => watches.some((watch) => wanted.includes(watch)))
        .map(([channel]) => channel);
      return [id, [DEFAULT, ...subscribed]];
    }),
  );
}

/**
 * `count` bursts by different IAM users: three info-level security-group changes each (`quiet`), then the same
 * user opening SSH to the world 30 s later (`critical`), which must raise the posted alert with one broadcast
 * reply. Event indexes start at `firstIndex`.
 */
export function escalatingBursts(
  count: number,
  firstIndex = 50_000,
): { quiet: EventBridgeEvent[]; critical: EventBridgeEvent[] } {
  const base = corpusEvent('ec2.AuthorizeSecurityGroupIngress.iamuser.json');
  const open = corpusEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json');
  const start = Date.now() - 10 * 60_000;
  const quiet: EventBridgeEvent[] = [];
  const critical: EventBridgeEvent[] = [];
  for (let b = 0; b < count; b++) {
    const identity = structuredClone(base.detail.userIdentity) as Record<string, unknown>;
    identity.userName = `burst-user-${b}`;
    identity.principalId = `AIDABURSTUSER${String(b).padStart(8, '0')}`;
    identity.arn = `arn:aws:iam::${String(base.detail.recipientAccountId)}:user/burst-user-${b}`;
    const at = (offset: number) => new Date(start + b * 1000 + offset).toISOString();
    for (let i = 0; i < 3; i++) {
      const event = variant(base, firstIndex + b * 10 + i, at(i * 10_000));
      event.detail.userIdentity = structuredClone(identity);
      quiet.push(event);
    }
    const raise = variant(open, firstIndex + b * 10 + 3, at(30_000));
    raise.detail.userIdentity = structuredClone(identity);
    raise.detail.recipientAccountId = base.detail.recipientAccountId;
    raise.account = base.account;
    critical.push(raise);
  }
  return { quiet, critical };
}
