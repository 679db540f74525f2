-- Disconnect and reconnect lose nothing.
--
-- Why it exists: following the advice "disconnect and reconnect Smokeball" used to cost work — disconnect
-- deleted the firm's connection row (and with it the auto_sync choice and the account the firm's links
-- belong to) and its queued jobs, and approvals while disconnected were never queued. Now:
--   * smokeball_connections keeps one row per firm across a disconnect, with status `disconnected`; the
--     credentials (private.smokeball_credentials) are still deleted. `auto_sync` and `account_id` survive,
--     so the approval trigger (20261126000700) keeps queueing jobs, which wait unclaimed (the claim only
--     takes jobs of `connected` firms) until a reconnect resumes them;
--   * smokeball_link_history keeps the link ids a firm had in a Smokeball account when a reconnect to a
--     different account clears them from the live columns, so the history can still say what was where.
--     Members of the firm read it; only the service role writes it.

alter table public.smokeball_connections drop constraint smokeball_connections_status_check;
alter table public.smokeball_connections
  add constraint smokeball_connections_status_check check (status in ('connected', 'needs_reauth', 'disconnected')),
  add column disconnected_at timestamptz null;

create table public.smokeball_link_history (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  -- The account the link belonged to (null when it was never learned).
  account_id text null,
  kind text not null check (kind in ('contact', 'matter', 'document')),
  -- The CaseHug client, matter or document; no foreign key, so deleting the record keeps its history.
  record_id uuid not null,
  smokeball_id text not null,
  -- The account the firm switched to.
  replaced_by_account_id text null,
  unlinked_at timestamptz not null default now()
);
create index smokeball_link_history_firm_id_idx on public.smokeball_link_history (firm_id, unlinked_at);

alter table public.smokeball_link_history enable row level security;
create policy smokeball_link_history_select_member on public.smokeball_link_history
  for select to authenticated
  using (firm_id in (select private.smokeball_user_firm_ids()));

revoke all on table public.smokeball_link_history from public, anon, authenticated, service_role;
grant select on table public.smokeball_link_history to authenticated;
grant select, insert, update, delete on table public.smokeball_link_history to service_role;

-- Approvals while the firm cannot sync (disconnected, or waiting for re-authorisation) are queued as
-- before — the claim skips such firms — and now say why they wait, so the queue the firm reads is not a
-- silent list: `last_error_code` is the parked reason until a reconnect clears it.
create or replace function private.enqueue_auto_sync()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_status text;
begin
  if new.status <> 'approved' or (tg_op = 'UPDATE' and old.status = 'approved') then
    return null;
  end if;
  -- Only firms that connected Smokeball (now or before a disconnect) with auto-sync on.
  select c.status into v_status from public.smokeball_connections c where c.firm_id = new.firm_id and c.auto_sync;
  if not found then
    return null;
  end if;
  insert into public.sync_jobs (firm_id, kind, subject_id, trigger, last_error_code, last_error_message)
  values (new.firm_id, 'sync_matter', new.matter_id, 'auto',
          case v_status when 'disconnected' then 'disconnected'
                        when 'needs_reauth' then 'smokeball_reauth_required' end,
          case v_status when 'disconnected' then 'Smokeball was disconnected; this sync runs when an admin reconnects'
                        when 'needs_reauth' then 'The Smokeball connection needs re-authorisation; this sync runs when an admin reconnects' end)
  on conflict (firm_id, subject_id) where status = 'queued' and kind = 'sync_matter' do nothing;
  -- The inserted job notes its statement's wake-up itself (smokeball_note_queued_job, 20261126000700).
  return null;
end;
$$;
revoke all on function private.enqueue_auto_sync() from public, anon, authenticated;
