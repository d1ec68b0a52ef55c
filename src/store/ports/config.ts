import type { ActorCheckSetting, ActorConfirms } from '../../model/actor-check';
import type { EscalationSetting } from '../../model/escalation-policy';
import type { Mute, MuteTargetType } from '../../model/mute';
import type { Subscription } from '../../model/subscription';

export interface RoutingConfig {
  subscriptions: Subscription[];
  /** Unexpired mutes only. */
  mutes: Mute[];
  /** True once a default channel was subscribed (so an explicit unsubscribe-all is respected). */
  bootstrapped: boolean;
  /** Channels' escalation settings (`/infrawatch escalate`); a channel without one has the default policy. */
  escalations?: EscalationSetting[];
  /** Channels' "Was this you?" settings; a channel without one has the defaults (see model/actor-check.ts). */
  actorChecks?: ActorCheckSetting[];
}

/** Which channel gets which watches, and what is muted: read whole on every batch of changes. */
export interface ConfigRepository {
  /** Subscriptions and unexpired mutes of every channel: one Query, small. */
  load(nowIso: string): Promise<RoutingConfig>;
  /**
   * Subscribes `channel` to `all` the first time the table is used; once done, never again (an explicit
   * unsubscribe-all stays). When it returns, the subscription is in place. @returns true when this call did it.
   */
  bootstrap(channel: string, atIso: string): Promise<boolean>;
  subscribe(channel: string, watches: readonly string[], setBy: string, atIso: string): Promise<void>;
  unsubscribe(channel: string, watches: readonly string[]): Promise<void>;
  putMute(mute: Mute): Promise<void>;
  /** Sets (replaces) a channel's escalation setting. */
  putEscalation(setting: EscalationSetting): Promise<void>;
  /** Sets one field of a channel's "Was this you?" settings, keeping the other. @returns the setting after. */
  putActorCheck(
    channel: string,
    change: { ask: boolean } | { confirms: ActorConfirms },
    setBy: string,
    atIso: string,
  ): Promise<ActorCheckSetting>;
  /** Removes one mute (`account`: of an actor name mute). @returns the mute that was removed, if there was one. */
  deleteMute(
    channel: string,
    type: MuteTargetType,
    value: string,
    account?: string,
  ): Promise<Mute | undefined>;
}
