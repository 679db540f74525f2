// import-smokeball-matters, POST: queue the import of Smokeball matters — the ones named, or every matter
// of the firm's Smokeball account — one job per matter under a batch id whose progress the admin reads like
// a bulk sync's. Matters already linked to a CaseHug matter are not queued (and a job finding one linked
// meanwhile creates nothing). The jobs run on the queue in the lowest class of the shared limit.
import { z } from 'zod';
import { AppError, badRequest, notFound } from '../../errors.ts';
import type { FirmMembership } from '../../db/firms.ts';
import { enqueueImports, linkedSmokeballMatterIds, readImportProgress } from '../../db/imports.ts';
import type { Sql } from '../../db/sql.ts';
import { recordRefusedRun } from '../../db/sync-runs.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';
import { checkConnection } from '../connection/require-connection.ts';

/** A request names at most this many matters (one Smokeball list page); `{ all: true }` has no limit. */
export const MAX_IMPORT_MATTER_IDS = 500;

export const ImportRequestBody = z
  .object({
    smokeballMatterIds: z.array(z.string().trim().min(1).max(200)).min(1).max(MAX_IMPORT_MATTER_IDS).optional(),
    all: z.literal(true).optional(),
  })
  .strict();
export type ImportRequestBody = z.infer<typeof ImportRequestBody>;

/** Exactly one of the two ways to say what to import. */
export function importSelection(body: ImportRequestBody): { ids: string[] } | 'all' {
  if ((body.smokeballMatterIds === undefined) === (body.all === undefined)) {
    throw badRequest('invalid_body', 'Send either smokeballMatterIds (1 to 500 Smokeball matter ids) or all: true, not both');
  }
  return body.all ? 'all' : { ids: [...new Set(body.smokeballMatterIds)] };
}

export type StartImportDeps = {
  sql: Sql;
  assertConfigured(): Promise<void>;
  /** A client for listing the account's matters while the admin waits (interactive class). */
  clientFor(region: SmokeballRegion): Promise<SmokeballClient>;
};

export async function startImport(
  deps: StartImportDeps,
  firm: FirmMembership,
  userId: string,
  selection: { ids: string[] } | 'all',
): Promise<{ batchId: string | null; queued: number; alreadyLinked: number }> {
  // A request refused as a whole is one history row, as a refused bulk sync is.
  const refuse = async (error: AppError): Promise<never> => {
    const detail = selection === 'all' ? 'all Smokeball matters' : `${selection.ids.length} Smokeball matters`;
    await recordRefusedRun(deps.sql, { firmId: firm.firmId, matterId: null, jobId: null, trigger: 'import' }, error, detail);
    throw error;
  };
  try {
    await deps.assertConfigured();
  } catch (err) {
    if (err instanceof AppError) return refuse(err);
    throw err;
  }
  // Named matters may wait for a re-authorisation (the jobs park); listing them all needs Smokeball now.
  const connection = await checkConnection(deps.sql, firm.firmId, { allowNeedsReauth: selection !== 'all' });
  if (!connection.usable) return refuse(connection.error);

  let ids: string[];
  if (selection === 'all') {
    const client = await deps.clientFor(connection.connection.region);
    ids = [];
    for await (const matter of client.matters.list()) if (!matter.isLead) ids.push(matter.id);
  } else {
    ids = selection.ids;
  }
  const linked = await linkedSmokeballMatterIds(deps.sql, firm.firmId, ids);
  const batchId = crypto.randomUUID();
  const queued = await enqueueImports(deps.sql, { firmId: firm.firmId, batchId, requestedBy: userId, smokeballMatterIds: ids.filter((id) => !linked.has(id)) });
  return { batchId: queued > 0 ? batchId : null, queued, alreadyLinked: linked.size };
}

/** import-smokeball-matters, GET ?batchId=: the batch's progress, to members of its firm only. */
export async function readImport(sql: Sql, firmId: string, batchId: string) {
  const progress = await readImportProgress(sql, firmId, batchId);
  if (!progress) throw notFound('No such import batch');
  return { batchId, ...progress };
}
