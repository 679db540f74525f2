// Approved documents whose Smokeball file is gone (deleted in Smokeball, where no webhook says so): the
// link is cleared and the matter's sync is queued, which uploads the document again. A matter's files are
// one list call (cursor paging, client.ts `files.listByCursor`), so checking every matter every night
// would cost one call per matter on an endpoint all firms share at 5/s (docs/smokeball.md §6): a run
// checks at most FILE_CHECKS_PER_RUN matters, continuing where the last run stopped and wrapping around,
// so every matter's files are checked every few runs while a firm with nothing to repair stays cheap.
import type { Sql } from '../../db/sql.ts';
import { nextFileChecks, readFilesCheckedThrough, unlinkMissingFiles } from '../../db/reconcile.ts';
import { queueMatterSyncJob } from '../../db/sync-jobs.ts';
import { AppError } from '../../errors.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { ReconcileCounts } from './counts.ts';

/** Matters whose files one run checks: 1,000 matters are all checked every 20 nights (at most 50 calls a run). */
export const FILE_CHECKS_PER_RUN = 50;

/** Returns where the next run continues (the last matter checked), or null to start over. */
export async function checkFiles(
  deps: { sql: Sql; fileChecksPerRun?: number },
  client: SmokeballClient,
  firmId: string,
  deletedMatters: Set<string>,
  counts: ReconcileCounts,
): Promise<string | null> {
  const after = await readFilesCheckedThrough(deps.sql, firmId);
  const checks = await nextFileChecks(deps.sql, firmId, after, deps.fileChecksPerRun ?? FILE_CHECKS_PER_RUN);
  let last: string | null = null;
  for (const check of checks) {
    last = check.matterId;
    if (deletedMatters.has(check.smokeballMatterId) || check.documents.length === 0) continue;
    const present = new Set<string>();
    try {
      for await (const file of client.files.listByCursor(check.smokeballMatterId)) if (!file.isDeleted) present.add(file.id);
    } catch (err) {
      // The matter itself is gone (GetFiles answers 403 for a matter it cannot see): the matters check
      // marks it; its files are not "missing" from a matter that is not there.
      if (err instanceof AppError && (err.code === 'smokeball_not_found' || err.code === 'smokeball_forbidden')) continue;
      throw err;
    }
    counts.documentsChecked += check.documents.length;
    const missing = check.documents.filter((d) => !present.has(d.fileId));
    if (missing.length === 0) continue;
    const unlinked = await unlinkMissingFiles(deps.sql, firmId, missing);
    if (unlinked > 0) {
      counts.documentsRequeued += unlinked;
      await queueMatterSyncJob(deps.sql, { firmId, matterId: check.matterId, trigger: 'bulk', requestedBy: null });
    }
  }
  // A run that reached the end starts the next one from the beginning.
  return checks.length < (deps.fileChecksPerRun ?? FILE_CHECKS_PER_RUN) ? null : last;
}
