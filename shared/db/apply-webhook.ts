// Applying Smokeball's state to linked CaseHug rows, only if newer (the guard is the WHERE of
// the write itself, comparing Smokeball's own versions — never our clock against theirs). Webhook
// processing now goes through shared/sync/push/apply-from-smokeball.ts, which also weighs CaseHug's
// unpushed edits; these whole-record writes remain for callers that apply a Smokeball record outright.
// Either way the write is marked as the integration's own (`smokeball.applying_from_smokeball`), so the
// two-way trigger queues no push back.
import { helpFor } from '../error-help.ts';
import type { Sql, Tx } from './sql.ts';

export type ApplyOutcome = 'applied' | 'stale' | 'not_linked';
type ApplyRow = { applied: boolean; linked: boolean };

/** 'stale': CaseHug holds this version or a newer one; 'not_linked': no row of the firm is linked to it. */
const outcomeOf = ([row]: ApplyRow[]): ApplyOutcome => (row.applied ? 'applied' : row.linked ? 'stale' : 'not_linked');

/** Runs `write` in a transaction marked as the integration's own write of Smokeball's values. */
async function asOwnWrite<T>(sql: Sql, write: (tx: Tx) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`select set_config('smokeball.applying_from_smokeball', 'on', true)`;
    return write(tx);
  }) as Promise<T>;
}

export async function applyMatterIfNewer(
  sql: Sql,
  firmId: string,
  smokeballMatterId: string,
  m: { version: bigint; status: 'open' | 'pending' | 'closed' | null; caseNumber: string | null; title: string | null },
): Promise<ApplyOutcome> {
  const rows = await asOwnWrite(sql, (tx) => tx<ApplyRow[]>`
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
    select exists (select 1 from updated) as applied, exists (select 1 from target) as linked`);
  return outcomeOf(rows);
}

export async function applyClientIfNewer(
  sql: Sql,
  firmId: string,
  contactId: string,
  c: { version: bigint; firstName: string | null; lastName: string | null; email: string | null; phone: string | null },
): Promise<ApplyOutcome> {
  const rows = await asOwnWrite(sql, (tx) => tx<ApplyRow[]>`
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
    select exists (select 1 from updated) as applied, exists (select 1 from target) as linked`);
  return outcomeOf(rows);
}

/**
 * An `error` event: Smokeball failed, after its 202, the write this RequestId sent. The run that sent it
 * becomes failed with Smokeball's message. With `clearLinkTo` (the caller confirmed Smokeball does not hold
 * that resource), a link to it that will never resolve is cleared so the next sync creates it again —
 * only on the rows of the failed runs' matters: the event body is not signed, so its resource id alone
 * must never reach other rows.
 */
export async function recordAsyncFailure(
  sql: Sql,
  firmId: string,
  f: { requestId: string; message: string; clearLinkTo: string | null },
): Promise<{ runs: number }> {
  // A run still going stays failed when it finishes (finishRun only ends runs that are still running).
  const runs = await sql<{ matterId: string | null }[]>`
    update public.sync_runs
    set status = 'failed', error_code = 'smokeball_async_error', error_message = ${f.message}, help = ${helpFor('smokeball_async_error')},
        finished_at = coalesce(finished_at, clock_timestamp()),
        duration_ms = coalesce(duration_ms, greatest(0, (extract(epoch from clock_timestamp() - started_at) * 1000)::int))
    where firm_id = ${firmId} and request_ids @> array[${f.requestId}]::text[]
    returning matter_id as "matterId"`;
  const matterIds = runs.map((r) => r.matterId).filter((id): id is string => id !== null);
  if (f.clearLinkTo && matterIds.length > 0) {
    await sql`update public.matters set smokeball_matter_id = null, smokeball_synced_at = null
              where firm_id = ${firmId} and id = any(${matterIds}) and smokeball_matter_id = ${f.clearLinkTo}`;
    await sql`update public.clients set smokeball_contact_id = null, smokeball_synced_at = null
              where firm_id = ${firmId} and smokeball_contact_id = ${f.clearLinkTo}
                and id in (select client_id from public.matters where firm_id = ${firmId} and id = any(${matterIds}))`;
    await sql`update public.documents set smokeball_file_id = null, smokeball_synced_at = null
              where firm_id = ${firmId} and matter_id = any(${matterIds}) and smokeball_file_id = ${f.clearLinkTo}`;
  }
  return { runs: runs.length };
}

/**
 * Whether a sync of this firm started lately and is still running: its RequestIds may not all be
 * recorded yet. A run that died without ending (a killed worker) stops counting after the window.
 */
export async function hasRunningSync(sql: Sql, firmId: string): Promise<boolean> {
  const rows = await sql`
    select 1 from public.sync_runs
    where firm_id = ${firmId} and status = 'running' and started_at > now() - interval '10 minutes'
    limit 1`;
  return rows.length > 0;
}
