import type { ActorCheckSetting } from '../../model/actor-check';
import type { EscalationSetting } from '../../model/escalation-policy';
import type { Mute } from '../../model/mute';
import type { Subscription } from '../../model/subscription';
import { keys } from '../keys';
import type { ConfigRepository } from '../ports/config';
import { clone } from './clone';

export function memoryConfig(): ConfigRepository {
  const subscriptions = new Map<string, Subscription>();
  const mutes = new Map<string, Mute>();
  let bootstrapped = false;
  const escalationSettings = new Map<string, EscalationSetting>();
  const actorChecks = new Map<string, ActorCheckSetting>();
  return {
    async load(nowIso) {
      return {
        subscriptions: clone([...subscriptions.values()]),
        mutes: clone([...mutes.values()].filter((mute) => mute.expiresAt > nowIso)),
        bootstrapped,
        escalations: clone([...escalationSettings.values()]),
        actorChecks: clone([...actorChecks.values()]),
      };
    },
    async bootstrap(channel, atIso) {
      if (bootstrapped) return false;
      subscriptions.set(`${channel}#all`, { channel, watch: 'all', setBy: 'infrawatch', setAt: atIso });
      bootstrapped = true;
      return true;
    },
    async subscribe(channel, watches, setBy, atIso) {
      for (const watch of watches)
        subscriptions.set(`${channel}#${watch}`, { channel, watch, setBy, setAt: atIso });
    },
    async unsubscribe(channel, watches) {
      for (const watch of watches) subscriptions.delete(`${channel}#${watch}`);
    },
    async putMute(mute) {
      mutes.set(keys.mute(mute.channel, mute.type, mute.value, mute.account).sk, clone(mute));
    },
    async putEscalation(setting) {
      escalationSettings.set(setting.channel, clone(setting));
    },
    async putActorCheck(channel, change, setBy, atIso) {
      const setting: ActorCheckSetting = {
        ...actorChecks.get(channel),
        ...change,
        channel,
        setBy,
        setAt: atIso,
      };
      actorChecks.set(channel, clone(setting));
      return clone(setting);
    },
    async deleteMute(channel, type, value, account) {
      const key = keys.mute(channel, type, value, account).sk;
      const mute = mutes.get(key);
      mutes.delete(key);
      return mute;
    },
  };
}
