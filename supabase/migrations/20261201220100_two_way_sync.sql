-- Two-way sync of linked clients and matters (docs/architecture.md §5 "Two-way sync").
--
-- Why it exists: an edit in CaseHug to a linked client (first name, last name, email, phone) or matter
-- (title, case number, status) used to stay in CaseHug, while a later Smokeball edit overwrote it. Now:
--   * the edit is noted in the same transaction as the edit itself, per field, with its old value (the
--     base the push compares Smokeball's value against) and CaseHug's own time (`updated_at`), in
--     private.smokeball_pending_pushes, and a push job is queued — one queued job per record, so a burst
--     of edits coalesces, exactly like an approval's auto-sync;
--   * the integration's own writes of Smokeball's values (webhook processing) set the transaction-local
--     setting `smokeball.applying_from_smokeball`, and the trigger ignores them: applying a Smokeball edit
--     never queues a push back;
--   * a field both sides changed is decided by each side's own time, and the change that lost is kept in
--     public.smokeball_sync_conflicts, which the firm's members read;
--   * firms choose per direction: smokeball_connections.push_to_smokeball and apply_from_smokeball
--     (admins may change them, like auto_sync; both on by default).
-- Triggers and functions on the host's tables are named `smokeball_…`.

-- ---------------------------------------------------------------------------------------------------
-- Per-direction switches.
-- ---------------------------------------------------------------------------------------------------
alter table public.smokeball_connections
  add column if not exists push_to_smokeball boolean not null default true,
  add column if not exists apply_from_smokeball boolean not null default true;
comment on column public.smokeball_connections.push_to_smokeball is
  'Edits in CaseHug to linked clients and matters are pushed to Smokeball.';
comment on column public.smokeball_connections.apply_from_smokeball is
  'Edits in Smokeball to linked contacts and matters are applied to CaseHug.';
grant update (push_to_smokeball, apply_from_smokeball) on table public.smokeball_connections to authenticated;

-- ---------------------------------------------------------------------------------------------------
-- Extends a single-column `check (col in (…))` / `col = any (array[…])` constraint by values, keeping
-- whatever values it allows now. Owner-only; used by migrations.
-- ---------------------------------------------------------------------------------------------------
create or replace function private.smokeball_extend_check_values(p_table regclass, p_constraint text, p_column text, p_values text[])
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_def text;
  v_current text[];
  v_all text[];
begin
  select pg_catalog.pg_get_constraintdef(c.oid) into v_def
  from pg_catalog.pg_constraint c where c.conrelid = p_table and c.conname = p_constraint;
  if v_def is not null then
    select coalesce(pg_catalog.array_agg(m[1]), '{}') into v_current
    from pg_catalog.regexp_matches(v_def, '''([a-z_]+)''', 'g') as m;
    execute pg_catalog.format('alter table %s drop constraint %I', p_table, p_constraint);
  else
    v_current := '{}';
  end if;
  select pg_catalog.array_agg(distinct v order by v) into v_all from pg_catalog.unnest(v_current || p_values) as v;
  -- Written as `col in ('a', 'b')`, which Postgres keeps as one quoted literal per value, so the next
  -- migration reads the list back the same way.
  execute pg_catalog.format('alter table %s add constraint %I check (%I in (%s))', p_table, p_constraint, p_column,
                            (select pg_catalog.string_agg(pg_catalog.quote_literal(v), ', ') from pg_catalog.unnest(v_all) as v));
end;
$$;
revoke all on function private.smokeball_extend_check_values(regclass, text, text, text[]) from public, anon, authenticated;

-- The queue learns two kinds, added to whatever kinds the constraint allows now, so kinds another
-- migration added survive whichever runs first.
select private.smokeball_extend_check_values('public.sync_jobs', 'sync_jobs_kind_check', 'kind',
                                             array['sync_matter', 'process_webhook', 'push_contact', 'push_matter']);

-- One queued push per record: later edits of the same record ride on the queued job.
create unique index if not exists sync_jobs_one_queued_push_idx on public.sync_jobs (firm_id, kind, subject_id)
  where status = 'queued' and kind in ('push_contact', 'push_matter');

-- ---------------------------------------------------------------------------------------------------
-- What is waiting to be pushed, per record: `fields` maps a column to
-- { "value": new value, "base": the value before the first unpushed edit, "changedAt": CaseHug's time }.
-- Private: the worker reads it; the firm sees the queued job and, afterwards, the run and any conflict.
-- ---------------------------------------------------------------------------------------------------
create table if not exists private.smokeball_pending_pushes (
  firm_id uuid not null references public.firms (id) on delete cascade,
  record_kind text not null check (record_kind in ('contact', 'matter')),
  -- The CaseHug client or matter; no foreign key across the two kinds, the worker re-reads it in its firm.
  record_id uuid not null,
  fields jsonb not null default '{}'::jsonb check (jsonb_typeof(fields) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (firm_id, record_kind, record_id)
);
alter table private.smokeball_pending_pushes enable row level security;
revoke all on table private.smokeball_pending_pushes from public, anon, authenticated;
grant select, insert, update, delete on table private.smokeball_pending_pushes to service_role;
create trigger set_updated_at before update on private.smokeball_pending_pushes
  for each row execute function private.smokeball_set_updated_at();

-- ---------------------------------------------------------------------------------------------------
-- Conflicts: a field changed on both sides since the last sync. The later change (by each side's own
-- clock) won on both sides; the row keeps the value that lost, so no change disappears silently.
-- ---------------------------------------------------------------------------------------------------
create table if not exists public.smokeball_sync_conflicts (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  record_kind text not null check (record_kind in ('contact', 'matter')),
  -- The CaseHug client or matter (no foreign key: the history outlives the record).
  record_id uuid not null,
  smokeball_id text not null,
  field text not null check (field in ('first_name', 'last_name', 'email', 'phone', 'title', 'case_number', 'status')),
  winner text not null check (winner in ('casehug', 'smokeball')),
  casehug_value text null,
  smokeball_value text null,
  casehug_changed_at timestamptz not null,
  smokeball_changed_at timestamptz not null,
  -- Smokeball's version of the record the decision saw (ticks).
  smokeball_version text not null,
  detected_at timestamptz not null default now(),
  -- The same conflict seen twice (by the webhook and by the push) is one row.
  constraint smokeball_sync_conflicts_once_key
    unique (firm_id, record_kind, record_id, field, casehug_changed_at, smokeball_version)
);
create index if not exists smokeball_sync_conflicts_firm_id_detected_at_idx
  on public.smokeball_sync_conflicts (firm_id, detected_at desc);
create index if not exists smokeball_sync_conflicts_record_idx
  on public.smokeball_sync_conflicts (firm_id, record_kind, record_id);

alter table public.smokeball_sync_conflicts enable row level security;
create policy smokeball_sync_conflicts_select_member on public.smokeball_sync_conflicts
  for select to authenticated
  using (firm_id in (select private.smokeball_user_firm_ids()));
revoke all on table public.smokeball_sync_conflicts from public, anon, authenticated, service_role;
grant select on table public.smokeball_sync_conflicts to authenticated;
grant select, insert, update, delete on table public.smokeball_sync_conflicts to service_role;

-- ---------------------------------------------------------------------------------------------------
-- Merging pending fields: a newer edit of a field keeps the first edit's base (what Smokeball had when
-- CaseHug started changing it) and takes the newer value and time. It also keeps `sent` (a pushed edit
-- stays pending, marked sent with the value and an expiry, until a read of Smokeball shows that value;
-- Smokeball applies writes asynchronously): Smokeball may hold, or be about to hold, the value sent
-- earlier, and that is CaseHug's own write, not a change made in Smokeball.
-- ---------------------------------------------------------------------------------------------------
create or replace function private.smokeball_merge_pending_fields(p_old jsonb, p_new jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select coalesce(p_old, '{}'::jsonb) || coalesce((
    select pg_catalog.jsonb_object_agg(e.key,
             case when p_old ? e.key
                  then e.value
                       || pg_catalog.jsonb_build_object('base', p_old -> e.key -> 'base')
                       || case when p_old -> e.key ? 'sent'
                               then pg_catalog.jsonb_build_object('sent', p_old -> e.key -> 'sent')
                               else '{}'::jsonb end
                  else e.value end)
    from pg_catalog.jsonb_each(p_new) e), '{}'::jsonb);
$$;
revoke all on function private.smokeball_merge_pending_fields(jsonb, jsonb) from public, anon, authenticated;

-- ---------------------------------------------------------------------------------------------------
-- The trigger on clients and matters. SECURITY DEFINER because the members who edit may not write jobs.
-- ---------------------------------------------------------------------------------------------------
create or replace function private.smokeball_enqueue_push()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_kind text := case tg_table_name when 'clients' then 'contact' else 'matter' end;
  v_link_column text := case tg_table_name when 'clients' then 'smokeball_contact_id' else 'smokeball_matter_id' end;
  v_fields text[] := case tg_table_name when 'clients' then array['first_name', 'last_name', 'email', 'phone']
                                       else array['title', 'case_number', 'status'] end;
  v_new jsonb := pg_catalog.to_jsonb(new);
  v_old jsonb := pg_catalog.to_jsonb(old);
  v_changes jsonb := '{}'::jsonb;
  v_changed_at timestamptz;
  v_field text;
  v_status text;
begin
  -- The integration writing Smokeball's values: not an edit to send back.
  if coalesce(pg_catalog.current_setting('smokeball.applying_from_smokeball', true), '') = 'on' then
    return null;
  end if;
  -- Only linked records, and not in the statement that links or relinks them (the integration's own).
  if v_new ->> v_link_column is null or v_new ->> v_link_column is distinct from v_old ->> v_link_column then
    return null;
  end if;
  -- CaseHug's own time of the edit: the row's updated_at when the host's trigger moved it, else now().
  v_changed_at := case when v_new ->> 'updated_at' is distinct from v_old ->> 'updated_at'
                       then (v_new ->> 'updated_at')::timestamptz else pg_catalog.now() end;
  foreach v_field in array v_fields loop
    if v_new -> v_field is distinct from v_old -> v_field then
      v_changes := v_changes || pg_catalog.jsonb_build_object(v_field, pg_catalog.jsonb_build_object(
        'value', v_new -> v_field, 'base', v_old -> v_field, 'changedAt', v_changed_at));
    end if;
  end loop;
  if v_changes = '{}'::jsonb then
    return null;
  end if;
  select c.status into v_status from public.smokeball_connections c
  where c.firm_id = (v_new ->> 'firm_id')::uuid and c.push_to_smokeball;
  if not found then
    return null;
  end if;

  insert into private.smokeball_pending_pushes as p (firm_id, record_kind, record_id, fields)
  values ((v_new ->> 'firm_id')::uuid, v_kind, (v_new ->> 'id')::uuid, v_changes)
  on conflict (firm_id, record_kind, record_id)
  do update set fields = private.smokeball_merge_pending_fields(p.fields, excluded.fields);

  -- Queued like an approval's auto-sync (same class, same parked reasons while the firm cannot sync);
  -- the inserted job notes its statement's wake-up itself (smokeball_note_queued_job).
  insert into public.sync_jobs (firm_id, kind, subject_id, trigger, last_error_code, last_error_message)
  values ((v_new ->> 'firm_id')::uuid, 'push_' || v_kind, (v_new ->> 'id')::uuid, 'auto',
          case v_status when 'disconnected' then 'disconnected'
                        when 'needs_reauth' then 'smokeball_reauth_required' end,
          case v_status when 'disconnected' then 'Smokeball was disconnected; this change is sent when an admin reconnects'
                        when 'needs_reauth' then 'The Smokeball connection needs re-authorisation; this change is sent when an admin reconnects' end)
  on conflict (firm_id, kind, subject_id) where status = 'queued' and kind in ('push_contact', 'push_matter') do nothing;
  return null;
end;
$$;
revoke all on function private.smokeball_enqueue_push() from public, anon, authenticated;

drop trigger if exists smokeball_enqueue_push on public.clients;
create trigger smokeball_enqueue_push
  after update of first_name, last_name, email, phone on public.clients
  for each row execute function private.smokeball_enqueue_push();
drop trigger if exists smokeball_enqueue_push on public.matters;
create trigger smokeball_enqueue_push
  after update of title, case_number, status on public.matters
  for each row execute function private.smokeball_enqueue_push();

-- One wake-up per statement for all the pushes its rows queued (20261126000700).
drop trigger if exists smokeball_send_pending_wake on public.clients;
create trigger smokeball_send_pending_wake
  after update of first_name, last_name, email, phone on public.clients
  for each statement execute function private.smokeball_send_pending_wake();
drop trigger if exists smokeball_send_pending_wake on public.matters;
create trigger smokeball_send_pending_wake
  after update of title, case_number, status on public.matters
  for each statement execute function private.smokeball_send_pending_wake();
