// The production RateLimiter: a slot from the Postgres GCRA shared by every process (migration
// 20261126000500_smokeball_rate_limiter.sql), then a sleep until that slot. Rate and burst come from
// config (SMOKEBALL_RATE_LIMIT_RPS, SMOKEBALL_RATE_LIMIT_BURST), parsed elsewhere.
import type { Sql } from 'postgres';
import { gcraParameters, type RateLimit, type RateLimiter } from '../smokeball/rate-limiter.ts';

/**
 * A slot we reached this much after it was due is given up for a fresh one: a request sent late lands
 * right before the next one's slot, a bunch Smokeball's bucket may refuse; an unused slot is always safe.
 */
export const LATE_SLOT_TOLERANCE_MS = 100;
/** A process stalled again and again still sends in the end. */
const MAX_RESERVATIONS = 5;

export function createPostgresRateLimiter(
  sql: Sql,
  limit: RateLimit & {
    /** Injected so tests and callers control time (STYLE §2); e.g. `(ms) => new Promise((r) => setTimeout(r, ms))`. */
    sleep(ms: number): Promise<void>;
    now?(): number;
  },
): RateLimiter {
  const { intervalMs, toleranceMs } = gcraParameters(limit);
  const now = limit.now ?? (() => Date.now());
  return {
    async acquire(bucket) {
      for (let reservation = 1; ; reservation++) {
        const [row] = await sql<{ wait_ms: number }[]>`
          select private.smokeball_rate_limit_reserve(${bucket}, ${intervalMs}, ${toleranceMs}) as wait_ms
        `;
        // float8 arrives as a number; the slot is ours from here, so the only thing left is to wait for it.
        const waitMs = Math.ceil(Number(row.wait_ms));
        const dueAt = now() + waitMs;
        if (waitMs > 0) await limit.sleep(waitMs);
        if (now() - dueAt <= LATE_SLOT_TOLERANCE_MS || reservation >= MAX_RESERVATIONS) return;
      }
    },
  };
}
