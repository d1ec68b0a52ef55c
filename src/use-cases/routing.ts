import { actorKeyOf } from '../changes/actor-key';
import type { Change } from '../changes/types';
import type { Mute, RoutingConfig } from '../store/ports';

/** Where a change goes: a channel, and the mute that silences it there (if any). */
export interface Route {
  channel: string;
  mute?: Mute;
}

/** Does this mute silence this change? Actor and account targets match loosely (name, ARN, alias). */
export function muteMatches(
  mute: Mute,
  change: Change,
  accountAliases: Readonly<Record<string, string>>,
): boolean {
  const value = mute.value.toLowerCase();
  switch (mute.type) {
    case 'watch':
      return change.watches.includes(value);
    case 'actor':
      return [actorKeyOf(change.actor), change.actor.display, change.actor.arn ?? '']
        .map((name) => name.toLowerCase())
        .includes(value);
    case 'account':
      return change.account === value || accountAliases[change.account]?.toLowerCase() === value;
  }
}

export function describeMute(mute: Mute): string {
  return `${mute.type}:${mute.value}`;
}

/**
 * The channels a change goes to: every channel subscribed to one of its watches (or to `all`), once per
 * channel however many of its watches match. A change no watch matches goes nowhere (it is still stored).
 */
export function routeChange(
  change: Change,
  config: RoutingConfig,
  accountAliases: Readonly<Record<string, string>> = {},
): Route[] {
  if (change.watches.length === 0) return [];
  const channels = new Set<string>();
  for (const subscription of config.subscriptions) {
    if (subscription.watch === 'all' || change.watches.includes(subscription.watch))
      channels.add(subscription.channel);
  }
  return [...channels].sort().map((channel) => {
    const mute = config.mutes.find((m) => m.channel === channel && muteMatches(m, change, accountAliases));
    return mute ? { channel, mute } : { channel };
  });
}
