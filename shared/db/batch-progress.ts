// A bulk batch's progress from its jobs and each job's latest run: succeeded, partial (some documents did
// not go) and failed add up with what remains to the total, and each matter is an item the app can list.
import type { ErrorCode } from '../errors.ts';
import type { Sql } from './sql.ts';

export type BatchTotals = {
  total: number;
  succeeded: number;
  partial: number;
  failed: number;
  remaining: number;
  startedAt: Date;
  lastChangeAt: Date;
};
export type BatchItemRow = { matterId: string; status: 'queued' | 'running' | 'succeeded' | 'partial' | 'failed'; runId: string | null; errorCode: ErrorCode | null };

/**
 * The item of each job: its job status, refined by its latest run (a succeeded job whose run was partial).
 * A superseded job's work is done by the newer job of its matter (an approval's, a manual sync's), so its
 * item follows that job and its run.
 */
const ITEMS = (sql: Sql, firmId: string, batchId: string) => sql`
  select j.subject_id as "matterId",
         case when w.status in ('queued', 'running') then w.status
              when w.status = 'succeeded' and r.status = 'partial' then 'partial'
              when w.status = 'succeeded' then 'succeeded'
              else 'failed' end as status,
         r.id as "runId",
         case when w.status in ('queued', 'running') or (w.status = 'succeeded' and r.status is distinct from 'partial') then null
              else coalesce(r.error_code, w.last_error_code) end as "errorCode",
         j.created_at, greatest(j.updated_at, w.updated_at, r.updated_at) as changed_at
  from public.sync_jobs j
  left join lateral (
    select n.id, n.status, n.last_error_code, n.updated_at from public.sync_jobs n
    where j.status = 'superseded' and n.firm_id = j.firm_id and n.kind = j.kind and n.subject_id = j.subject_id
      and n.created_at > j.created_at
    order by n.created_at desc limit 1
  ) newer on true
  cross join lateral (
    select coalesce(newer.id, j.id) as id, coalesce(newer.status, j.status) as status,
           case when newer.id is null then j.last_error_code else newer.last_error_code end as last_error_code,
           coalesce(newer.updated_at, j.updated_at) as updated_at
  ) w
  left join lateral (
    select id, status, error_code, updated_at from public.sync_runs
    where firm_id = j.firm_id and job_id = w.id order by started_at desc limit 1
  ) r on true
  where j.firm_id = ${firmId} and j.batch_id = ${batchId}`;

export async function readBatchTotals(sql: Sql, firmId: string, batchId: string): Promise<BatchTotals | undefined> {
  const [row] = await sql<(BatchTotals & { total: number })[]>`
    with items as (${ITEMS(sql, firmId, batchId)})
    select count(*)::int as total,
           count(*) filter (where status = 'succeeded')::int as succeeded,
           count(*) filter (where status = 'partial')::int as partial,
           count(*) filter (where status = 'failed')::int as failed,
           count(*) filter (where status in ('queued', 'running'))::int as remaining,
           min(created_at) as "startedAt", max(changed_at) as "lastChangeAt"
    from items`;
  return row && row.total > 0 ? row : undefined;
}

export async function readBatchItems(sql: Sql, firmId: string, batchId: string, page: { offset: number; limit: number }): Promise<BatchItemRow[]> {
  return sql<BatchItemRow[]>`
    with items as (${ITEMS(sql, firmId, batchId)})
    select "matterId", status, "runId", "errorCode" from items
    order by "matterId" offset ${page.offset} limit ${page.limit}`;
}

/**
 * Matters of a new bulk that already had a queued job join the batch, so its totals count them: a job
 * of no batch (an approval's, a manual sync's) takes the batch id. A job of another batch stays there
 * (one job, one batch), and the matter counts as already queued only.
 */
export async function adoptQueuedJobsIntoBatch(sql: Sql, firmId: string, batchId: string, matterIds: string[] | 'all'): Promise<number> {
  const ids = matterIds === 'all' ? null : matterIds;
  if (ids?.length === 0) return 0;
  const rows = await sql`
    update public.sync_jobs set batch_id = ${batchId}
    where firm_id = ${firmId} and kind = 'sync_matter' and status = 'queued' and batch_id is null
      and (${ids}::uuid[] is null or subject_id = any(${ids}::uuid[]))
    returning id`;
  return rows.length;
}
