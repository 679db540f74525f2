// The Postgres GCRA shared by every process (migrations 20261126000500_smokeball_rate_limiter.sql and, for
// the priority classes and the fair share between firms, 20261201180200_rate_limit_classes.sql): one
// statement asks for the bucket's next slot. The loop around it is shared/smokeball/postgres-rate-limiter.ts.
import type { Sql } from 'postgres';

/**
 * Asks for the bucket's next slot for a caller of `priority`. `waitMs`: the slot is reserved, wait this
 * long for it. `waitMs` null: nothing was reserved; `retryMs` says when to ask again (not this class's turn
 * yet), or is null too when no slot is free within `horizonMs`.
 */
export async function acquireRateLimitSlot(
  sql: Sql,
  slot: { bucket: string; intervalMs: number; toleranceMs: number; horizonMs: number; priority: string; firmId: string | null },
): Promise<{ waitMs: number | null; retryMs: number | null }> {
  const [row] = await sql<{ wait_ms: number | null; retry_ms: number | null }[]>`
    select wait_ms, retry_ms from private.smokeball_rate_limit_acquire(
      ${slot.bucket}, ${slot.intervalMs}, ${slot.toleranceMs}, ${slot.horizonMs}, ${slot.priority}, ${slot.firmId})
  `;
  // float8 arrives as a number (or null).
  return { waitMs: row.wait_ms === null ? null : Number(row.wait_ms), retryMs: row.retry_ms === null ? null : Number(row.retry_ms) };
}
