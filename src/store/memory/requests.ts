import type { RequestClaimRepository } from '../ports/requests';

export function memoryRequests(): RequestClaimRepository {
  const requestClaims = new Map<string, string>();
  return {
    async claim(key, nowIso, untilIso) {
      const until = requestClaims.get(key);
      if (until !== undefined && until >= nowIso) return false;
      requestClaims.set(key, untilIso);
      return true;
    },
    async release(key, untilIso) {
      if (requestClaims.get(key) === untilIso) requestClaims.delete(key);
    },
  };
}
