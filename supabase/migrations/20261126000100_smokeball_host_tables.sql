-- What the integration adds to CaseHug's own tables, and the helpers its policies call.
--
-- Why it exists: `firms`, `firm_members`, `clients`, `matters` and `documents` belong to the host app
-- (CaseHug); they exist before this migration runs, with columns, rows, policies and grants of their own.
-- So nothing here creates or replaces a host object: columns are added with `add column if not exists`,
-- and every constraint, index, trigger and function this file adds is named `smokeball_…`, so it cannot
-- collide with the host's names (a host's `private.set_updated_at` or `private.user_firm_ids` stays
-- untouched). Locally and in tests the host's tables come from dev/db/casehug-core.sql, a stand-in.
--
-- What it assumes of the host (README, "The host's tables"): the columns it reads (firms.id and
-- jurisdiction; firm_members.firm_id, user_id and role 'admin' | 'member'; the client, matter and
-- document columns the sync reads), RLS on those tables, and that the functions' database role (the
-- owner, `postgres`, through SUPABASE_DB_URL) may read and write them. It adds no policy and no grant
-- on a host table: members read the new `smokeball_*` columns through the host's own select policies.
-- Nothing here depends on pg_cron or pg_net.

-- ---------------------------------------------------------------------------------------------------
-- The private schema: the integration's helpers and secrets; the host may have one already. Not exposed
-- through the Data API. `authenticated` needs USAGE to call the policy helpers below; it gets no table
-- privileges in it (see 20261126000300).
-- ---------------------------------------------------------------------------------------------------
create schema if not exists private;
grant usage on schema private to authenticated, service_role;

-- Keeps `updated_at` honest on the integration's tables. Not security definer; callable by nobody
-- directly (a trigger function needs no EXECUTE privilege when it fires).
create or replace function private.smokeball_set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end;
$$;
revoke all on function private.smokeball_set_updated_at() from public, anon, authenticated;

-- ---------------------------------------------------------------------------------------------------
-- Policy helpers of the integration's tables: the firms the calling user belongs to, read from the
-- host's firm_members. SECURITY DEFINER so they read firm_members whatever its own policies are;
-- `search_path = ''` and fully qualified names so a caller's search_path cannot redirect them. They
-- return ids only. Policies call them wrapped as `(select …)`, so Postgres evaluates them once per
-- statement (initPlan), not once per row.
-- ---------------------------------------------------------------------------------------------------
create or replace function private.smokeball_user_firm_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.firm_id
  from public.firm_members m
  where m.user_id = (select auth.uid())
$$;
comment on function private.smokeball_user_firm_ids() is 'Firms the calling user belongs to (any role).';

create or replace function private.smokeball_user_admin_firm_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.firm_id
  from public.firm_members m
  where m.user_id = (select auth.uid())
    and m.role = 'admin'
$$;
comment on function private.smokeball_user_admin_firm_ids() is 'Firms in which the calling user is an admin.';

revoke all on function private.smokeball_user_firm_ids() from public, anon;
revoke all on function private.smokeball_user_admin_firm_ids() from public, anon;
grant execute on function private.smokeball_user_firm_ids() to authenticated;
grant execute on function private.smokeball_user_admin_firm_ids() to authenticated;

-- ---------------------------------------------------------------------------------------------------
-- Links to Smokeball, on the rows they link.
-- ---------------------------------------------------------------------------------------------------
alter table public.clients add column if not exists smokeball_contact_id text null;
alter table public.clients add column if not exists smokeball_synced_at timestamptz null;
-- Smokeball's `lastUpdated` (.NET ticks) of the contact last applied, for apply-if-newer.
alter table public.clients add column if not exists smokeball_version bigint null;

alter table public.matters add column if not exists smokeball_matter_id text null;
-- Smokeball's matter `versionId` (a numeric string of .NET ticks), for apply-if-newer.
alter table public.matters add column if not exists smokeball_version bigint null;
alter table public.matters add column if not exists smokeball_synced_at timestamptz null;

alter table public.documents add column if not exists smokeball_file_id text null;
alter table public.documents add column if not exists smokeball_synced_at timestamptz null;

comment on column public.clients.smokeball_contact_id is 'Smokeball contact id; written by the integration only.';
comment on column public.matters.smokeball_matter_id is 'Smokeball matter id; written by the integration only.';
comment on column public.documents.smokeball_file_id is 'Smokeball file id; written by the integration only.';

-- One CaseHug row per Smokeball resource within a firm.
alter table public.clients
  add constraint smokeball_clients_firm_id_contact_id_key unique (firm_id, smokeball_contact_id);
alter table public.matters
  add constraint smokeball_matters_firm_id_matter_id_key unique (firm_id, smokeball_matter_id);
alter table public.documents
  add constraint smokeball_documents_firm_id_file_id_key unique (firm_id, smokeball_file_id);

-- Target of the integration's composite foreign keys `(firm_id, matter_id)` (sync runs, matter leases),
-- which keep its rows inside the matter's firm. The host may have an equal key of its own; this one is
-- the integration's, so the host can change its own without breaking ours.
alter table public.matters add constraint smokeball_matters_firm_id_id_key unique (firm_id, id);

-- The sync's hot query: approved documents of a matter that are not in Smokeball yet.
create index if not exists smokeball_documents_unsynced_approved_idx on public.documents (firm_id, matter_id)
  where status = 'approved' and smokeball_file_id is null;

-- ---------------------------------------------------------------------------------------------------
-- App users never write the links. The stand-in's column grants already leave `smokeball_*` out, but a
-- host may grant UPDATE on whole tables to `authenticated` (a table grant covers every column, and no
-- column REVOKE narrows it), so the integration guards its columns itself: a statement run as `anon` or
-- `authenticated` that sets or changes any `smokeball_*` column is refused. The integration's own
-- connection, the service role and the host's server-side code are not affected.
-- ---------------------------------------------------------------------------------------------------
create or replace function private.smokeball_guard_link_columns()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_new jsonb;
  v_old jsonb;
begin
  if current_user::text not in ('anon', 'authenticated') then
    return new;
  end if;
  select coalesce(pg_catalog.jsonb_object_agg(e.key, e.value), '{}'::jsonb) into v_new
  from pg_catalog.jsonb_each(pg_catalog.to_jsonb(new)) e
  where e.key like 'smokeball\_%' and e.value <> 'null'::jsonb;
  if tg_op = 'UPDATE' then
    select coalesce(pg_catalog.jsonb_object_agg(e.key, e.value), '{}'::jsonb) into v_old
    from pg_catalog.jsonb_each(pg_catalog.to_jsonb(old)) e
    where e.key like 'smokeball\_%' and e.value <> 'null'::jsonb;
  else
    v_old := '{}'::jsonb;
  end if;
  if v_new is distinct from v_old then
    raise exception 'permission denied: smokeball_* columns of %.% are written by the Smokeball integration only',
      tg_table_schema, tg_table_name
      using errcode = '42501';
  end if;
  return new;
end;
$$;
revoke all on function private.smokeball_guard_link_columns() from public, anon, authenticated;

create trigger smokeball_guard_link_columns before insert or update on public.clients
  for each row execute function private.smokeball_guard_link_columns();
create trigger smokeball_guard_link_columns before insert or update on public.matters
  for each row execute function private.smokeball_guard_link_columns();
create trigger smokeball_guard_link_columns before insert or update on public.documents
  for each row execute function private.smokeball_guard_link_columns();
