import type { DigestClaim, OpenAlert, RejectedSummary, Store } from '../store/ports';
import type { PipelineRepository } from '../store/ports/pipeline';
import type { ClosedDigestInput, DigestAlert, DigestInput } from '../views/digest';
import type { WatchCatalog } from '../watches/types';
import {
  type AlertDeps,
  type Clock,
  type LogPort,
  MessageNotFoundError,
  type RenderedMessage,
} from './ports';
import { collectStats } from './review';
import { repairDueRenders } from './sync-alert';

/** The digest looks back this far: older open alerts are still open, but a digest is about the week. */
export const DIGEST_WINDOW_MS = 7 * 24 * 3600_000;
/** A digest run that did not complete within this long (a crash) may be run again by a retry. */
const DIGEST_LEASE_MS = 5 * 60_000;
/** Alerts per digest that get a link (the digest lists no more anyway). */
const MAX_PERMALINKS = 40;
/** The digest tells of events that could not be read in this window, with this many reasons. */
const REJECTED_WINDOW_MS = 24 * 3600_000;
const REJECTED_REASONS = 3;
/** Render-due repair passes per digest run (each takes up to REPAIR_BATCH alerts). */
const MAX_REPAIR_PASSES = 5;

/**
 * The part of Slack the digest needs. The adapter (app/slack/digest-messenger.ts) carries the run key in the
 * message metadata, so a post whose answer was lost is found again instead of posted twice.
 */
export interface DigestMessenger {
  /** Posts a digest for `runKey`. @returns its message ts. */
  post(channel: string, message: RenderedMessage, runKey: string): Promise<string | undefined>;
  /** The ts of the digest posted for `runKey` since its first post attempt (`attemptIso`), if Slack has one. */
  findPosted(channel: string, runKey: string, attemptIso: string): Promise<string | undefined>;
  /** Replaces a digest message. @throws MessageNotFoundError when Slack no longer has it. */
  update(channel: string, ts: string, message: RenderedMessage): Promise<void>;
  /** A link to an alert message; a digest asks for one per alert it lists, so it must not cost a call each. */
  permalink(channel: string, ts: string): Promise<string | undefined>;
}

/** The digest views, injected like the alert renderer. */
export interface DigestRenderer {
  /** The digest, or nothing when it has nothing to say. */
  digest(input: DigestInput): RenderedMessage | null;
  /** A digest whose listed alerts are all acknowledged: its button gone. */
  closed(input: ClosedDigestInput): RenderedMessage;
}

/** What closing a digest needs. */
export interface CloseDigestDeps {
  store: Store;
  clock: Clock;
  messenger: DigestMessenger;
  render: DigestRenderer;
  log: LogPort;
}

export interface DigestDeps extends CloseDigestDeps {
  /** What the alert use cases need: alert messages that fell behind are repaired before the digest links them. */
  alerts: AlertDeps;
  catalog: WatchCatalog;
  /** The time zone whose calendar day a scheduled digest is posted once per. */
  timeZone: string;
  /** The watched pipeline's health counts (the digest's footer). */
  health: Pick<PipelineRepository, 'healthCounts'>;
}

/** What triggers a digest: the daily schedule, or `/infrawatch digest` in one channel. */
export type DigestTrigger =
  | { kind: 'scheduled' }
  | { kind: 'requested'; channel: string; requestedBy: string; requestId: string };

export interface DigestData {
  channel: string;
  since: string;
  now: string;
  /** Unacknowledged alerts created in the window, oldest first. */
  alerts: OpenAlert[];
  mutedCount: number;
}

/**
 * What nobody acknowledged in a channel: one Query on the sparse open-alerts index (cost grows with the number
 * of open alerts, not with the table) plus a COUNT of muted changes.
 */
export async function collectDigest(
  deps: { store: Store; clock: Clock },
  channel: string,
  windowMs = DIGEST_WINDOW_MS,
): Promise<DigestData> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - windowMs).toISOString();
  const [alerts, mutedCount] = await Promise.all([
    deps.store.alerts.listOpen(channel, since),
    deps.store.deliveries.countMuted(channel, since),
  ]);
  return { channel, since, now: now.toISOString(), alerts, mutedCount };
}

/** Every channel with at least one subscription: the channels a scheduled digest visits. */
export async function digestChannels(deps: { store: Store; clock: Clock }): Promise<string[]> {
  const config = await deps.store.config.load(deps.clock.now().toISOString());
  return [...new Set(config.subscriptions.map((s) => s.channel))].sort();
}

/** The calendar day in the digest's time zone: a scheduled digest is posted once per channel per day. */
function dayIn(timeZone: string, date: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date);
}

function toDigestAlerts(deps: DigestDeps, data: DigestData): Promise<DigestAlert[]> {
  const titles = new Map(deps.catalog.watches.map((w) => [w.id, w.title]));
  return Promise.all(
    data.alerts.map(async (alert, index) => {
      let permalink: string | undefined;
      if (alert.message && index < MAX_PERMALINKS) {
        try {
          permalink = await deps.messenger.permalink(alert.message.channel, alert.message.ts);
        } catch (error) {
          // A digest line without its link still says what is open; the next digest asks again.
          deps.log.warn('No permalink for an alert message', { alertId: alert.id, error });
        }
      }
      return {
        id: alert.id,
        watch: alert.watch,
        watchTitle: titles.get(alert.watch ?? '') ?? alert.watch ?? 'Other',
        severity: alert.severity,
        createdAt: alert.createdAt,
        headline: alert.headline,
        changeCount: alert.changeCount,
        ...(permalink ? { permalink } : {}),
        ...(alert.investigation ? { investigation: alert.investigation } : {}),
      };
    }),
  );
}

/** A quiet account may see no events for a day: the digest is the render-due repair that always runs. */
async function repairRenders(deps: DigestDeps): Promise<void> {
  try {
    for (let pass = 0; pass < MAX_REPAIR_PASSES; pass++) {
      const { repaired, failures } = await repairDueRenders(deps.alerts);
      for (const { alertId, error } of failures)
        deps.log.warn('An alert message is still behind; a later run repairs it', { alertId, error });
      if (repaired === 0 || failures.length > 0) return;
    }
  } catch (error) {
    // The marks stay for the next run; the digest itself must still go out.
    deps.log.warn('Could not look for alert messages that are behind; a later run does', { error });
  }
}

/**
 * Updates a digest message to say everything it listed is acknowledged (no button left), then records that,
 * in this order: an update whose answer is lost is simply done again (an update is idempotent), and a record
 * left open makes the next digest run try again.
 */
export async function closeDigestMessage(
  deps: Pick<CloseDigestDeps, 'store' | 'clock' | 'messenger' | 'render'>,
  channel: string,
  digest: { ts: string; runKey?: string } & Omit<ClosedDigestInput, 'closedBy'>,
  closedBy?: ClosedDigestInput['closedBy'],
): Promise<void> {
  const rendered = deps.render.closed({
    since: digest.since,
    until: digest.until,
    ...(closedBy ? { closedBy } : {}),
  });
  await deps.messenger.update(channel, digest.ts, rendered);
  const runKey =
    digest.runKey ?? (await deps.store.digests.withButton(channel)).find((d) => d.ts === digest.ts)?.runKey;
  if (runKey !== undefined) await deps.store.digests.close(channel, runKey, deps.clock.now().toISOString());
}

/**
 * The channel's earlier digests whose listed alerts were all acknowledged since (one by one, on their own
 * messages) lose their "Acknowledge all listed" button. One Query of the channel's open alerts covers every
 * window. A digest that cannot be updated stays recorded for the next run, except a deleted one.
 * @returns how many digests were updated.
 */
export async function closeAcknowledgedDigests(deps: CloseDigestDeps, channel: string): Promise<number> {
  const digests = await deps.store.digests.withButton(channel);
  if (digests.length === 0) return 0;
  // ISO-8601 UTC strings sort as times.
  const oldest = digests.map((d) => d.since).sort()[0] ?? '';
  const open = await deps.store.alerts.listOpen(channel, oldest);
  const done = digests.filter((d) => !open.some((a) => a.createdAt >= d.since && a.createdAt <= d.until));
  let closed = 0;
  for (const digest of done) {
    try {
      await closeDigestMessage(deps, channel, digest);
      closed += 1;
    } catch (error) {
      if (error instanceof MessageNotFoundError) {
        // Deleted in Slack: no button is left to show, so nothing is left to repair.
        await deps.store.digests.close(channel, digest.runKey, deps.clock.now().toISOString());
      } else {
        deps.log.warn('An earlier digest still shows its button; the next digest run retries', {
          channel,
          runKey: digest.runKey,
          error,
        });
      }
    }
  }
  return closed;
}

/**
 * Posts one channel's digest, unless an earlier attempt of this run already did (its answer lost: the
 * digest carries the run key in its metadata, and the channel's history since that attempt is searched).
 * @returns whether the channel has the digest now (false: nothing to say).
 */
async function postDigest(
  deps: DigestDeps,
  run: {
    trigger: DigestTrigger;
    channel: string;
    runKey: string;
    claim: DigestClaim;
    rejected: RejectedSummary;
    recorded: { recorded: number; recovered: number };
  },
): Promise<boolean> {
  const { trigger, channel, runKey, claim, rejected, recorded } = run;
  if (claim.postAttemptAt) {
    const ts = await deps.messenger.findPosted(channel, runKey, claim.postAttemptAt);
    if (ts) {
      await deps.store.digests.recordMessage(channel, runKey, ts);
      return true;
    }
  }
  // Before today's digest is posted, the earlier ones whose alerts were all acknowledged since lose their
  // button; their reads and this digest's are independent, so they run side by side.
  const [, data, week] = await Promise.all([
    closeAcknowledgedDigests(deps, channel),
    collectDigest(deps, channel),
    collectStats(deps, channel, 7),
  ]);
  const rendered = deps.render.digest({
    channel,
    now: data.now,
    since: data.since,
    alerts: await toDigestAlerts(deps, data),
    mutedCount: data.mutedCount,
    allClearRequested: trigger.kind === 'requested',
    rejected: { count: rejected.count, reasons: rejected.first.map((input) => input.reason) },
    footer: { week: week.total, health: { ...recorded, rejected: rejected.count } },
  });
  if (!rendered) return false;
  await deps.store.digests.markPostAttempt(
    channel,
    runKey,
    deps.clock.now().toISOString(),
    data.alerts.length > 0 ? { since: data.since, until: data.now } : undefined,
  );
  const ts = await deps.messenger.post(channel, rendered, runKey);
  if (ts) await deps.store.digests.recordMessage(channel, runKey, ts);
  return true;
}

/**
 * Posts the digest of unacknowledged alerts to each channel concerned. A scheduled run claims (channel, day)
 * with a conditional write and completes the claim after posting, so a retried or duplicated schedule posts
 * once; a run that crashed between claim and post is redone after its lease, and a run whose post may have
 * reached Slack looks for that post before posting again. A requested digest claims its
 * request id the same way and always answers (an all-clear when nothing is open).
 * @throws AggregateError of the channels that failed, after every other channel had its digest (a retry
 * redoes only those: the others' claims are complete).
 */
export async function runDigest(
  deps: DigestDeps,
  trigger: DigestTrigger,
): Promise<{ posted: string[]; quiet: string[] }> {
  const now = deps.clock.now();
  const runKey =
    trigger.kind === 'scheduled'
      ? `scheduled#${dayIn(deps.timeZone, now)}`
      : `requested#${trigger.requestId}`;
  const posted: string[] = [];
  const quiet: string[] = [];
  const failures: unknown[] = [];
  // Unreadable events belong to no channel: every digest of the run tells of them. Side by side (independent
  // reads, and the repair of messages that fell behind), so the run starts in one round trip.
  const since = new Date(now.getTime() - REJECTED_WINDOW_MS).toISOString();
  const [channels, rejected, recorded] = await Promise.all([
    trigger.kind === 'scheduled' ? digestChannels(deps) : [trigger.channel],
    deps.store.rejected.between(since, now.toISOString(), REJECTED_REASONS),
    deps.health.healthCounts(since, now.toISOString()),
    repairRenders(deps),
  ]);
  for (const channel of channels) {
    const leaseUntil = new Date(now.getTime() + DIGEST_LEASE_MS).toISOString();
    const claim = await deps.store.digests.claim(channel, runKey, now.toISOString(), leaseUntil);
    if (!claim) {
      quiet.push(channel);
      continue;
    }
    // One channel's failure must not cost the others their digest, nor keep its own claim from a retry.
    try {
      if (await postDigest(deps, { trigger, channel, runKey, claim, rejected, recorded }))
        posted.push(channel);
      else quiet.push(channel);
      await deps.store.digests.complete(channel, runKey);
    } catch (error) {
      deps.log.error('Digest failed for a channel; it will be retried', { channel, error });
      failures.push(error);
      await deps.store.digests.release(channel, runKey);
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(
      failures,
      `digest failed for ${failures.length} of ${channels.length} channel(s)`,
    );
  }
  return { posted, quiet };
}
