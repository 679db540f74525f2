// Bulk sync: one queued job per matter — the given ones, or every matter of the firm — under one batch
// id whose progress (succeeded, partial, failed, remaining, and each matter) the firm reads. The jobs run
// on the same queue as auto-sync, paced by the shared rate limiter.
import type { z } from 'zod';
import { BatchProgress, BulkSyncAccepted, SyncMatterRequest } from '../../api/functions.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';
import type { Sql } from '../../db/connection.ts';
import type { FirmMembership } from '../../db/firms.ts';
import { enqueueBulkSync } from '../../db/sync-jobs.ts';
import { adoptQueuedJobsIntoBatch, readBatchItems, readBatchTotals } from '../../db/batch-progress.ts';

export { MAX_BULK_MATTER_IDS } from '../../api/functions.ts';
/**
 * A plain member's bulk names at most this many matters. Every firm shares Smokeball's 5 requests/s, so a
 * bulk of hundreds is a firm-wide decision (an admin's, like `{ all: true }`), not one member's click.
 */
export const MAX_MEMBER_BULK_MATTER_IDS = 50;

export const SyncRequestBody = SyncMatterRequest;
export type SyncRequestBody = z.infer<typeof SyncRequestBody>;

export async function startBulkSync(
  deps: { sql: Sql },
  firm: FirmMembership,
  userId: string,
  body: { matterIds: string[] } | { all: true },
): Promise<z.infer<typeof BulkSyncAccepted>> {
  if ('all' in body && firm.role !== 'admin') throw forbidden('Only a firm admin can sync every matter');
  if ('matterIds' in body && firm.role !== 'admin' && new Set(body.matterIds).size > MAX_MEMBER_BULK_MATTER_IDS) {
    throw forbidden(`Only a firm admin can sync more than ${MAX_MEMBER_BULK_MATTER_IDS} matters at once`);
  }
  const [connection] = await deps.sql<{ status: string }[]>`select status from public.smokeball_connections where firm_id = ${firm.firmId}`;
  if (!connection || connection.status === 'disconnected') throw new AppError({ code: 'not_connected', status: 409, message: 'Smokeball is not connected for this firm; an admin must connect it first' });
  const batchId = crypto.randomUUID();
  const result = await enqueueBulkSync(deps.sql, {
    firmId: firm.firmId,
    batchId,
    requestedBy: userId,
    matterIds: 'all' in body ? 'all' : [...new Set(body.matterIds)],
  });
  if (result.unknown.length > 0 && result.queued + result.alreadyQueued === 0) throw notFound('None of these matters was found');
  const joined = result.alreadyQueued > 0
    ? await adoptQueuedJobsIntoBatch(deps.sql, firm.firmId, batchId, 'all' in body ? 'all' : [...new Set(body.matterIds)])
    : 0;
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
