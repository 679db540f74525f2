// Bulk sync (issue 8): one queued job per matter — the given ones, or every matter of the firm — under
// one batch id whose progress (done, failed, remaining) the firm reads from `sync_batches`. The jobs run
// on the same queue as auto-sync, paced by the shared rate limiter.
import type { z } from 'zod';
import { SyncMatterRequest } from '../../api/functions.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';
import type { Sql } from '../../db/connection.ts';
import type { FirmMembership } from '../../db/firms.ts';
import { enqueueBulkSync, readBatchProgress } from '../../db/sync-jobs.ts';

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
): Promise<{ batchId: string | null; queued: number; alreadyQueued: number; notFound: string[] }> {
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
  // Nothing new to queue (no matters, or all already queued): no batch to follow.
  // Unknown ids and other firms' ids alike are `notFound`: the answer never says which matters another firm has.
  return { batchId: result.queued > 0 ? batchId : null, queued: result.queued, alreadyQueued: result.alreadyQueued, notFound: result.unknown };
}

export async function readBulkSync(deps: { sql: Sql }, firmId: string, batchId: string) {
  const progress = await readBatchProgress(deps.sql, firmId, batchId);
  if (!progress) throw notFound('No such sync batch');
  return { batchId, ...progress };
}
