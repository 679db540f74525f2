-- A stand-in for CaseHug's own core schema: firms, firm_members, clients, matters, documents, their
-- row-level security and grants. FOR LOCAL RUNS AND TESTS ONLY — it is not a migration of this project.
-- In a real CaseHug project these tables already exist (CaseHug's own migrations made them); the
-- integration's migrations (supabase/migrations) only add to them, so `supabase db push` never runs this.
-- dev/db/migrate.ts applies it once, before `supabase migration up`, on a database that lacks `firms`.
--
-- It models what the integration assumes of the host (README, "The host's tables"): the columns it reads, and
-- tenancy through `firm_members`. The rest is CaseHug-like but only illustrative:
--   * `firm_id` on every row is the tenancy key; RLS policies admit a row only when the caller is a
--     member of its firm (`private.user_firm_ids()`), wrapped as `(select …)` so Postgres evaluates the
--     helper once per statement (initPlan), not once per row.
--   * Children reference parents through composite foreign keys `(firm_id, parent_id)`, so no role — not
--     even the service role — can attach firm A's matter to firm B's client.
--   * Supabase no longer exposes new tables by default, so every grant is explicit; `anon` gets nothing,
--     and `authenticated` gets column-level INSERT/UPDATE grants (columns added later — the
--     integration's `smokeball_*` — are therefore not writable by app users).

-- ---------------------------------------------------------------------------------------------------
-- The private schema: the host's policy helpers. Not exposed through the Data API. `authenticated` needs
-- USAGE to call the policy helpers.
-- ---------------------------------------------------------------------------------------------------
create schema if not exists private;
revoke all on schema private from public;
revoke all on schema private from anon;
grant usage on schema private to authenticated, service_role;

-- Keeps `updated_at` honest on every table that has one. Not security definer; callable by nobody
-- directly (a trigger function needs no EXECUTE privilege when it fires).
create or replace function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end;
$$;
revoke all on function private.set_updated_at() from public, anon, authenticated;

-- ---------------------------------------------------------------------------------------------------
-- firms
-- ---------------------------------------------------------------------------------------------------
create table public.firms (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  -- Smokeball's matter-type `Location`: a US state (or DC) two-letter code, or an Australian state or
  -- territory code (Smokeball's /mattertypes `Location`). UK location codes are unconfirmed in the
  -- reference; the UK nations are accepted until Smokeball's format is known.
  jurisdiction text not null check (jurisdiction in (
    'AL','AK','AZ','AR','CA','CO','CT','DE','DC','FL','GA','HI','ID','IL','IN','IA','KS','KY','LA','ME',
    'MD','MA','MI','MN','MS','MO','MT','NE','NV','NH','NJ','NM','NY','NC','ND','OH','OK','OR','PA','RI',
    'SC','SD','TN','TX','UT','VT','VA','WA','WV','WI','WY',
    'NSW','VIC','QLD','WA','SA','TAS','ACT','NT',
    'ENG','WLS','SCT','NIR'
  )),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.firms is 'A law firm (tenant). Every other row carries its firm_id.';

-- ---------------------------------------------------------------------------------------------------
-- firm_members: who belongs to which firm, as admin or member. A user may belong to several firms.
-- ---------------------------------------------------------------------------------------------------
create table public.firm_members (
  firm_id uuid not null references public.firms (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member' check (role in ('admin', 'member')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (firm_id, user_id)
);
-- The policy helpers look members up by user; the primary key only covers firm_id first.
create index firm_members_user_id_idx on public.firm_members (user_id, firm_id);

-- ---------------------------------------------------------------------------------------------------
-- clients
-- ---------------------------------------------------------------------------------------------------
create table public.clients (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  first_name text not null check (length(first_name) <= 200),
  last_name text not null check (length(last_name) <= 200),
  email text null check (email is null or email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  phone text null check (phone is null or length(phone) <= 50),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Target of the composite foreign keys that keep children in their parent's firm; leads with firm_id,
  -- so it also serves every `firm_id = …` / `firm_id in (…)` filter of the policies.
  constraint clients_firm_id_id_key unique (firm_id, id)
);
-- Contact matching and the host app look clients up by email within a firm.
create index clients_firm_id_email_idx on public.clients (firm_id, lower(email)) where email is not null;

-- ---------------------------------------------------------------------------------------------------
-- matters
-- ---------------------------------------------------------------------------------------------------
create table public.matters (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  client_id uuid not null,
  -- A CaseHug case type key, e.g. `divorce_standard`; unknown keys are allowed and mapped
  -- per firm in case_type_mappings.
  -- Nullable: a matter imported from Smokeball whose matter type maps to no single case type has none.
  case_type text null check (case_type is null or case_type ~ '^[a-z][a-z0-9_]{0,99}$'),
  case_number text null check (case_number is null or length(case_number) <= 100),
  title text not null check (length(title) <= 500),
  description text null,
  -- Maps to Smokeball's Open / Pending / Closed.
  status text not null default 'open' check (status in ('open', 'pending', 'closed')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint matters_firm_id_id_key unique (firm_id, id),
  -- NO ACTION (checked at the end of the statement), so deleting a firm cascades through both tables.
  constraint matters_client_same_firm_fkey foreign key (firm_id, client_id)
    references public.clients (firm_id, id)
);
create index matters_firm_id_client_id_idx on public.matters (firm_id, client_id);

-- ---------------------------------------------------------------------------------------------------
-- documents
-- ---------------------------------------------------------------------------------------------------
create table public.documents (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  matter_id uuid not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  file_name text not null check (length(file_name) between 1 and 255),
  storage_bucket text not null default 'documents' check (storage_bucket ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
  -- `<firm_id>/<matter_id>/<file name>` by convention. The first segment must be the row's own firm
  -- (documents_storage_path_in_firm_folder): the integration streams this object with the secret key, so
  -- a row pointing into another firm's folder would copy that firm's file into this firm's Smokeball
  -- account. The integration ASSUMES the host keeps this rule (README, "The host's tables").
  storage_path text not null,
  size_bytes bigint not null check (size_bytes >= 0),
  content_type text not null default 'application/octet-stream' check (length(content_type) <= 255),
  sha256 text null check (sha256 is null or sha256 ~ '^[0-9a-f]{64}$'),
  approved_at timestamptz null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint documents_storage_path_in_firm_folder check (
    split_part(storage_path, '/', 1) = firm_id::text
    and storage_path !~ '(^|/)\.{1,2}(/|$)'
    and storage_path !~ '//'
    and length(storage_path) <= 1024
  ),
  constraint documents_firm_id_id_key unique (firm_id, id),
  constraint documents_storage_object_key unique (storage_bucket, storage_path),
  constraint documents_matter_same_firm_fkey foreign key (firm_id, matter_id)
    references public.matters (firm_id, id) on delete cascade
);
create index documents_firm_id_matter_id_idx on public.documents (firm_id, matter_id);

-- ---------------------------------------------------------------------------------------------------
-- updated_at triggers
-- ---------------------------------------------------------------------------------------------------
create trigger set_updated_at before update on public.firms
  for each row execute function private.set_updated_at();
create trigger set_updated_at before update on public.firm_members
  for each row execute function private.set_updated_at();
create trigger set_updated_at before update on public.clients
  for each row execute function private.set_updated_at();
create trigger set_updated_at before update on public.matters
  for each row execute function private.set_updated_at();
create trigger set_updated_at before update on public.documents
  for each row execute function private.set_updated_at();

-- ---------------------------------------------------------------------------------------------------
-- Policy helpers. SECURITY DEFINER so they read firm_members without recursing into its own policies;
-- `search_path = ''` and fully qualified names so a caller's search_path cannot redirect them. They
-- return ids and booleans only. Executable by `authenticated` (policies run as the caller).
-- ---------------------------------------------------------------------------------------------------
create or replace function private.user_firm_ids()
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
comment on function private.user_firm_ids() is 'Firms the calling user belongs to (any role).';

create or replace function private.user_admin_firm_ids()
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
comment on function private.user_admin_firm_ids() is 'Firms in which the calling user is an admin.';

revoke all on function private.user_firm_ids() from public, anon;
revoke all on function private.user_admin_firm_ids() from public, anon;
grant execute on function private.user_firm_ids() to authenticated;
grant execute on function private.user_admin_firm_ids() to authenticated;

-- ---------------------------------------------------------------------------------------------------
-- Row-level security. Policies are per command and `to authenticated`; `anon` has no grant at all, and
-- the service role bypasses RLS (it still needs grants).
-- ---------------------------------------------------------------------------------------------------
alter table public.firms enable row level security;
alter table public.firm_members enable row level security;
alter table public.clients enable row level security;
alter table public.matters enable row level security;
alter table public.documents enable row level security;

-- firms: members read their firms; admins rename or change the jurisdiction. Creating and deleting a
-- firm is onboarding, done server-side.
create policy firms_select_member on public.firms
  for select to authenticated
  using (id in (select private.user_firm_ids()));
create policy firms_update_admin on public.firms
  for update to authenticated
  using (id in (select private.user_admin_firm_ids()))
  with check (id in (select private.user_admin_firm_ids()));

-- firm_members: members see who else is in their firm; admins add, re-role and remove members.
create policy firm_members_select_member on public.firm_members
  for select to authenticated
  using (firm_id in (select private.user_firm_ids()));
create policy firm_members_insert_admin on public.firm_members
  for insert to authenticated
  with check (firm_id in (select private.user_admin_firm_ids()));
create policy firm_members_update_admin on public.firm_members
  for update to authenticated
  using (firm_id in (select private.user_admin_firm_ids()))
  with check (firm_id in (select private.user_admin_firm_ids()));
create policy firm_members_delete_admin on public.firm_members
  for delete to authenticated
  using (firm_id in (select private.user_admin_firm_ids()));

-- clients, matters, documents: the host app lets any member create, edit and delete them.
create policy clients_select_member on public.clients
  for select to authenticated
  using (firm_id in (select private.user_firm_ids()));
create policy clients_insert_member on public.clients
  for insert to authenticated
  with check (firm_id in (select private.user_firm_ids()));
create policy clients_update_member on public.clients
  for update to authenticated
  using (firm_id in (select private.user_firm_ids()))
  with check (firm_id in (select private.user_firm_ids()));
create policy clients_delete_member on public.clients
  for delete to authenticated
  using (firm_id in (select private.user_firm_ids()));

create policy matters_select_member on public.matters
  for select to authenticated
  using (firm_id in (select private.user_firm_ids()));
create policy matters_insert_member on public.matters
  for insert to authenticated
  with check (firm_id in (select private.user_firm_ids()));
create policy matters_update_member on public.matters
  for update to authenticated
  using (firm_id in (select private.user_firm_ids()))
  with check (firm_id in (select private.user_firm_ids()));
create policy matters_delete_member on public.matters
  for delete to authenticated
  using (firm_id in (select private.user_firm_ids()));

create policy documents_select_member on public.documents
  for select to authenticated
  using (firm_id in (select private.user_firm_ids()));
create policy documents_insert_member on public.documents
  for insert to authenticated
  with check (firm_id in (select private.user_firm_ids()));
create policy documents_update_member on public.documents
  for update to authenticated
  using (firm_id in (select private.user_firm_ids()))
  with check (firm_id in (select private.user_firm_ids()));
create policy documents_delete_member on public.documents
  for delete to authenticated
  using (firm_id in (select private.user_firm_ids()));

-- ---------------------------------------------------------------------------------------------------
-- Grants. Revoke first: on projects created before Supabase stopped auto-exposing tables, default
-- privileges would otherwise hand everything to anon and authenticated.
-- Column lists for `authenticated` leave out `firm_id` on update (rows never move between firms); columns
-- added later by the integration are not in them.
-- ---------------------------------------------------------------------------------------------------
revoke all on table public.firms, public.firm_members, public.clients, public.matters, public.documents
  from public, anon, authenticated, service_role;

grant select on table public.firms to authenticated;
grant update (name, jurisdiction) on table public.firms to authenticated;

grant select on table public.firm_members to authenticated;
grant insert (firm_id, user_id, role) on table public.firm_members to authenticated;
grant update (role) on table public.firm_members to authenticated;
grant delete on table public.firm_members to authenticated;

grant select on table public.clients to authenticated;
grant insert (id, firm_id, first_name, last_name, email, phone) on table public.clients to authenticated;
grant update (first_name, last_name, email, phone) on table public.clients to authenticated;
grant delete on table public.clients to authenticated;

grant select on table public.matters to authenticated;
grant insert (id, firm_id, client_id, case_type, case_number, title, description, status)
  on table public.matters to authenticated;
grant update (client_id, case_type, case_number, title, description, status)
  on table public.matters to authenticated;
grant delete on table public.matters to authenticated;

grant select on table public.documents to authenticated;
grant insert (id, firm_id, matter_id, status, file_name, storage_bucket, storage_path, size_bytes,
  content_type, sha256, approved_at) on table public.documents to authenticated;
-- Storage location, size and hash are fixed once uploaded: a replaced file is a new document.
grant update (matter_id, status, file_name, content_type, approved_at) on table public.documents
  to authenticated;
grant delete on table public.documents to authenticated;

grant select, insert, update, delete
  on table public.firms, public.firm_members, public.clients, public.matters, public.documents
  to service_role;
