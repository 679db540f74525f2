// The Postgres GCRA shared by every process (migration 20261126000500_smokeball_rate_limiter.sql): one
// statement reserves the bucket's next slot. The loop around it is shared/smokeball/postgres-rate-limiter.ts.
import type { Sql } from 'postgres';

/**
 * Reserves the bucket's next slot and returns how long to wait for it, in ms; -1 when no slot is free
 * within `maxWaitMs` (then none was reserved).
 */
export async function reserveRateLimitSlot(
  sql: Sql,
  slot: { bucket: string; intervalMs: number; toleranceMs: number; maxWaitMs: number },
): Promise<number> {
  const [row] = await sql<{ wait_ms: number }[]>`
    select private.smokeball_rate_limit_reserve(${slot.bucket}, ${slot.intervalMs}, ${slot.toleranceMs}, ${slot.maxWaitMs}) as wait_ms
  `;
  // float8 arrives as a number.
  return Number(row.wait_ms);
}
