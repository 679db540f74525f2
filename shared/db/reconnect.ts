// What a reconnect does to the firm's links and queue, in the transaction that saves the connection:
// read which account the firm's links belong to, archive and clear them on an account switch, resume the
// jobs that waited for the reconnect and queue a catch-up for approved documents not yet in Smokeball.
import type { ErrorCode } from '../errors.ts';
import type { Tx } from './sql.ts';

/** Why a queued job waits for a reconnect rather than for its backoff. */
export const PARKED_CODES = ['disconnected', 'not_connected', 'smokeball_reauth_required'] as const satisfies readonly ErrorCode[];

export type PreviousLinks = { accountId: string | null; hasLinks: boolean };

/** The account of the firm's last connection (kept across a disconnect) and whether anything links to it. */
export async function readPreviousLinks(tx: Tx, firmId: string): Promise<PreviousLinks> {
  const [row] = await tx<{ accountId: string | null; hasLinks: boolean }[]>`
    select (select account_id from public.smokeball_connections where firm_id = ${firmId}) as "accountId",
           (exists (select 1 from public.clients where firm_id = ${firmId} and smokeball_contact_id is not null)
            or exists (select 1 from public.matters where firm_id = ${firmId} and smokeball_matter_id is not null)
            or exists (select 1 from public.documents where firm_id = ${firmId} and smokeball_file_id is not null)) as "hasLinks"`;
  return row;
}

/**
 * An account switch: every link id of the firm moves to smokeball_link_history and leaves the live
 * columns (with the versions, sync times and create markers that belong to the old account's records),
 * so the next syncs create in the new account instead of failing with 404 on the old ids.
 */
export async function archiveAndClearLinks(tx: Tx, firmId: string, from: string | null, to: string): Promise<number> {
  const archived = await tx`
    insert into public.smokeball_link_history (firm_id, account_id, kind, record_id, smokeball_id, replaced_by_account_id)
    select firm_id, ${from}::text, 'contact', id, smokeball_contact_id, ${to}::text from public.clients
      where firm_id = ${firmId} and smokeball_contact_id is not null
    union all
    select firm_id, ${from}::text, 'matter', id, smokeball_matter_id, ${to}::text from public.matters
      where firm_id = ${firmId} and smokeball_matter_id is not null
    union all
    select firm_id, ${from}::text, 'document', id, smokeball_file_id, ${to}::text from public.documents
      where firm_id = ${firmId} and smokeball_file_id is not null`;
  await tx`
    update public.clients
    set smokeball_contact_id = null, smokeball_version = null, smokeball_synced_at = null, smokeball_create_started_at = null
    where firm_id = ${firmId} and (smokeball_contact_id is not null or smokeball_create_started_at is not null)`;
  await tx`
    update public.matters
    set smokeball_matter_id = null, smokeball_version = null, smokeball_synced_at = null, smokeball_create_started_at = null
    where firm_id = ${firmId} and (smokeball_matter_id is not null or smokeball_create_started_at is not null)`;
  await tx`
    update public.documents
    set smokeball_file_id = null, smokeball_synced_at = null, smokeball_create_started_at = null
    where firm_id = ${firmId} and (smokeball_file_id is not null or smokeball_create_started_at is not null)`;
  return archived.count;
}

/**
 * After a reconnect: the jobs parked for it run now, and — when the firm syncs automatically — every
 * matter with an approved document that has no Smokeball file gets a queued job (one per matter; a matter
 * already queued keeps its job), so whatever was approved while nothing could sync is caught up.
 */
export async function resumeAfterReconnect(tx: Tx, firmId: string): Promise<{ resumed: number; caughtUp: number }> {
  const resumed = await tx`
    update public.sync_jobs
    set run_after = now(), last_error_code = null, last_error_message = null
    where firm_id = ${firmId} and status = 'queued' and last_error_code = any(${PARKED_CODES}::text[])`;
  const caughtUp = await tx`
    insert into public.sync_jobs (firm_id, kind, subject_id, trigger)
    select distinct d.firm_id, 'sync_matter', d.matter_id, 'auto'
    from public.documents d
    join public.smokeball_connections c on c.firm_id = d.firm_id and c.auto_sync
    where d.firm_id = ${firmId} and d.status = 'approved' and d.smokeball_file_id is null
    on conflict (firm_id, subject_id) where status = 'queued' and kind = 'sync_matter' do nothing`;
  return { resumed: resumed.count, caughtUp: caughtUp.count };
}

/** Disconnect: the firm's queued jobs stay, parked until a reconnect resumes them. */
export async function parkJobsForDisconnect(tx: Tx, firmId: string): Promise<number> {
  const parked = await tx`
    update public.sync_jobs
    set last_error_code = 'disconnected',
        last_error_message = 'Smokeball was disconnected; this sync runs when an admin reconnects'
    where firm_id = ${firmId} and status = 'queued'`;
  return parked.count;
}
