import { actorKeyOf } from '../../changes/actor-key';
import { toLine } from '../../changes/burst';
import type { ChangeRepository, StoredChange } from '../ports/changes';
import { clone } from './clone';

export function memoryChanges(): ChangeRepository {
  const changeItems = new Map<string, StoredChange>();
  return {
    async save(record) {
      if (changeItems.has(record.change.id)) return false;
      changeItems.set(record.change.id, clone(record));
      return true;
    },
    async get(id) {
      const record = changeItems.get(id);
      return record && clone(record);
    },
    async byActor(account, actorKey, fromIso, toIso, limit) {
      return [...changeItems.values()]
        .map((record) => record.change)
        .filter(
          (c) =>
            c.account === account && actorKeyOf(c.actor) === actorKey && c.time >= fromIso && c.time <= toIso,
        )
        .sort((a, b) => (a.time === b.time ? a.id.localeCompare(b.id) : a.time.localeCompare(b.time)))
        .slice(-limit)
        .map(toLine);
    },
  };
}
