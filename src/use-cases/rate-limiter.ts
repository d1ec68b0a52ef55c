import type { Clock } from './ports';

/** Waits before each call so that calls stay within a rate. */
export interface RateLimiter {
  /** Resolves when the next call may be made (at once, or after a sleep on the clock). */
  take(): Promise<void>;
}

/**
 * Calls spaced at least `1000 / perSecond` ms apart on `clock` (a token bucket holding one token): any
 * one-second window then sees at most `perSecond` calls, which is how AWS states API quotas such as
 * CloudTrail LookupEvents' 2 requests per second per account and region. Concurrent takers queue: each
 * reserves its slot before it sleeps.
 */
export function createRateLimiter(clock: Clock, perSecond: number): RateLimiter {
  const spacingMs = 1000 / perSecond;
  let nextAt = Number.NEGATIVE_INFINITY;
  return {
    async take() {
      const now = clock.now().getTime();
      const slot = Math.max(now, nextAt);
      nextAt = slot + spacingMs;
      if (slot > now) await clock.sleep(slot - now);
    },
  };
}
