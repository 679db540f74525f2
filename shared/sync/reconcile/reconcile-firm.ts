// One firm's reconciliation (a queued reconcile_firm job): repairs what webhooks missed — the firm's
// subscription if Smokeball deleted it, matters and contacts changed in Smokeball since CaseHug last saw
// them, links whose Smokeball record was deleted, approved documents whose file is gone — in the lowest
// class of the shared limit ('bulk'). A firm with nothing to repair costs 1 call for the subscription,
// 1 per 500 matters of its account, 1 per 500 linked clients, and 1 per matter whose files this run checks
// (at most FILE_CHECKS_PER_RUN). Each run is one sync_runs row (trigger 'reconcile') with what it checked
// and repaired.
import { AppError } from '../../errors.ts';
import { saveReconcileState } from '../../db/reconcile.ts';
import type { Sql } from '../../db/sql.ts';
import { finishRun, startRun } from '../../db/sync-runs.ts';
import type { LogFields } from '../../log.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';
import type { RequestPriority } from '../../smokeball/rate-limiter.ts';
import type { ApiCallRecord } from '../../smokeball/request.ts';
import { checkConnection, usableOrThrow } from '../connection/require-connection.ts';
import { createRunRecorder } from '../matter/run-recorder.ts';
import { checkContacts } from './check-contacts.ts';
import { checkFiles } from './check-files.ts';
import { checkMatters } from './check-matters.ts';
import { checkSubscription } from './check-subscription.ts';
import { emptyCounts, withTotals, type ReconcileCounts } from './counts.ts';

export type ReconcileDeps = {
  sql: Sql;
  clientFor(firm: { firmId: string; region: SmokeballRegion; priority?: RequestPriority }, onRequest: (call: ApiCallRecord) => void): Promise<SmokeballClient>;
  /** Where the firm's subscription must deliver (this project's smokeball-webhook). */
  webhookUrl: string;
  /** Registers the firm's subscription again with this client (register-webhooks.ts). */
  registerWebhooks(firmId: string, client: SmokeballClient): Promise<unknown>;
  now(): number;
  log(event: string, fields?: LogFields): void;
  /** Overrides FILE_CHECKS_PER_RUN (the benchmark and tests). */
  fileChecksPerRun?: number;
};

export async function reconcileFirm(deps: ReconcileDeps, job: { firmId: string; jobId: string | null }): Promise<{ runId: string; counts: ReconcileCounts }> {
  const { firmId } = job;
  const runId = await startRun(deps.sql, { firmId, matterId: null, jobId: job.jobId, trigger: 'reconcile' });
  const recorder = createRunRecorder(deps.now);
  const counts = emptyCounts();
  try {
    // Re-authorisation needed: the token layer parks the job until the reconnect, like any sync.
    const connection = usableOrThrow(await checkConnection(deps.sql, firmId, { allowNeedsReauth: true }));
    const client = await deps.clientFor({ firmId, region: connection.region, priority: 'bulk' }, (call) => recorder.onRequest(call));
    await checkSubscription({ sql: deps.sql, webhookUrl: deps.webhookUrl, registerWebhooks: () => deps.registerWebhooks(firmId, client) }, client, firmId, counts);
    recorder.step('subscription', counts.subscriptionsRepaired > 0 ? 'registered' : 'present');
    const deletedMatters = await checkMatters(deps, client, firmId, counts);
    recorder.step('matters', 'checked', `${counts.mattersChecked} checked, ${counts.mattersUpdated} updated, ${counts.mattersDeleted} deleted`);
    await checkContacts(deps, client, firmId, counts);
    recorder.step('contacts', 'checked', `${counts.contactsChecked} checked, ${counts.contactsUpdated} updated, ${counts.contactsDeleted} deleted`);
    const through = await checkFiles(deps, client, firmId, deletedMatters, counts);
    recorder.step('files', 'checked', `${counts.documentsChecked} documents checked, ${counts.documentsRequeued} queued again`);
    const totals = withTotals(counts);
    await finishRun(deps.sql, firmId, runId, { status: 'succeeded', ...recorder.snapshot(), counts: totals, errorCode: null, errorMessage: null });
    await saveReconcileState(deps.sql, firmId, { runId, filesCheckedThrough: through });
    deps.log('firm_reconciled', { firmId, runId, apiCalls: recorder.snapshot().apiCalls, checked: totals.checked, repaired: totals.repaired });
    return { runId, counts: totals };
  } catch (err) {
    const appError = err instanceof AppError ? err : new AppError({ code: 'internal_error', status: 500, message: 'The reconciliation failed unexpectedly', cause: err });
    await finishRun(deps.sql, firmId, runId, {
      status: 'failed', ...recorder.snapshot(), counts: withTotals(counts), errorCode: appError.code, errorMessage: appError.message,
    });
    throw err;
  }
}
