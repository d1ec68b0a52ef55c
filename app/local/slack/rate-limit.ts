/**
 * Slack's posting limit as the stand-in enforces it: chat.postMessage allows about one message per
 * second per channel and tolerates short bursts. Modelled as one token bucket per channel: it holds
 * `burst` tokens, refills at `perSecond`, and each posted message takes one.
 */
export interface ChannelRateLimit {
  /** Sustained messages per second per channel (Slack documents 1). */
  readonly perChannelPerSecond: number;
  /** Messages a quiet channel accepts at once before the sustained rate applies. Default 3. */
  readonly burst?: number;
}

/** Default burst: Slack promises "short bursts >1" without a number; 3 is deliberately stricter than observed. */
export const DEFAULT_BURST = 3;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Token buckets per channel on an injectable clock. */
export class ChannelRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;

  constructor(
    private readonly limit: ChannelRateLimit,
    private readonly clock: () => number,
  ) {
    this.burst = limit.burst ?? DEFAULT_BURST;
    if (!(limit.perChannelPerSecond > 0) || !(this.burst >= 1)) {
      throw new RangeError('rate limit needs perChannelPerSecond > 0 and burst >= 1');
    }
  }

  /**
   * Whole seconds to wait before the channel accepts another message (Slack's Retry-After is an
   * integer), or 0 when it accepts one now.
   */
  retryAfterSeconds(channel: string): number {
    const bucket = this.refill(channel);
    if (bucket.tokens >= 1) return 0;
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perChannelPerSecond));
  }

  /** Takes one token for a message that was posted. */
  take(channel: string): void {
    const bucket = this.refill(channel);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
  }

  reset(): void {
    this.buckets.clear();
  }

  private refill(channel: string): Bucket {
    const now = this.clock();
    const bucket = this.buckets.get(channel) ?? { tokens: this.burst, updatedAt: now };
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(this.burst, bucket.tokens + elapsedSeconds * this.limit.perChannelPerSecond);
    bucket.updatedAt = now;
    this.buckets.set(channel, bucket);
    return bucket;
  }
}
