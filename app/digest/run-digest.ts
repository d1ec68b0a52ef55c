import type { WebClient } from '@slack/web-api';
import * as z from 'zod';
import type { DigestClaim, RejectedSummary, Store } from '../../src/store/ports';
import { collectDigest, type DigestData, digestChannels } from '../../src/use-cases/digest';
import type { AlertDeps, Clock } from '../../src/use-cases/ports';
import { repairDueRenders } from '../../src/use-cases/sync-alert';
import { type DigestAlert, renderDigest } from '../../src/views';
import type { WatchCatalog } from '../../src/watches/types';
import { AppError } from '../errors';
import type { LogPort } from '../events/process-events';
import { findInHistory } from '../slack/history';
import { closeAcknowledgedDigests } from './close-digest';

/** Slack's metadata event type on every digest message: how a digest whose answer was lost is found again. */
export const DIGEST_METADATA_TYPE = 'infrawatch_digest';

/** A digest run that did not complete within this long (a crash) may be run again by a retry. */
const DIGEST_LEASE_MS = 5 * 60_000;
/** Permalinks are fetched for at most this many alerts per digest (the digest lists no more anyway). */
const MAX_PERMALINKS = 40;
/** The digest tells of events that could not be read in this window, with this many reasons. */
const REJECTED_WINDOW_MS = 24 * 3600_000;
const REJECTED_REASONS = 3;
/** Render-due repair passes per digest run (each takes up to REPAIR_BATCH alerts). */
const MAX_REPAIR_PASSES = 5;

export interface DigestDeps {
  /** What the alert use cases need: alert messages that fell behind are repaired before the digest links them. */
  alerts: AlertDeps;
  store: Store;
  clock: Clock;
  slack: WebClient;
  catalog: WatchCatalog;
  log: LogPort;
  timeZone: string;
}

/** What triggers a digest: the daily schedule, or `/infrawatch digest` in one channel. */
export type DigestTrigger =
  | { kind: 'scheduled' }
  | { kind: 'requested'; channel: string; requestedBy: string; requestId: string };

export class InvalidDigestTriggerError extends AppError {
  readonly code = 'InvalidDigestTrigger';
}

const requestedDetail = z.object({
  channel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/),
  requestedBy: z.string().min(1),
  requestId: z.string().min(1).max(200),
});

/**
 * Reads what invoked the digest function: an EventBridge Scheduler invocation (any payload with
 * `{"kind":"scheduled"}`, or a scheduled EventBridge event) or an "InfraWatch Digest Requested" event.
 */
export function parseDigestTrigger(input: unknown): DigestTrigger {
  const event = input as { kind?: unknown; 'detail-type'?: unknown; detail?: unknown } | null;
  if (event?.kind === 'scheduled' || event?.['detail-type'] === 'Scheduled Event')
    return { kind: 'scheduled' };
  if (event?.['detail-type'] === 'InfraWatch Digest Requested') {
    const detail = requestedDetail.safeParse(event.detail);
    if (detail.success) return { kind: 'requested', ...detail.data };
    throw new InvalidDigestTriggerError(
      `invalid digest request: ${detail.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  }
  throw new InvalidDigestTriggerError(
    'not a digest trigger: expected {"kind":"scheduled"} or an "InfraWatch Digest Requested" event',
  );
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
          const response = await deps.slack.chat.getPermalink({
            channel: alert.message.channel,
            message_ts: alert.message.ts,
          });
          permalink = response.permalink;
        } catch (error) {
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
  },
): Promise<boolean> {
  const { trigger, channel, runKey, claim, rejected } = run;
  const metadata = { event_type: DIGEST_METADATA_TYPE, event_payload: { run_key: runKey } };
  if (claim.postAttemptAt) {
    const ts = await findInHistory(deps.slack, channel, claim.postAttemptAt, {
      eventType: metadata.event_type,
      payload: metadata.event_payload,
    });
    if (ts) {
      await deps.store.alerts.recordDigestMessage(channel, runKey, ts);
      return true;
    }
  }
  // Before today's digest, the earlier ones whose alerts were all acknowledged since lose their button.
  await closeAcknowledgedDigests(deps, channel);
  const data = await collectDigest(deps, channel);
  const rendered = renderDigest({
    channel,
    now: data.now,
    since: data.since,
    alerts: await toDigestAlerts(deps, data),
    mutedCount: data.mutedCount,
    allClearRequested: trigger.kind === 'requested',
    rejected: { count: rejected.count, reasons: rejected.first.map((input) => input.reason) },
  });
  if (!rendered) return false;
  await deps.store.alerts.markDigestPostAttempt(
    channel,
    runKey,
    deps.clock.now().toISOString(),
    data.alerts.length > 0 ? { since: data.since, until: data.now } : undefined,
  );
  const posted = await deps.slack.chat.postMessage({
    channel,
    text: rendered.text,
    blocks: rendered.blocks,
    metadata,
    unfurl_links: false,
  });
  if (posted.ts) await deps.store.alerts.recordDigestMessage(channel, runKey, posted.ts);
  return true;
}

/**
 * Posts the digest of unacknowledged alerts to each channel concerned. A scheduled run claims (channel, day)
 * with a conditional write and completes the claim after posting, so a retried or duplicated schedule posts
 * once; a run that crashed between claim and post is redone after its lease, and a run whose post may have
 * reached Slack looks for that post before posting again. A requested digest claims its
 * request id the same way and always answers (an all-clear when nothing is open).
 */
export async function runDigest(
  deps: DigestDeps,
  trigger: DigestTrigger,
): Promise<{ posted: string[]; quiet: string[] }> {
  const now = deps.clock.now();
  const channels = trigger.kind === 'scheduled' ? await digestChannels(deps) : [trigger.channel];
  const runKey =
    trigger.kind === 'scheduled'
      ? `scheduled#${dayIn(deps.timeZone, now)}`
      : `requested#${trigger.requestId}`;
  const posted: string[] = [];
  const quiet: string[] = [];
  const failures: unknown[] = [];
  await repairRenders(deps);
  // Unreadable events belong to no channel: every digest of the run tells of them.
  const rejected = await deps.store.changes.rejectedBetween(
    new Date(now.getTime() - REJECTED_WINDOW_MS).toISOString(),
    now.toISOString(),
    REJECTED_REASONS,
  );
  for (const channel of channels) {
    const leaseUntil = new Date(now.getTime() + DIGEST_LEASE_MS).toISOString();
    const claim = await deps.store.alerts.claimDigestRun(channel, runKey, now.toISOString(), leaseUntil);
    if (!claim) {
      quiet.push(channel);
      continue;
    }
    // One channel's failure must not cost the others their digest, nor keep its own claim from a retry.
    try {
      if (await postDigest(deps, { trigger, channel, runKey, claim, rejected })) posted.push(channel);
      else quiet.push(channel);
      await deps.store.alerts.completeDigestRun(channel, runKey);
    } catch (error) {
      deps.log.error('Digest failed for a channel; it will be retried', { channel, error });
      failures.push(error);
      await deps.store.alerts.releaseDigestRun(channel, runKey);
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
