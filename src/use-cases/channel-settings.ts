import { ALL_WATCHES } from '../commands/parse';
import type { Mute, MuteTargetType, Store, Subscription } from '../store/ports';
import type { Clock } from './ports';

export interface SettingsDeps {
  store: Store;
  clock: Clock;
  /** Every watch id (subscribing to "all" then unsubscribing one needs the full list). */
  watchIds: readonly string[];
  /** Slack user ids allowed to unsubscribe and mute; empty: everyone may. */
  admins: readonly string[];
}

export class NotAllowedError extends Error {
  readonly code = 'NotAllowed';
  constructor(readonly action: string) {
    super(`only InfraWatch admins may ${action}`);
  }
}

export interface MuteTarget {
  type: MuteTargetType;
  value: string;
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

/** Mutes a target in the channel until now + duration (admins only, when admins are configured). */
export async function muteChannel(
  deps: SettingsDeps,
  input: { channel: string; target: MuteTarget; durationMs: number; userId: string },
): Promise<Mute> {
  requireAdmin(deps, input.userId, 'mute');
  const now = deps.clock.now();
  const mute: Mute = {
    channel: input.channel,
    type: input.target.type,
    value: input.target.type === 'watch' ? input.target.value : input.target.value.toLowerCase(),
    setBy: input.userId,
    setAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + input.durationMs).toISOString(),
  };
  await deps.store.config.putMute(mute);
  return mute;
}

/** Lifts a mute. Anyone may: making the channel louder never hides a change. */
export async function unmuteChannel(
  deps: SettingsDeps,
  input: { channel: string; target: MuteTarget },
): Promise<Mute | undefined> {
  const value = input.target.type === 'watch' ? input.target.value : input.target.value.toLowerCase();
  return deps.store.config.deleteMute(input.channel, input.target.type, value);
}

/** The channel's subscriptions and unexpired mutes. */
export async function channelSettings(
  deps: Pick<SettingsDeps, 'store' | 'clock'>,
  channel: string,
): Promise<{ subscriptions: Subscription[]; mutes: Mute[] }> {
  const config = await deps.store.config.load(deps.clock.now().toISOString());
  return {
    subscriptions: config.subscriptions.filter((s) => s.channel === channel),
    mutes: config.mutes
      .filter((m) => m.channel === channel)
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt)),
  };
}
