// Client-side throttling for Smokeball's limit of 5 requests/s with a burst of 5 per client id and
// endpoint, shared by every firm (docs/smokeball.md §6; docs/architecture.md §5 "Rate limit"). The production limiter is the
// Postgres GCRA in shared/db/rate-limit.ts, shared by every process; this file holds the interface, the
// bucket naming, the GCRA parameters both limiters use, and in-memory limiters for tests and scripts.

/**
 * Who is asking for a slot, most urgent first: a member waiting on a click (sync-matter for one matter,
 * smokeball-matters, smokeball-matter-types, connect), webhook processing, auto-sync, then bulk syncs and
 * reconciliation. The shared limiter serves classes in that order, keeps a share of every second for
 * interactive calls, and shares a class fairly between firms (migration 20261201180200_rate_limit_classes.sql).
 */
export const REQUEST_PRIORITIES = ['interactive', 'webhook', 'auto', 'bulk'] as const;
export type RequestPriority = (typeof REQUEST_PRIORITIES)[number];

/** The class and firm a request is made for; without one, a request is interactive and of no firm. */
export type SlotClaim = { priority: RequestPriority; firmId?: string | null };

export const INTERACTIVE: SlotClaim = { priority: 'interactive' };

/** The class of a sync by what started it: a member's manual sync is interactive, the rest background. */
export function priorityOfTrigger(trigger: 'manual' | 'auto' | 'bulk' | 'webhook'): RequestPriority {
  return trigger === 'manual' ? 'interactive' : trigger;
}

export type RateLimiter = {
  /** Resolves when a request for `bucket` may be sent; the slot is reserved before it resolves. */
  acquire(bucket: string, claim?: SlotClaim): Promise<void>;
};

/** For unit tests of logic that does not involve throttling. */
export const noRateLimit: RateLimiter = { acquire: async () => {} };

/**
 * The bucket of one request: `${clientId}:${METHOD} ${route template}`, ids as `{id}`, e.g.
 * `abc:GET /matters/{id}`. Smokeball limits per client id and endpoint (docs/smokeball.md §6 [ISSUES]); the
 * simulator throttles by exactly this key.
 */
export function rateLimitBucket(clientId: string, endpoint: string): string {
  return `${clientId}:${endpoint}`;
}

/**
 * Added to the emission interval T = 1000/rps: our clock (Postgres `clock_timestamp()`) and Smokeball's may
 * tick at slightly different rates, and a simulator may refill in whole milliseconds. 2 ms of 200 ms costs
 * 1% of throughput.
 */
export const GCRA_INTERVAL_MARGIN_MS = 2;

/**
 * Removed from the burst tolerance τ = (burst−1)·T. The limiter decides *dispatch* times; Smokeball's
 * bucket sees *arrival* times, which trail dispatch by a variable delay (the reservation's round trip,
 * timer lateness, event-loop stalls, the network). A schedule that is exactly at the bound stops conforming
 * as soon as one request is a little later than the next: with arrivals in [t+dmin, t+dmax], any window of
 * length L holds at most 1 + (L + J + τ)/T dispatches (J = dmax − dmin), which stays within Smokeball's
 * burst + L/T only if τ ≤ (burst−1)·T − J. So we give up J of burst (one burst of 5 becomes 4 at once and
 * the 5th 100 ms later) and keep the full sustained rate.
 *
 * 400 ms, i.e. half the burst at 5 rps / burst 5 (τ = 400 ms: three requests at once, then one per
 * interval). Measured with tests/integration/smokeball/rate-limiter-processes.test.ts (6 processes × 50
 * calls, 2 cores, other load on the host): the delay from the reservation in Postgres to the process
 * actually sending reached 290–380 ms (p50 20–40 ms), because a process that gets 50 answers at once, or is
 * descheduled, sends late; in production, new TLS connections and network paths to Smokeball add their own
 * spread. With the former 100 ms, 3–5 of 300 requests were answered 429; with 800 ms (no burst at all),
 * none in any run. 400 ms covers the measured spread; that test and every benchmark since (`npm run bench`,
 * 0 × 429 in each scenario) hold it. The price is the burst only: a stage of a bulk sync takes
 * (n − 3)·T instead of (n − 5)·T, 0.4 s more per busy endpoint; the sustained rate is unchanged.
 */
export const GCRA_JITTER_ALLOWANCE_MS = 400;

export type RateLimit = { rps: number; burst: number; jitterAllowanceMs?: number };

/** GCRA parameters: emission interval and burst tolerance, in ms (see the two constants above). */
export function gcraParameters({ rps, burst, jitterAllowanceMs = GCRA_JITTER_ALLOWANCE_MS }: RateLimit) {
  if (!(rps > 0) || !Number.isInteger(burst) || burst < 1) {
    throw new RangeError('rate limit needs rps > 0 and an integer burst >= 1');
  }
  const nominalIntervalMs = 1000 / rps;
  return {
    intervalMs: nominalIntervalMs + GCRA_INTERVAL_MARGIN_MS,
    toleranceMs: Math.max(0, (burst - 1) * nominalIntervalMs - jitterAllowanceMs),
  };
}

/**
 * One GCRA reservation, the same arithmetic as `private.smokeball_rate_limit_reserve` in
 * supabase/migrations/20261126000500_smokeball_rate_limiter.sql: the request is due at the theoretical
 * arrival time (TAT) minus the tolerance; the next TAT is one interval later.
 */
export function reserveGcraSlot(
  tatMs: number | undefined,
  nowMs: number,
  { intervalMs, toleranceMs }: { intervalMs: number; toleranceMs: number },
): { waitMs: number; nextTatMs: number } {
  const due = Math.max(tatMs ?? nowMs, nowMs);
  return { waitMs: Math.max(0, due - toleranceMs - nowMs), nextTatMs: due + intervalMs };
}

/** A single-process GCRA limiter (scripts and tests); production uses the Postgres one. */
export function createInMemoryRateLimiter(
  limit: RateLimit,
  deps: { now(): number; sleep(ms: number): Promise<void> },
): RateLimiter {
  const parameters = gcraParameters(limit);
  const tats = new Map<string, number>();
  return {
    async acquire(bucket) {
      const { waitMs, nextTatMs } = reserveGcraSlot(tats.get(bucket), deps.now(), parameters);
      tats.set(bucket, nextTatMs);
      if (waitMs > 0) await deps.sleep(waitMs);
    },
  };
}
