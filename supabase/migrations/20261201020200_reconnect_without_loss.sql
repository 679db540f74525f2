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
  using (firm_id in (select private.user_firm_ids()));

revoke all on table public.smokeball_link_history from public, anon, authenticated, service_role;
grant select on table public.smokeball_link_history to authenticated;
grant select, insert, update, delete on table public.smokeball_link_history to service_role;
