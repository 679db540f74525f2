// The reconciliation's SQL: its queue jobs (kind reconcile_firm, one queued per firm), the links it checks,
// the marks it sets, and its per-firm state (public.smokeball_reconcile_state). Every statement is
// filtered by the firm id the caller verified.
import type { ReconcileJob } from '../api/functions.ts';
import type { Sql } from './sql.ts';

/**
 * A link made moments ago may name a record Smokeball does not show yet (its writes become visible
 * later, docs/smokeball.md §8): such a link is never judged deleted or missing. Reconciliation runs
 * nightly, so a link this young is looked at by the next run.
 */
export const RECENT_LINK_GRACE_S = 120;

/**
 * Queues one reconciliation per firm — the given one, or every connected firm — coalescing with one
 * already queued. Trigger 'bulk': the lowest class of the shared limit and of each firm's claim order.
 * Returns how many firms have one queued now.
 */
export async function queueReconcileJobs(sql: Sql): Promise<number> {
  const rows = await sql`
    insert into public.sync_jobs (firm_id, kind, subject_id, trigger)
    select c.firm_id, 'reconcile_firm', c.firm_id, 'bulk' from public.smokeball_connections c where c.status = 'connected'
    on conflict (firm_id, subject_id) where status = 'queued' and kind = 'reconcile_firm' do nothing
    returning id`;
  const [queued] = await sql<{ n: number }[]>`
    select count(*)::int as n from public.sync_jobs where kind = 'reconcile_firm' and status in ('queued', 'running')`;
  return Math.max(rows.length, queued.n);
}

/**
 * The firm's queued reconciliation: the one already queued (it will do the same work), else a new one. The
 * statement's wake-up may have a worker claim a new job at once, so it is returned from the insert itself.
 */
export async function queueFirmReconcileJob(sql: Sql, firmId: string, requestedBy: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [inserted] = await sql<{ id: string }[]>`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, requested_by)
      values (${firmId}, 'reconcile_firm', ${firmId}, 'bulk', ${requestedBy})
      on conflict (firm_id, subject_id) where status = 'queued' and kind = 'reconcile_firm' do nothing
      returning id`;
    if (inserted) return inserted.id;
    // Between the insert that found one queued and this select, a worker may claim it: then queue anew.
    const [queued] = await sql<{ id: string }[]>`
      select id from public.sync_jobs where firm_id = ${firmId} and kind = 'reconcile_firm' and status = 'queued'`;
    if (queued) return queued.id;
  }
  throw new Error('could not queue the reconciliation');
}


/** A reconciliation job of the firm and its latest run, or undefined (unknown, or another firm's). */
export async function readReconcileJob(sql: Sql, firmId: string, jobId: string): Promise<ReconcileJob | undefined> {
  const [job] = await sql<{ status: ReconcileJob['status'] }[]>`
    select status from public.sync_jobs where firm_id = ${firmId} and id = ${jobId} and kind = 'reconcile_firm'`;
  if (!job) return undefined;
  const [run] = await sql<NonNullable<ReconcileJob['run']>[]>`
    select id, status, counts, api_calls as "apiCalls", error_code as "errorCode" from public.sync_runs
    where firm_id = ${firmId} and job_id = ${jobId} order by started_at desc limit 1`;
  return { jobId, status: job.status, run: run ?? null };
}

export type LinkedMatter = {
  id: string;
  smokeballMatterId: string;
  version: bigint | null;
  deleted: boolean;
  recent: boolean;
  status: string;
  caseNumber: string | null;
  title: string;
};
export type LinkedClient = {
  id: string;
  smokeballContactId: string;
  version: bigint | null;
  deleted: boolean;
  recent: boolean;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
};

const recentLink = (sql: Sql) => sql`coalesce(smokeball_synced_at > now() - make_interval(secs => ${RECENT_LINK_GRACE_S}), false)`;

export async function listLinkedMatters(sql: Sql, firmId: string): Promise<LinkedMatter[]> {
  const rows = await sql<(Omit<LinkedMatter, 'version'> & { version: string | null })[]>`
    select id, smokeball_matter_id as "smokeballMatterId", smokeball_version::text as version,
           smokeball_deleted_at is not null as deleted, ${recentLink(sql)} as recent,
           status, case_number as "caseNumber", title
    from public.matters where firm_id = ${firmId} and smokeball_matter_id is not null`;
  return rows.map((r) => ({ ...r, version: r.version === null ? null : BigInt(r.version) }));
}

export async function listLinkedClients(sql: Sql, firmId: string): Promise<LinkedClient[]> {
  const rows = await sql<(Omit<LinkedClient, 'version'> & { version: string | null })[]>`
    select id, smokeball_contact_id as "smokeballContactId", smokeball_version::text as version,
           smokeball_deleted_at is not null as deleted, ${recentLink(sql)} as recent,
           first_name as "firstName", last_name as "lastName", email, phone
    from public.clients where firm_id = ${firmId} and smokeball_contact_id is not null`;
  return rows.map((r) => ({ ...r, version: r.version === null ? null : BigInt(r.version) }));
}

/** Marks (or, for a record Smokeball shows again, unmarks) links as deleted in Smokeball; returns how many changed. */
export async function markLinksDeleted(
  sql: Sql,
  firmId: string,
  kind: 'matter' | 'contact',
  smokeballIds: string[],
  deleted: boolean,
): Promise<number> {
  if (smokeballIds.length === 0) return 0;
  const rows = kind === 'matter'
    ? await sql`
        update public.matters set smokeball_deleted_at = ${deleted ? sql`now()` : null}
        where firm_id = ${firmId} and smokeball_matter_id = any(${smokeballIds}::text[])
          and (smokeball_deleted_at is null) = ${deleted}
        returning id`
    : await sql`
        update public.clients set smokeball_deleted_at = ${deleted ? sql`now()` : null}
        where firm_id = ${firmId} and smokeball_contact_id = any(${smokeballIds}::text[])
          and (smokeball_deleted_at is null) = ${deleted}
        returning id`;
  return rows.length;
}

export type FileCheck = { matterId: string; smokeballMatterId: string; documents: { id: string; fileId: string }[] };

/**
 * The next `limit` linked, not deleted matters (in id order after `after`, wrapping around) that have
 * approved documents linked to Smokeball files older than the grace: the matters whose files a run checks.
 */
export async function nextFileChecks(sql: Sql, firmId: string, after: string | null, limit: number): Promise<FileCheck[]> {
  const pick = (from: string | null, n: number) => sql<{ matterId: string; smokeballMatterId: string }[]>`
    select m.id as "matterId", m.smokeball_matter_id as "smokeballMatterId"
    from public.matters m
    where m.firm_id = ${firmId} and m.smokeball_matter_id is not null and m.smokeball_deleted_at is null
      and (${from}::uuid is null or m.id > ${from}::uuid)
      and exists (select 1 from public.documents d
                  where d.firm_id = m.firm_id and d.matter_id = m.id and d.status = 'approved' and d.smokeball_file_id is not null)
    order by m.id
    limit ${n}`;
  const first = await pick(after, limit);
  const matters = first.length < limit && after !== null
    ? [...first, ...(await pick(null, limit - first.length)).filter((m) => !first.some((f) => f.matterId === m.matterId) && m.matterId <= after)]
    : first;
  if (matters.length === 0) return [];
  const docs = await sql<{ id: string; matterId: string; fileId: string }[]>`
    select id, matter_id as "matterId", smokeball_file_id as "fileId" from public.documents
    where firm_id = ${firmId} and matter_id = any(${matters.map((m) => m.matterId)}::uuid[]) and status = 'approved'
      and smokeball_file_id is not null and ${recentLink(sql)} = false`;
  return matters.map((m) => ({ ...m, documents: docs.filter((d) => d.matterId === m.matterId).map(({ id, fileId }) => ({ id, fileId })) }));
}

/** Approved documents whose Smokeball file is gone: unlinked, so the matter's next sync uploads them again. */
export async function unlinkMissingFiles(sql: Sql, firmId: string, documents: { id: string; fileId: string }[]): Promise<number> {
  if (documents.length === 0) return 0;
  const rows = await sql`
    update public.documents d set smokeball_file_id = null, smokeball_synced_at = null
    from unnest(${documents.map((d) => d.id)}::uuid[], ${documents.map((d) => d.fileId)}::text[]) as gone(id, file_id)
    where d.firm_id = ${firmId} and d.id = gone.id and d.smokeball_file_id = gone.file_id
    returning d.id`;
  return rows.length;
}

export async function readFilesCheckedThrough(sql: Sql, firmId: string): Promise<string | null> {
  const [row] = await sql<{ through: string | null }[]>`
    select files_checked_through as through from public.smokeball_reconcile_state where firm_id = ${firmId}`;
  return row?.through ?? null;
}

export async function saveReconcileState(sql: Sql, firmId: string, state: { runId: string; filesCheckedThrough: string | null }): Promise<void> {
  await sql`
    insert into public.smokeball_reconcile_state (firm_id, last_run_id, last_finished_at, files_checked_through)
    values (${firmId}, ${state.runId}, now(), ${state.filesCheckedThrough})
    on conflict (firm_id) do update
    set last_run_id = excluded.last_run_id, last_finished_at = excluded.last_finished_at,
        files_checked_through = excluded.files_checked_through`;
}
