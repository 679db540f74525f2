// import-smokeball-matters, POST: queue the import of Smokeball matters — the ones named, or every matter
// of the firm's Smokeball account — one job per matter under a batch id whose progress the admin reads like
// a bulk sync's. Matters already linked to a CaseHug matter are not queued (and a job finding one linked
// meanwhile creates nothing). The jobs run on the queue in the lowest class of the shared limit.
import type { ImportMattersAccepted, ImportMattersRequest, ImportProgress } from '../../api/functions.ts';
import { AppError, notFound } from '../../errors.ts';
import type { FirmMembership } from '../../db/firms.ts';
import { enqueueImports, readImportProgress } from '../../db/imports.ts';
import { listMatterLinks } from '../../db/links.ts';
import type { Sql } from '../../db/sql.ts';
import { recordRefusedRun } from '../../db/sync-runs.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';
import { checkConnection } from '../connection/require-connection.ts';

/** What to import: the named Smokeball matters (deduplicated) or every matter of the account. */
export type ImportSelection = { ids: string[] } | 'all';

export function importSelection(body: ImportMattersRequest): ImportSelection {
  return 'all' in body ? 'all' : { ids: [...new Set(body.smokeballMatterIds)] };
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
  selection: ImportSelection,
): Promise<ImportMattersAccepted> {
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
  const linked = new Set((await listMatterLinks(deps.sql, firm.firmId, ids)).map((l) => l.smokeballMatterId));
  const batchId = crypto.randomUUID();
  const queued = await enqueueImports(deps.sql, { firmId: firm.firmId, batchId, requestedBy: userId, smokeballMatterIds: ids.filter((id) => !linked.has(id)) });
  return { batchId: queued > 0 ? batchId : null, queued, alreadyLinked: linked.size };
}

/** import-smokeball-matters, GET ?batchId=: the batch's progress, to members of its firm only. */
export async function readImport(sql: Sql, firmId: string, batchId: string): Promise<ImportProgress> {
  const progress = await readImportProgress(sql, firmId, batchId);
  if (!progress) throw notFound('No such import batch');
  return { batchId, ...progress };
}
