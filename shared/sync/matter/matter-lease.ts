// One sync of a matter at a time, manual and automatic alike (docs/architecture.md §5): a lease row per matter
// (migration 20261126000600 says why a lease and not a session advisory lock), renewed while the work
// runs and released at the end; a holder that dies lets it expire.
import { AppError } from '../../errors.ts';
import type { Sql } from '../../db/sql.ts';
import { releaseMatterLease, renewMatterLease, tryAcquireMatterLease } from '../../db/matter-sync.ts';
import { leaseRenewalMs, withHeartbeat } from '../../heartbeat.ts';

/** Long enough to ride out a slow statement; renewed every third of it while the sync runs. */
export const MATTER_LEASE_MS = 30_000;
/** A second sync of the same matter waits this long for the first, then answers 409 sync_in_progress. */
export const MATTER_LEASE_WAIT_MS = 60_000;
/** How often a waiting sync tries the lease again. */
const LEASE_POLL_MS = 100;

export type LeaseDeps = {
  sql: Sql;
  sleep(ms: number): Promise<void>;
  now(): number;
  holder: string;
  leaseMs?: number;
  leaseWaitMs?: number;
  /** Asked while waiting: true stops waiting (409 sync_in_progress) — the caller handed the sync off. */
  stopWaiting?(): boolean;
};

export async function withMatterLease<T>(deps: LeaseDeps, firmId: string, matterId: string, work: () => Promise<T>): Promise<T> {
  const leaseMs = deps.leaseMs ?? MATTER_LEASE_MS;
  const deadline = deps.now() + (deps.leaseWaitMs ?? MATTER_LEASE_WAIT_MS);
  while (!(await tryAcquireMatterLease(deps.sql, firmId, matterId, deps.holder, leaseMs))) {
    if (deps.now() >= deadline || deps.stopWaiting?.()) {
      throw new AppError({ code: 'sync_in_progress', status: 409, message: 'This matter is already being synced; try again in a minute' });
    }
    await deps.sleep(LEASE_POLL_MS);
  }
  try {
    return await withHeartbeat(leaseRenewalMs(leaseMs), () => renewMatterLease(deps.sql, matterId, deps.holder, leaseMs), work);
  } finally {
    await releaseMatterLease(deps.sql, matterId, deps.holder).catch(() => undefined);
  }
}
