// Applying Smokeball's state to linked CaseHug rows, only if newer (STYLE §6: the guard is the WHERE of
// the write itself, comparing Smokeball's own versions — never our clock against theirs).
import type { Sql } from './connection.ts';

/** Returns 'applied', 'stale' (CaseHug holds this version or a newer one) or 'not_linked'. */
export async function applyMatterIfNewer(
  sql: Sql,
  firmId: string,
  smokeballMatterId: string,
  m: { version: bigint; status: 'open' | 'pending' | 'closed' | null; caseNumber: string | null; title: string | null },
): Promise<'applied' | 'stale' | 'not_linked'> {
  const rows = await sql<{ applied: boolean }[]>`
    with target as (
      select id from public.matters where firm_id = ${firmId} and smokeball_matter_id = ${smokeballMatterId}
    ), updated as (
      update public.matters set
        status = coalesce(${m.status}, status),
        case_number = ${m.caseNumber},
        title = coalesce(nullif(${m.title}, ''), title),
        smokeball_version = ${m.version.toString()}::bigint,
        smokeball_synced_at = now()
      where firm_id = ${firmId} and id in (select id from target)
        and (smokeball_version is null or smokeball_version < ${m.version.toString()}::bigint)
      returning id
    )
    select exists (select 1 from updated) as applied, exists (select 1 from target) as linked`;
  const row = rows[0] as unknown as { applied: boolean; linked: boolean };
  return row.applied ? 'applied' : row.linked ? 'stale' : 'not_linked';
}

export async function applyClientIfNewer(
  sql: Sql,
  firmId: string,
  contactId: string,
  c: { version: bigint; firstName: string | null; lastName: string | null; email: string | null; phone: string | null },
): Promise<'applied' | 'stale' | 'not_linked'> {
  const rows = await sql`
    with target as (
      select id from public.clients where firm_id = ${firmId} and smokeball_contact_id = ${contactId}
    ), updated as (
      update public.clients set
        first_name = coalesce(nullif(${c.firstName}, ''), first_name),
        last_name = coalesce(nullif(${c.lastName}, ''), last_name),
        email = coalesce(nullif(${c.email}, ''), email),
        phone = coalesce(nullif(${c.phone}, ''), phone),
        smokeball_version = ${c.version.toString()}::bigint,
        smokeball_synced_at = now()
      where firm_id = ${firmId} and id in (select id from target)
        and (smokeball_version is null or smokeball_version < ${c.version.toString()}::bigint)
      returning id
    )
    select exists (select 1 from updated) as applied, exists (select 1 from target) as linked`;
  const row = rows[0] as unknown as { applied: boolean; linked: boolean };
  return row.applied ? 'applied' : row.linked ? 'stale' : 'not_linked';
}

/**
 * An `error` event: Smokeball failed, after its 202, the write this RequestId sent. The run that sent it
 * becomes failed with Smokeball's message, and a link to a resource that will never exist is cleared so
 * the next sync creates it again.
 */
export async function recordAsyncFailure(
  sql: Sql,
  firmId: string,
  f: { requestId: string; message: string; resourceId: string | null },
): Promise<{ runs: number }> {
  const runs = await sql`
    update public.sync_runs
    set status = 'failed', error_code = 'smokeball_async_error', error_message = ${f.message},
        finished_at = coalesce(finished_at, clock_timestamp())
    where firm_id = ${firmId} and request_ids @> array[${f.requestId}]::text[]
    returning id`;
  if (f.resourceId) {
    await sql`update public.matters set smokeball_matter_id = null, smokeball_synced_at = null where firm_id = ${firmId} and smokeball_matter_id = ${f.resourceId}`;
    await sql`update public.clients set smokeball_contact_id = null, smokeball_synced_at = null where firm_id = ${firmId} and smokeball_contact_id = ${f.resourceId}`;
    await sql`update public.documents set smokeball_file_id = null, smokeball_synced_at = null where firm_id = ${firmId} and smokeball_file_id = ${f.resourceId}`;
  }
  return { runs: runs.length };
}
