// An approval's wake-up in Supabase's database-webhook shape (a project may point a database webhook on
// `documents` here; the migrations' own wake-ups call sync-worker once per statement instead): the
// trigger queued the matter's job in the approving transaction; claim and run it now. If another worker holds the matter, the queued
// job waits for it and the sweep runs it next: nothing is lost, and nothing is queued twice (enqueueing
// here too would add a third run when a wake-up arrives after the queued job already ran).
import { approvalRefusal, isApprovedDocument } from '../../db/approvals.ts';
import { checkConnection } from '../connection/require-connection.ts';
import { drainSyncJobs, WORKER_BUDGET_MS, type DrainDeps, type DrainSummary } from './drain-sync-jobs.ts';

export type ApprovalEvent = {
  type: 'INSERT' | 'UPDATE' | 'DELETE';
  record: { id: string; firm_id: string; matter_id: string; status: string } | null;
  old_record?: { status: string } | null;
};

export async function runApprovedDocumentSync(
  deps: DrainDeps,
  event: ApprovalEvent,
  options: { worker: string; leaseSeconds: number },
): Promise<{ ignored: true; reason: string } | ({ ignored: false } & DrainSummary)> {
  const record = event.record;
  // The same decision as the auto-sync trigger's (private.smokeball_approval_refusal).
  const refusal = await approvalRefusal(deps.sql, { op: event.type, newStatus: record?.status ?? null, oldStatus: event.old_record?.status ?? null });
  if (refusal || !record) return { ignored: true, reason: refusal ?? 'not_an_approval' };
  const decision = await checkConnection(deps.sql, record.firm_id, { allowNeedsReauth: true });
  if (decision.usable ? !decision.connection.autoSync : decision.state === 'none') return { ignored: true, reason: 'auto_sync_off' };
  // Disconnected: the trigger queued the job parked; the reconnect resumes it.
  if (!decision.usable) return { ignored: true, reason: 'not_connected' };
  // The document must really be an approved document of that matter in that firm (the body is only a hint).
  if (!(await isApprovedDocument(deps.sql, { id: record.id, firmId: record.firm_id, matterId: record.matter_id }))) return { ignored: true, reason: 'no_such_approved_document' };

  const summary = await drainSyncJobs(deps, {
    budgetMs: WORKER_BUDGET_MS,
    worker: options.worker,
    leaseSeconds: options.leaseSeconds,
    firmId: record.firm_id,
    subjectId: record.matter_id,
    once: true,
  });
  return { ignored: false, ...summary };
}
