// public.sync_jobs through the queue functions of migration 20261126000700 (claim, finish, renew): the
// retry budget and dead letters are decided there, on the job row.
import type { Sql, Tx } from './sql.ts';

export type SyncJob = {
  id: string;
  firmId: string;
  /**
   * push_contact / push_matter: a linked client's or matter's CaseHug edits (subject = the client or matter);
   * import_matter: one Smokeball matter to import (subject = its smokeball_imports row); reconcile_firm: a
   * firm's reconciliation (subject = the firm).
   */
  kind: 'sync_matter' | 'process_webhook' | 'push_contact' | 'push_matter' | 'import_matter' | 'reconcile_firm';
  subjectId: string;
  batchId: string | null;
  trigger: 'manual' | 'auto' | 'bulk' | 'webhook';
  attempts: number;
  maxAttempts: number;
};

export type JobOutcome = 'succeeded' | 'retry' | 'permanent' | 'parked';
/** `superseded`: a newer queued job of the same subject does the same work; `lost`: the lease was gone. */
export type FinishedStatus = 'succeeded' | 'queued' | 'dead' | 'superseded' | 'lost';

const JOB_COLUMNS = (sql: Sql) => sql`
  id, firm_id as "firmId", kind, subject_id as "subjectId", batch_id as "batchId", trigger, attempts,
  max_attempts as "maxAttempts"`;

/** Claims the next due job under a lease, or none. Each worker lane claims one job at a time. */
export async function claimSyncJob(
  sql: Sql,
  claim: { worker: string; leaseSeconds: number; firmId?: string; subjectId?: string; kind?: SyncJob['kind'] },
): Promise<SyncJob | undefined> {
  const [job] = await sql<SyncJob[]>`
    select ${JOB_COLUMNS(sql)}
    from private.claim_sync_jobs(${claim.worker}, 1, ${claim.leaseSeconds}, ${claim.firmId ?? null},
                                 ${claim.subjectId ?? null}, ${claim.kind ?? null})`;
  return job;
}

export async function finishSyncJob(
  sql: Sql,
  finish: { jobId: string; worker: string; outcome: JobOutcome; errorCode?: string; errorMessage?: string; retryInMs?: number },
): Promise<FinishedStatus> {
  const [row] = await sql<{ status: FinishedStatus }[]>`
    select private.finish_sync_job(${finish.jobId}, ${finish.worker}, ${finish.outcome}, ${finish.errorCode ?? null},
                                   ${finish.errorMessage ?? null}, ${Math.round(finish.retryInMs ?? 0)}) as status`;
  return row.status;
}

export async function renewSyncJobLease(sql: Sql, jobId: string, worker: string, leaseSeconds: number): Promise<boolean> {
  const [row] = await sql<{ ok: boolean | null }[]>`select private.renew_sync_job_lease(${jobId}, ${worker}, ${leaseSeconds}) as ok`;
  return row?.ok === true;
}

/** A bulk sync: one job per matter of the firm (all, or the given ids), in one statement. */
export async function enqueueBulkSync(
  sql: Sql,
  bulk: { firmId: string; batchId: string; requestedBy: string; matterIds: string[] | 'all' },
): Promise<{ queued: number; alreadyQueued: number; unknown: string[] }> {
  const ids = bulk.matterIds === 'all' ? null : bulk.matterIds;
  const matters = await sql<{ id: string }[]>`
    select id from public.matters
    where firm_id = ${bulk.firmId} and (${ids}::uuid[] is null or id = any(${ids}::uuid[]))`;
  const known = new Set(matters.map((m) => m.id));
  const unknown = ids ? ids.filter((id) => !known.has(id)) : [];
  const inserted = matters.length === 0 ? [] : await sql`
    insert into public.sync_jobs (firm_id, kind, subject_id, trigger, batch_id, requested_by)
    select ${bulk.firmId}, 'sync_matter', m.id, 'bulk', ${bulk.batchId}, ${bulk.requestedBy}
    from unnest(${[...known]}::uuid[]) as m(id)
    on conflict (firm_id, subject_id) where status = 'queued' and kind = 'sync_matter' do nothing
    returning id`;
  return { queued: inserted.length, alreadyQueued: matters.length - inserted.length, unknown };
}

/**
 * The matter's queued sync job: the one already queued (an approval's or a bulk sync's: it will do the
 * same work), else a new one. A run handed off to it is continued by it.
 */
export async function queueMatterSyncJob(
  sql: Sql | Tx,
  job: { firmId: string; matterId: string; trigger: SyncJob['trigger']; requestedBy: string | null },
): Promise<string> {
  // Between the insert that found one queued and the select, a worker may claim it: then queue anew.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [inserted] = await sql<{ id: string }[]>`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, requested_by)
      values (${job.firmId}, 'sync_matter', ${job.matterId}, ${job.trigger}, ${job.requestedBy})
      on conflict (firm_id, subject_id) where status = 'queued' and kind = 'sync_matter' do nothing
      returning id`;
    if (inserted) return inserted.id;
    const [queued] = await sql<{ id: string }[]>`
      select id from public.sync_jobs
      where firm_id = ${job.firmId} and subject_id = ${job.matterId} and kind = 'sync_matter' and status = 'queued'`;
    if (queued) return queued.id;
  }
  throw new Error('could not queue the matter sync job');
}

/** The matter's queued sync job, if one is queued. */
export async function findQueuedMatterSyncJob(sql: Sql, firmId: string, matterId: string): Promise<string | undefined> {
  const [queued] = await sql<{ id: string }[]>`
    select id from public.sync_jobs
    where firm_id = ${firmId} and subject_id = ${matterId} and kind = 'sync_matter' and status = 'queued'`;
  return queued?.id;
}
