// An approval's wake-up in Supabase's database-webhook shape (a project may point a database webhook on
// `documents` here; the migrations' own wake-ups call sync-worker once per statement instead): the
// trigger queued the matter's job in the approving transaction; claim and run it now. If another worker holds the matter, the queued
// job waits for it and the sweep runs it next: nothing is lost, and nothing is queued twice (enqueueing
// here too would add a third run when a wake-up arrives after the queued job already ran).
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
  if (event.type === 'DELETE' || !record || record.status !== 'approved') return { ignored: true, reason: 'not_an_approval' };
  if (event.type === 'UPDATE' && event.old_record?.status === 'approved') return { ignored: true, reason: 'already_approved' };
  const [connection] = await deps.sql<{ autoSync: boolean }[]>`
    select auto_sync as "autoSync" from public.smokeball_connections where firm_id = ${record.firm_id}`;
  if (!connection?.autoSync) return { ignored: true, reason: 'auto_sync_off' };
  // The document must really be an approved document of that matter in that firm (the body is only a hint).
  const [document] = await deps.sql`
    select 1 from public.documents
    where id = ${record.id} and firm_id = ${record.firm_id} and matter_id = ${record.matter_id} and status = 'approved'`;
  if (!document) return { ignored: true, reason: 'no_such_approved_document' };

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
