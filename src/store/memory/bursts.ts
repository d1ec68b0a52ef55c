import type { BurstGroup, BurstGroupRepository } from '../ports/bursts';
import { clone } from './clone';

export function memoryBursts(): BurstGroupRepository {
  const groups = new Map<string, BurstGroup>();
  return {
    async get(channel, key) {
      const group = groups.get(`${channel}#${key}`);
      return group && clone(group);
    },
    async save(group, expected) {
      const key = `${group.channel}#${group.key}`;
      const stored = groups.get(key);
      const current =
        expected === undefined
          ? stored === undefined
          : stored?.version === expected.version && stored.alertId === expected.alertId;
      if (!current) return false;
      groups.set(key, clone(group));
      return true;
    },
    async close(channel, key, alertId) {
      if (groups.get(`${channel}#${key}`)?.alertId === alertId) groups.delete(`${channel}#${key}`);
    },
  };
}
