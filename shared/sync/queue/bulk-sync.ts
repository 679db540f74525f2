// Bulk sync: one queued job per matter — the given ones, or every matter of the firm — under one batch
// id whose progress (succeeded, partial, failed, remaining, and each matter) the firm reads. The jobs run
// on the same queue as auto-sync, paced by the shared rate limiter.
import type { z } from 'zod';
import { BatchProgress, BulkSyncAccepted } from '../../api/functions.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';
import { checkConnection } from '../connection/require-connection.ts';
import type { Sql } from '../../db/sql.ts';
import type { FirmMembership } from '../../db/firms.ts';
import { enqueueBulkSync } from '../../db/sync-jobs.ts';
import { recordRefusedRun } from '../../db/sync-runs.ts';
import { adoptQueuedJobsIntoBatch, readBatchItems, readBatchTotals } from '../../db/batch-progress.ts';

/**
 * A plain member's bulk names at most this many matters. Every firm shares Smokeball's 5 requests/s, so a
 * bulk of hundreds is a firm-wide decision (an admin's, like `{ all: true }`), not one member's click.
 */
export const MAX_MEMBER_BULK_MATTER_IDS = 50;

export async function startBulkSync(
  deps: { sql: Sql; assertConfigured?(): Promise<void> },
  firm: FirmMembership,
  userId: string,
  body: { matterIds: string[] } | { all: true },
): Promise<z.infer<typeof BulkSyncAccepted>> {
  const matterIds = 'all' in body ? 'all' : [...new Set(body.matterIds)];
  // A bulk refused as a whole is one history row (no matter: the request, not any one matter, was refused).
  const refuse = async (error: AppError): Promise<never> => {
    const detail = matterIds === 'all' ? 'all matters' : `${matterIds.length} matters`;
    const runId = await recordRefusedRun(deps.sql, { firmId: firm.firmId, matterId: null, jobId: null, trigger: 'bulk' }, error, detail);
    // The answer points at the history row that records the refusal.
    throw new AppError({ code: error.code, status: error.status, message: error.message, details: error.details, runId, cause: error });
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
  const joined = result.alreadyQueued > 0 ? await adoptQueuedJobsIntoBatch(deps.sql, firm.firmId, batchId, matterIds) : 0;
  // Nothing in the batch (no matters, or all queued in other batches): no batch to follow. Unknown ids
  // and other firms' ids alike are `notFound`: the answer never says which matters another firm has.
  return {
    batchId: result.queued + joined > 0 ? batchId : null,
    queued: result.queued,
    alreadyQueued: result.alreadyQueued,
    joined,
    notFound: result.unknown,
  };
}

/** A batch's progress and one page of its matters (`BatchProgress`); finishedAt once nothing remains. */
export async function readBulkSync(
  deps: { sql: Sql },
  firmId: string,
  query: { batchId: string; offset: number; limit: number },
): Promise<z.infer<typeof BatchProgress>> {
  const totals = await readBatchTotals(deps.sql, firmId, query.batchId);
  if (!totals) throw notFound('No such sync batch');
  const items = await readBatchItems(deps.sql, firmId, query.batchId, query);
  const { startedAt, lastChangeAt, ...counts } = totals;
  return {
    batchId: query.batchId,
    ...counts,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: counts.remaining === 0 ? new Date(lastChangeAt).toISOString() : null,
    items,
    offset: query.offset,
    limit: query.limit,
  };
}
