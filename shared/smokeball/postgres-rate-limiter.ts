// The production RateLimiter: a slot from the Postgres GCRA shared by every process (migration
// 20261126000500_smokeball_rate_limiter.sql), then a sleep until that slot. Rate and burst come from
// config (SMOKEBALL_RATE_LIMIT_RPS, SMOKEBALL_RATE_LIMIT_BURST), parsed elsewhere.
import type { Sql } from 'postgres';
import { reserveRateLimitSlot } from '../db/rate-limit.ts';
import { AppError } from '../errors.ts';
import { gcraParameters, type RateLimit, type RateLimiter } from './rate-limiter.ts';

/**
 * A slot we reached this much after it was due is given up for a fresh one: a request sent late lands
 * right before the next one's slot, a bunch Smokeball's bucket may refuse; an unused slot is always safe.
 */
export const LATE_SLOT_TOLERANCE_MS = 100;
/** A process stalled again and again still sends in the end. */
const MAX_RESERVATIONS = 5;
/**
 * The furthest slot a request may reserve. A bucket is shared by every firm: without a horizon, one
 * caller firing thousands of requests would push everyone's next slot minutes ahead; with it, the excess
 * fails fast with 503 smokeball_rate_limited and the queue's retries or the user try again later. Far
 * above what the product itself queues (a bulk sync's lanes wait a few seconds at most).
 */
export const MAX_SLOT_WAIT_MS = 30_000;

export const rateLimitedLocally = () =>
  new AppError({
    code: 'smokeball_rate_limited',
    status: 503,
    message: 'Too many requests to Smokeball are waiting right now; try again in a minute',
  });

export function createPostgresRateLimiter(
  sql: Sql,
  limit: RateLimit & {
    /** Injected so tests and callers control time; e.g. `(ms) => new Promise((r) => setTimeout(r, ms))`. */
    sleep(ms: number): Promise<void>;
    now?(): number;
    /** Defaults to MAX_SLOT_WAIT_MS. */
    maxWaitMs?: number;
  },
): RateLimiter {
  const { intervalMs, toleranceMs } = gcraParameters(limit);
  const now = limit.now ?? (() => Date.now());
  return {
    async acquire(bucket) {
      for (let reservation = 1; ; reservation++) {
        const reserved = await reserveRateLimitSlot(sql, { bucket, intervalMs, toleranceMs, maxWaitMs: limit.maxWaitMs ?? MAX_SLOT_WAIT_MS });
        // -1: no slot within the horizon (none was reserved).
        if (reserved < 0) throw rateLimitedLocally();
        // The slot is ours from here, so the only thing left is to wait for it.
        const waitMs = Math.ceil(reserved);
        const dueAt = now() + waitMs;
        if (waitMs > 0) await limit.sleep(waitMs);
        if (now() - dueAt <= LATE_SLOT_TOLERANCE_MS || reservation >= MAX_RESERVATIONS) return;
      }
    },
  };
}
