// What webhook processing writes besides a record's fields (those go through
// shared/sync/push/apply-from-smokeball.ts, which weighs CaseHug's unpushed edits and guards on Smokeball's
// version): an `error` event failing the run that sent the write, and whether a run that may not have
// recorded that write's RequestId yet is still going.
import { helpFor } from '../error-help.ts';
import type { Sql } from './sql.ts';

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
