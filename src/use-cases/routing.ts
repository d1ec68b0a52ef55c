import { actorKeyOf } from '../changes/actor-key';
import type { Change } from '../model/change';
import { isUnscopedNameMute, type Mute } from '../model/mute';
import type { RoutingConfig } from '../store/ports';

/** Where a change goes: a channel, and the mute that silences it there (if any). */
export interface Route {
  channel: string;
  mute?: Mute;
}

/**
 * Does this mute silence this change? Actor and account targets match loosely (name, ARN, alias). A mute of an
 * actor by name applies in its own account only (the same name in another account is another identity); one
 * stored before mutes were scoped, with no account, silences nothing.
 */
export function muteMatches(
  mute: Mute,
  change: Change,
  accountAliases: Readonly<Record<string, string>>,
): boolean {
  const value = mute.value.toLowerCase();
  switch (mute.type) {
    case 'watch':
      return change.watches.includes(value);
    case 'actor': {
      const named = [actorKeyOf(change.actor), change.actor.display, change.actor.arn ?? '']
        .map((name) => name.toLowerCase())
        .includes(value);
      if (!named || isUnscopedNameMute(mute)) return false;
      return mute.account === undefined || isAccount(mute.account, change, accountAliases);
    }
    case 'account':
      return isAccount(value, change, accountAliases);
  }
}

function isAccount(
  idOrAlias: string,
  change: Change,
  accountAliases: Readonly<Record<string, string>>,
): boolean {
  const value = idOrAlias.toLowerCase();
  return change.account === value || accountAliases[change.account]?.toLowerCase() === value;
}

/** `watch:iam`, `actor:terraform-ci account:111122223333`: how the delivery record names the mute. */
export function describeMute(mute: Mute): string {
  return `${mute.type}:${mute.value}${mute.account === undefined ? '' : ` account:${mute.account}`}`;
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
