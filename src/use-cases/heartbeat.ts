import type { SlackMessageRef } from '../store/ports';
import { dayOf, type PipelineRepository } from '../store/ports/pipeline';
import type { AccountAlias } from '../views/alert-parts';
import { renderQuietNotice } from '../views/heartbeat';
import type { Clock, RenderedMessage } from './ports';

/**
 * Posts that are not alerts (the heartbeat's notice): each carries its notice id in its metadata, so a post
 * whose answer was lost is found again instead of being posted twice.
 */
export interface NoticeMessenger {
  post(channel: string, message: RenderedMessage, noticeId: string): Promise<SlackMessageRef>;
  /** The message posted for `noticeId` since its first attempt (`attemptIso`), if Slack has one. */
  findPosted(channel: string, noticeId: string, attemptIso: string): Promise<SlackMessageRef | undefined>;
}

/**
 * When an account counts as quiet. "Usually has changes" means changes on at least `usualDays` of the last 7
 * days: a sandbox touched once a month never raises the notice, a production account that goes silent does.
 */
export interface HeartbeatSettings {
  quietHours: number;
  usualDays: number;
  /** How long one run holds a notice's claim before another run may retry it. */
  leaseMs: number;
}

export const HEARTBEAT_DEFAULTS: HeartbeatSettings = { quietHours: 24, usualDays: 3, leaseMs: 5 * 60_000 };

export interface HeartbeatDeps {
  pipeline: PipelineRepository;
  messenger: NoticeMessenger;
  clock: Clock;
  /** Where the notice goes (the deployment's default channel); none: quiet accounts are only counted. */
  channel?: string;
  accountAlias?: AccountAlias;
  settings?: Partial<HeartbeatSettings>;
}

/**
 * `active`: a change within the quiet time; `rarely-active`: too few days with changes to expect any;
 * `quiet`: the notice was posted (or found posted) by this run; `announced`: quiet, and already announced.
 */
export type HeartbeatStatus = 'active' | 'rarely-active' | 'quiet' | 'announced';

export interface HeartbeatOutcome {
  account: string;
  status: HeartbeatStatus;
  lastSeen?: string;
  /** Days with changes among the last 7. */
  activeDays: number;
}

const DAY_MS = 86_400_000;

/** The id a quiet notice carries in its Slack metadata: one per account and silence. */
export function quietNoticeId(account: string, lastSeen: string): string {
  return `quiet-${account}-${lastSeen}`;
}

/** Checks every account; `quiet` and `announced` accounts are the ones silent when they usually are not. */
export async function checkHeartbeat(
  accounts: readonly string[],
  deps: HeartbeatDeps,
): Promise<HeartbeatOutcome[]> {
  const settings = { ...HEARTBEAT_DEFAULTS, ...deps.settings };
  const outcomes: HeartbeatOutcome[] = [];
  for (const account of new Set(accounts)) outcomes.push(await checkAccount(account, deps, settings));
  return outcomes;
}

async function checkAccount(
  account: string,
  deps: HeartbeatDeps,
  settings: HeartbeatSettings,
): Promise<HeartbeatOutcome> {
  const now = deps.clock.now().getTime();
  const activity = await deps.pipeline.activity(account, dayOf(new Date(now - 7 * DAY_MS).toISOString()));
  const { lastSeen } = activity;
  const outcome = { account, activeDays: activity.days.length, ...(lastSeen ? { lastSeen } : {}) };
  if (lastSeen === undefined || activity.days.length < settings.usualDays)
    return { ...outcome, status: 'rarely-active' };
  if (now - Date.parse(lastSeen) < settings.quietHours * 3_600_000) return { ...outcome, status: 'active' };
  if (deps.channel === undefined) return { ...outcome, status: 'announced' };

  const nowIso = new Date(now).toISOString();
  const claim = await deps.pipeline.claimQuietNotice(
    account,
    lastSeen,
    nowIso,
    new Date(now + settings.leaseMs).toISOString(),
  );
  if (claim === undefined) return { ...outcome, status: 'announced' };
  const noticeId = quietNoticeId(account, lastSeen);
  // A post whose answer was lost may be in the channel: look before posting again.
  let posted = claim.postAttemptAt
    ? await deps.messenger.findPosted(deps.channel, noticeId, claim.postAttemptAt)
    : undefined;
  if (posted === undefined) {
    await deps.pipeline.markQuietNoticeAttempt(account, lastSeen, nowIso);
    const message = renderQuietNotice({
      account,
      lastSeen,
      quietHours: settings.quietHours,
      ...(deps.accountAlias ? { accountAlias: deps.accountAlias } : {}),
    });
    posted = await deps.messenger.post(deps.channel, message, noticeId);
  }
  await deps.pipeline.completeQuietNotice(account, lastSeen, posted.ts);
  return { ...outcome, status: 'quiet' };
}
