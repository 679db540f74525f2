// Bulk sync: one queued job per matter — the given ones, or every matter of the firm — under
// one batch id whose progress (done, failed, remaining) the firm reads from `sync_batches`. The jobs run
// on the same queue as auto-sync, paced by the shared rate limiter.
import { z } from 'zod';
import { AppError, forbidden, notFound } from '../../errors.ts';
import { checkConnection } from '../connection/require-connection.ts';
import type { Sql } from '../../db/sql.ts';
import type { FirmMembership } from '../../db/firms.ts';
import { enqueueBulkSync, readBatchProgress } from '../../db/sync-jobs.ts';
import { recordRefusedRun } from '../../db/sync-runs.ts';

/** A request names at most this many matters; `{ all: true }` has no such limit. */
export const MAX_BULK_MATTER_IDS = 500;
/**
 * A plain member's bulk names at most this many matters. Every firm shares Smokeball's 5 requests/s, so a
 * bulk of hundreds is a firm-wide decision (an admin's, like `{ all: true }`), not one member's click.
 */
export const MAX_MEMBER_BULK_MATTER_IDS = 50;

export const SyncRequestBody = z.union([
  z.object({ matterId: z.uuid() }).strict(),
  z.object({ matterIds: z.array(z.uuid()).min(1).max(MAX_BULK_MATTER_IDS) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);
export type SyncRequestBody = z.infer<typeof SyncRequestBody>;

export async function startBulkSync(
  deps: { sql: Sql; assertConfigured?(): Promise<void> },
  firm: FirmMembership,
  userId: string,
  body: { matterIds: string[] } | { all: true },
): Promise<{ batchId: string | null; queued: number; alreadyQueued: number }> {
  const matterIds = 'all' in body ? 'all' : [...new Set(body.matterIds)];
  // A bulk refused as a whole is one history row (no matter: the request, not any one matter, was refused).
  const refuse = async (error: AppError): Promise<never> => {
    const detail = matterIds === 'all' ? 'all matters' : `${matterIds.length} matters`;
    await recordRefusedRun(deps.sql, { firmId: firm.firmId, matterId: null, jobId: null, trigger: 'bulk' }, error, detail);
    throw error;
  };
  if (matterIds === 'all' && firm.role !== 'admin') return refuse(forbidden('Only a firm admin can sync every matter'));
  if (matterIds !== 'all' && firm.role !== 'admin' && matterIds.length > MAX_MEMBER_BULK_MATTER_IDS) {
    return refuse(forbidden(`Only a firm admin can sync more than ${MAX_MEMBER_BULK_MATTER_IDS} matters at once`));
  }
  try {
    await deps.assertConfigured?.();
  } catch (err) {
    if (err instanceof AppError) return refuse(err);
    throw err;
  }
  // Re-authorisation needed is no refusal: the jobs are queued and wait (parked) for the reconnect.
  const connection = await checkConnection(deps.sql, firm.firmId, { allowNeedsReauth: true });
  if (!connection.usable) return refuse(connection.error);
  const batchId = crypto.randomUUID();
  const result = await enqueueBulkSync(deps.sql, { firmId: firm.firmId, batchId, requestedBy: userId, matterIds });
  if (result.unknown.length > 0 && result.queued + result.alreadyQueued === 0) return refuse(notFound('None of these matters was found'));
  // Nothing new to queue (no matters, or all already queued): no batch to follow.
  return { batchId: result.queued > 0 ? batchId : null, queued: result.queued, alreadyQueued: result.alreadyQueued };
}

export async function readBulkSync(deps: { sql: Sql }, firmId: string, batchId: string) {
  const progress = await readBatchProgress(deps.sql, firmId, batchId);
  if (!progress) throw notFound('No such sync batch');
  return { batchId, ...progress };
}
