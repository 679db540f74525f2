// A token bucket per client id and endpoint (docs/smokeball.md §6: "5 rps with a burst of 5", "per client ID and
// endpoint"). Real time (not the sim clock): throttling is about request pacing, which the clock control
// must not disturb.

export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterS: number };

type Bucket = { tokens: number; updatedMs: number };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  take(bucketKey: string, rps: number, burst: number, nowMs = performance.now()): RateLimitVerdict {
    let bucket = this.buckets.get(bucketKey);
    if (!bucket) {
      bucket = { tokens: burst, updatedMs: nowMs };
      this.buckets.set(bucketKey, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.updatedMs) / 1000) * rps);
    bucket.updatedMs = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterS: Math.max(1, Math.ceil((1 - bucket.tokens) / rps)) };
  }

  reset(): void {
    this.buckets.clear();
  }
}
