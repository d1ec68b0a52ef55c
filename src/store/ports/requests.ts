/** Slack requests acted on once: a replayed or double-submitted command acts once, whichever container gets it. */
export interface RequestClaimRepository {
  /**
   * Claims a request key (a hashed Slack `trigger_id`, or one user's command in one channel) until `untilIso`,
   * unless an unexpired claim holds it. @returns true when this call claimed it.
   */
  claim(key: string, nowIso: string, untilIso: string): Promise<boolean>;
  /** Gives up this call's claim (the one that lasts until `untilIso`) after a failure, so a retry may act. */
  release(key: string, untilIso: string): Promise<void>;
}
