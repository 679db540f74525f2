// The production RateLimiter: a slot from the Postgres GCRA shared by every process (shared/db/rate-limit.ts:
// one bucket per client id and endpoint, priority classes, a fair share between firms), then a sleep until
// that slot. Rate and burst come from
// config (SMOKEBALL_RATE_LIMIT_RPS, SMOKEBALL_RATE_LIMIT_BURST), parsed elsewhere.
import type { Sql } from 'postgres';
import { acquireRateLimitSlot } from '../db/rate-limit.ts';
import { AppError } from '../errors.ts';
import { gcraParameters, INTERACTIVE, type RateLimit, type RateLimiter } from './rate-limiter.ts';

/**
 * A slot we reached this much after it was due is given up for a fresh one: a request sent late lands
 * right before the next one's slot, a bunch Smokeball's bucket may refuse (429); an unused slot is always
 * safe. A process stalled again and again keeps asking for fresh slots until its horizon, then fails with
 * 503 like any request that found no slot: it never sends on a stale one.
 */
export const LATE_SLOT_TOLERANCE_MS = 100;
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
    async acquire(bucket, claim = INTERACTIVE) {
      const horizonMs = limit.maxWaitMs ?? MAX_SLOT_WAIT_MS;
      // A background caller is told to ask again while others go first; it gives up (503, the queue
      // retries the job later) once it has waited as long as an interactive call may.
      const giveUpAt = now() + horizonMs;
      for (;;) {
        const slot = await acquireRateLimitSlot(sql, { bucket, intervalMs, toleranceMs, horizonMs, priority: claim.priority, firmId: claim.firmId ?? null });
        if (slot.waitMs === null) {
          // Nothing reserved: beyond the horizon (interactive), or not this class's turn yet.
          if (slot.retryMs === null || now() + slot.retryMs > giveUpAt) throw rateLimitedLocally();
          await limit.sleep(Math.ceil(slot.retryMs));
          continue;
        }
        // The slot is ours from here, so the only thing left is to wait for it.
        const waitMs = Math.ceil(slot.waitMs);
        const dueAt = now() + waitMs;
        if (waitMs > 0) await limit.sleep(waitMs);
        if (now() - dueAt <= LATE_SLOT_TOLERANCE_MS) return;
        if (now() > giveUpAt) throw rateLimitedLocally();
      }
    },
  };
}
