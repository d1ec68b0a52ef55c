import { ALL_WATCHES } from '../commands/parse';
import type { ActorCheckSetting, ActorConfirms } from '../model/actor-check';
import {
  DEFAULT_ESCALATION_POLICY,
  type EscalationPolicy,
  type EscalationSetting,
} from '../model/escalation-policy';
import type { Mute, MuteTargetType } from '../model/mute';
import type { Subscription } from '../model/subscription';
import type { AlertRecord, Store } from '../store/ports';
import { UseCaseError } from './errors';
import type { Clock } from './ports';

export interface SettingsDeps {
  store: Store;
  clock: Clock;
  /** Every watch id (subscribing to "all" then unsubscribing one needs the full list). */
  watchIds: readonly string[];
  /** Slack user ids allowed to unsubscribe and mute; empty: everyone may. */
  admins: readonly string[];
}

export class NotAllowedError extends UseCaseError {
  readonly code = 'NotAllowed';
  constructor(readonly action: string) {
    super(`only InfraWatch admins may ${action}`);
  }
}

export interface MuteTarget {
  type: MuteTargetType;
  value: string;
  /** The accounts (ids or aliases) an actor name applies to; required for a name, not for an ARN. */
  accounts?: readonly string[];
}

/**
 * An actor named without an account. An IAM user or role called `terraform-ci` can be created in any account,
 * so a mute by name alone would also silence an attacker's `terraform-ci` elsewhere.
 */
export class MuteScopeRequiredError extends UseCaseError {
  readonly code = 'MuteScopeRequired';
  constructor(readonly name: string) {
    super(`a mute of actor '${name}' by name must say which account(s) it applies to`);
  }
}

/** Whether an actor mute value is a name (as opposed to an ARN, which names its account). */
function isActorName(target: MuteTarget): boolean {
  return target.type === 'actor' && !target.value.toLowerCase().startsWith('arn:');
}

function muteValue(target: MuteTarget): string {
  return target.type === 'watch' ? target.value : target.value.toLowerCase();
}

function requireAdmin(deps: SettingsDeps, userId: string, action: string): void {
  if (deps.admins.length > 0 && !deps.admins.includes(userId)) throw new NotAllowedError(action);
}

async function subscriptionsOf(deps: SettingsDeps, channel: string): Promise<Subscription[]> {
  const config = await deps.store.config.load(deps.clock.now().toISOString());
  return config.subscriptions.filter((s) => s.channel === channel);
}

/**
 * Subscribes the channel to the watches it does not have yet (admins only, when admins are configured: a
 * subscription sends alerts, and Investigate's raw events, to everyone in that channel). `all` is stored as
 * `all`, so watches added later reach the channel too; the explicit watches it covers are then dropped.
 */
export async function subscribeChannel(
  deps: SettingsDeps,
  input: { channel: string; watches: readonly string[]; userId: string },
): Promise<{ added: string[]; unchanged: string[] }> {
  requireAdmin(deps, input.userId, 'subscribe');
  const current = new Set((await subscriptionsOf(deps, input.channel)).map((s) => s.watch));
  const has = (watch: string) => current.has(ALL_WATCHES) || current.has(watch);
  const added = input.watches.filter((watch) => !has(watch));
  await deps.store.config.subscribe(input.channel, added, input.userId, deps.clock.now().toISOString());
  if (added.includes(ALL_WATCHES)) await deps.store.config.unsubscribe(input.channel, [...current]);
  return { added, unchanged: input.watches.filter(has) };
}

/**
 * Unsubscribes the channel from watches (admins only, when admins are configured). A channel subscribed to
 * `all` (the default channel) is first turned into the explicit list, so removing one watch keeps the others;
 * unsubscribing `all` removes every subscription of the channel.
 */
export async function unsubscribeChannel(
  deps: SettingsDeps,
  input: { channel: string; watches: readonly string[]; userId: string },
): Promise<{ removed: string[]; notSubscribed: string[] }> {
  requireAdmin(deps, input.userId, 'unsubscribe');
  const current = (await subscriptionsOf(deps, input.channel)).map((s) => s.watch);
  if (input.watches.includes(ALL_WATCHES)) {
    await deps.store.config.unsubscribe(input.channel, current);
    return current.length > 0
      ? { removed: [ALL_WATCHES], notSubscribed: [] }
      : { removed: [], notSubscribed: [ALL_WATCHES] };
  }
  const at = deps.clock.now().toISOString();
  let watches = new Set(current);
  if (watches.has(ALL_WATCHES)) {
    await deps.store.config.subscribe(input.channel, deps.watchIds, input.userId, at);
    await deps.store.config.unsubscribe(input.channel, [ALL_WATCHES]);
    watches = new Set(deps.watchIds);
  }
  const removed = input.watches.filter((watch) => watches.has(watch));
  await deps.store.config.unsubscribe(input.channel, removed);
  return { removed, notSubscribed: input.watches.filter((watch) => !watches.has(watch)) };
}

/**
 * Mutes a target in the channel until now + duration (admins only, when admins are configured). An actor
 * named without an ARN is muted in the given accounts only, one mute each (muting it in another account later
 * adds to them); without an account it is refused with {@link MuteScopeRequiredError}.
 * @returns the mutes written (one per account for an actor name, else one).
 */
export async function muteChannel(
  deps: SettingsDeps,
  input: { channel: string; target: MuteTarget; durationMs: number; userId: string },
): Promise<Mute[]> {
  requireAdmin(deps, input.userId, 'mute');
  const accounts = [...new Set((input.target.accounts ?? []).map((account) => account.toLowerCase()))];
  if (isActorName(input.target) && accounts.length === 0)
    throw new MuteScopeRequiredError(input.target.value);
  const now = deps.clock.now();
  const mute: Mute = {
    channel: input.channel,
    type: input.target.type,
    value: muteValue(input.target),
    setBy: input.userId,
    setAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + input.durationMs).toISOString(),
  };
  const mutes = isActorName(input.target) ? accounts.map((account) => ({ ...mute, account })) : [mute];
  for (const each of mutes) await deps.store.config.putMute(each);
  return mutes;
}

/**
 * Mutes what an alert's menu names, in the alert's channel: its watch, or its actor in the alert's own account
 * only (a name without an ARN is another identity in another account).
 * @returns the mutes written, or undefined when the alert has nothing of that kind to mute (no watch).
 */
export async function muteFromAlert(
  deps: SettingsDeps,
  input: {
    alert: Pick<AlertRecord, 'channel' | 'watch' | 'actorKey' | 'account'>;
    target: 'watch' | 'actor';
    durationMs: number;
    userId: string;
  },
): Promise<Mute[] | undefined> {
  const { alert } = input;
  const target: MuteTarget =
    input.target === 'watch'
      ? { type: 'watch', value: alert.watch ?? '' }
      : { type: 'actor', value: alert.actorKey, accounts: [alert.account] };
  if (target.value === '') return undefined;
  return await muteChannel(deps, {
    channel: alert.channel,
    target,
    durationMs: input.durationMs,
    userId: input.userId,
  });
}

/**
 * Lifts mutes. Anyone may: making the channel louder never hides a change. An actor name with accounts lifts
 * it in those accounts; a name alone lifts it in every account (and a mute stored before scoping).
 * @returns the mutes that were removed.
 */
export async function unmuteChannel(
  deps: SettingsDeps,
  input: { channel: string; target: MuteTarget },
): Promise<Mute[]> {
  const { channel, target } = input;
  const value = muteValue(target);
  if (!isActorName(target)) {
    const removed = await deps.store.config.deleteMute(channel, target.type, value);
    return removed === undefined ? [] : [removed];
  }
  const wanted = target.accounts?.map((account) => account.toLowerCase());
  const config = await deps.store.config.load(deps.clock.now().toISOString());
  const removed: Mute[] = [];
  for (const mute of config.mutes) {
    if (mute.channel !== channel || mute.type !== 'actor' || mute.value !== value) continue;
    if (wanted !== undefined && (mute.account === undefined || !wanted.includes(mute.account))) continue;
    const gone = await deps.store.config.deleteMute(channel, 'actor', value, mute.account);
    if (gone !== undefined) removed.push(gone);
  }
  return removed;
}

/**
 * Sets the channel's escalation policy, or turns escalation off (`policy: null`); admins only, when admins
 * are configured (it decides whom InfraWatch pings). Alerts already scheduled follow the new policy from
 * their next step (the sweep reads it then); turning it off stops their pending steps.
 */
export async function setChannelEscalation(
  deps: SettingsDeps,
  input: { channel: string; policy: EscalationPolicy | null; userId: string },
): Promise<EscalationSetting> {
  requireAdmin(deps, input.userId, 'change escalation');
  const setting: EscalationSetting = {
    channel: input.channel,
    policy: input.policy,
    setBy: input.userId,
    setAt: deps.clock.now().toISOString(),
  };
  await deps.store.config.putEscalation(setting);
  return setting;
}

/**
 * Sets whether the channel asks actors "Was this you?" (`ask`), or what their "Yes" does (`confirms`); admins
 * only, when admins are configured (an acknowledging "Yes" lets the actor close their own alert).
 */
export async function setChannelActorCheck(
  deps: SettingsDeps,
  input: { channel: string; change: { ask: boolean } | { confirms: ActorConfirms }; userId: string },
): Promise<ActorCheckSetting> {
  requireAdmin(deps, input.userId, 'change who is asked "Was this you?"');
  return await deps.store.config.putActorCheck(
    input.channel,
    input.change,
    input.userId,
    deps.clock.now().toISOString(),
  );
}

/** The channel's subscriptions, unexpired mutes and escalation (its own setting, or the default policy). */
export async function channelSettings(
  deps: Pick<SettingsDeps, 'store' | 'clock'>,
  channel: string,
): Promise<{
  subscriptions: Subscription[];
  mutes: Mute[];
  escalation: EscalationSetting | { channel: string; policy: EscalationPolicy; default: true };
  /** The channel's "Was this you?" setting; null: the defaults. */
  actorCheck: ActorCheckSetting | null;
}> {
  const config = await deps.store.config.load(deps.clock.now().toISOString());
  const own = config.escalations?.find((setting) => setting.channel === channel);
  return {
    escalation: own ?? { channel, policy: DEFAULT_ESCALATION_POLICY, default: true },
    actorCheck: config.actorChecks?.find((setting) => setting.channel === channel) ?? null,
    subscriptions: config.subscriptions.filter((s) => s.channel === channel),
    mutes: config.mutes
      .filter((m) => m.channel === channel)
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt)),
  };
}
