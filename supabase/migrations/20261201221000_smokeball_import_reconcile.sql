-- Importing Smokeball matters into CaseHug, and the nightly reconciliation.
--
-- Why it exists: an admin imports matters that already live in Smokeball (each becomes a CaseHug matter
-- and client linked to the Smokeball ones, exactly once however often or concurrently it is asked), and a
-- reconciliation repairs what webhooks missed (docs/architecture.md §5 "Import" and "Reconcile"). Both run
-- on the one queue (`sync_jobs`) in the lowest class of the shared limit (trigger 'bulk').
--
-- The queue's and the history's closed lists (`sync_jobs.kind`, `sync_runs.trigger`) are EXTENDED here, not
-- replaced: the new list is the current one plus ours, read from the catalog, so another feature's
-- migration that adds values of its own composes with this one in either order.
--
-- Exactly once needs nothing new on the host's tables: `smokeball_clients_firm_id_contact_id_key` and
-- `smokeball_matters_firm_id_matter_id_key` (20261126000100) already make a Smokeball contact or matter
-- linkable to one CaseHug row per firm, and the import inserts with `on conflict … do nothing`.

-- import_matter: one Smokeball matter to import (subject: its smokeball_imports row);
-- reconcile_firm: one firm's reconciliation (subject: the firm).
select private.smokeball_extend_check_values('public.sync_jobs', 'sync_jobs_kind_check', 'kind', array['import_matter', 'reconcile_firm']);
select private.smokeball_extend_check_values('public.sync_runs', 'sync_runs_trigger_check', 'trigger', array['import', 'reconcile']);

-- At most one queued reconciliation per firm: the nightly schedule and an admin's click coalesce.
create unique index if not exists sync_jobs_one_queued_reconcile_idx on public.sync_jobs (firm_id, subject_id)
  where status = 'queued' and kind = 'reconcile_firm';

-- ---------------------------------------------------------------------------------------------------
-- smokeball_imports: one row per Smokeball matter an import batch asked for, and what became of it.
-- The job (kind import_matter) names the row; the row names the Smokeball matter (its id is Smokeball's
-- string, so it cannot be the job's uuid subject).
-- ---------------------------------------------------------------------------------------------------
create table if not exists public.smokeball_imports (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  batch_id uuid not null,
  smokeball_matter_id text not null check (length(smokeball_matter_id) between 1 and 200),
  requested_by uuid null references auth.users (id) on delete set null,
  -- queued → imported (a CaseHug matter was created) | linked (one was already linked) | failed
  status text not null default 'queued' check (status in ('queued', 'imported', 'linked', 'failed')),
  matter_id uuid null,
  -- The case type given, or why none was (the Smokeball matter type maps to no single case type).
  case_type text null,
  note text null check (note is null or length(note) <= 1000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint smokeball_imports_firm_id_id_key unique (firm_id, id),
  constraint smokeball_imports_batch_matter_key unique (firm_id, batch_id, smokeball_matter_id),
  constraint smokeball_imports_matter_same_firm_fkey foreign key (firm_id, matter_id)
    references public.matters (firm_id, id) on delete set null (matter_id)
);
create index if not exists smokeball_imports_firm_id_created_at_idx on public.smokeball_imports (firm_id, created_at desc);
create index if not exists smokeball_imports_requested_by_idx on public.smokeball_imports (requested_by) where requested_by is not null;
create index if not exists smokeball_imports_matter_idx on public.smokeball_imports (firm_id, matter_id) where matter_id is not null;

create trigger smokeball_imports_set_updated_at
  before update on public.smokeball_imports
  for each row execute function private.smokeball_set_updated_at();

alter table public.smokeball_imports enable row level security;
revoke all on table public.smokeball_imports from public, anon, authenticated;
grant select on table public.smokeball_imports to authenticated;
grant all on table public.smokeball_imports to service_role;
create policy smokeball_imports_select_members on public.smokeball_imports
  for select to authenticated
  using (firm_id in (select private.smokeball_user_firm_ids()));

-- ---------------------------------------------------------------------------------------------------
-- Links whose Smokeball record was deleted: marked, not cleared (the id stays for the history and for a
-- record Smokeball restores). The reconciliation sets and clears the mark.
-- ---------------------------------------------------------------------------------------------------
alter table public.clients add column if not exists smokeball_deleted_at timestamptz null;
alter table public.matters add column if not exists smokeball_deleted_at timestamptz null;
comment on column public.clients.smokeball_deleted_at is 'When the reconciliation found the linked Smokeball contact deleted; written by the integration only.';
comment on column public.matters.smokeball_deleted_at is 'When the reconciliation found the linked Smokeball matter deleted; written by the integration only.';

-- ---------------------------------------------------------------------------------------------------
-- The reconciliation's own state per firm: when it last ran, and where its rotating check of the
-- matters' files stands. Members read it; only the integration writes it.
-- ---------------------------------------------------------------------------------------------------
create table if not exists public.smokeball_reconcile_state (
  firm_id uuid primary key references public.firms (id) on delete cascade,
  last_run_id uuid null,
  last_finished_at timestamptz null,
  -- The last CaseHug matter id whose files were checked: the next run continues after it (in id order)
  -- and wraps around, so every linked matter's files are checked every few runs.
  files_checked_through uuid null,
  updated_at timestamptz not null default now()
);
create trigger smokeball_reconcile_state_set_updated_at
  before update on public.smokeball_reconcile_state
  for each row execute function private.smokeball_set_updated_at();
alter table public.smokeball_reconcile_state enable row level security;
revoke all on table public.smokeball_reconcile_state from public, anon, authenticated;
grant select on table public.smokeball_reconcile_state to authenticated;
grant all on table public.smokeball_reconcile_state to service_role;
create policy smokeball_reconcile_state_select_members on public.smokeball_reconcile_state
  for select to authenticated
  using (firm_id in (select private.smokeball_user_firm_ids()));

-- ---------------------------------------------------------------------------------------------------
-- Nightly: where 20261126000800 wired pg_cron and pg_net (hosted Supabase), call `reconcile` with the
-- secret key at 03:17 UTC through the same helper the worker's sweep uses. Locally nothing is scheduled
-- (tests and the bench call the function). cron.schedule replaces a job of the same name on re-apply.
-- ---------------------------------------------------------------------------------------------------
do $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron')
     and exists (select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                 where n.nspname = 'private' and p.proname = 'smokeball_call_function') then
    perform cron.schedule('casehug-smokeball-reconcile', '17 3 * * *',
      $cron$ select private.smokeball_call_function('reconcile', '{}'::jsonb) $cron$);
  end if;
end;
$$;
