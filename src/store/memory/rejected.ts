import type { RejectedInput, RejectedInputRepository } from '../ports/rejected';
import { clone } from './clone';

/** `inputs`: what was stored, for tests that check a rejection directly. */
export function memoryRejected(inputs: RejectedInput[]): RejectedInputRepository {
  return {
    async between(fromIso, toIso, limit) {
      const within = inputs
        .filter((r) => r.at >= fromIso && r.at <= toIso)
        .sort((a, b) => `${a.at}#${a.id}`.localeCompare(`${b.at}#${b.id}`));
      return {
        count: within.length,
        first: within.slice(0, limit).map(({ id, reason, at }) => ({ id, reason: reason.slice(0, 500), at })),
      };
    },
    async save(input) {
      const index = inputs.findIndex((r) => r.id === input.id);
      if (index >= 0) inputs[index] = clone(input);
      else inputs.push(clone(input));
    },
  };
}
