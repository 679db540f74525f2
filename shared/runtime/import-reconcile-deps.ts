// The import and reconciliation features wired to a function instance's runtime: their queue jobs (run by
// the worker) and the request-side calls of their functions.
import type { LogFields } from '../log.ts';
import type { SyncJob } from '../db/sync-jobs.ts';
import type { Runtime } from './runtime.ts';
import { registerWebhooks } from '../sync/webhooks/register-webhooks.ts';
import { importSmokeballMatter, type ImportMatterDeps } from '../sync/import/import-matter.ts';
import { reconcileFirm, type ReconcileDeps } from '../sync/reconcile/reconcile-firm.ts';
import { webhookUrlFor } from './register-webhooks-for-firm.ts';

type Log = (event: string, fields?: LogFields) => void;

export function importMatterDeps(runtime: Runtime, log: Log): ImportMatterDeps {
  return { sql: runtime.sql, clientFor: (firm, onRequest) => runtime.smokeball.clientFor(firm, onRequest), now: runtime.now, log };
}

export function reconcileDeps(runtime: Runtime, log: Log): ReconcileDeps {
  const webhookUrl = webhookUrlFor(runtime);
  return {
    sql: runtime.sql,
    clientFor: (firm, onRequest) => runtime.smokeball.clientFor(firm, onRequest),
    webhookUrl,
    // With the run's own client, so the registration's calls are counted in the run and paced as 'bulk'.
    registerWebhooks: (firmId, client) => registerWebhooks({ sql: runtime.sql, sealer: runtime.sealer, clientFor: async () => client, webhookUrl, log }, firmId),
    now: runtime.now,
    log,
  };
}

/** The worker's handlers of the import_matter and reconcile_firm jobs. */
export function importAndReconcileHandlers(runtime: Runtime, log: Log): Partial<Record<SyncJob['kind'], (job: SyncJob) => Promise<unknown>>> {
  return {
    import_matter: (job) => importSmokeballMatter(importMatterDeps(runtime, log), { firmId: job.firmId, importId: job.subjectId, jobId: job.id }),
    reconcile_firm: (job) => reconcileFirm(reconcileDeps(runtime, log), { firmId: job.firmId, jobId: job.id }),
  };
}
