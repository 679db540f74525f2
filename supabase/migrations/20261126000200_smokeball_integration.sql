-- Smokeball integration tables (docs/architecture.md §4, §5): smokeball_connections, case_type_mappings, sync_jobs,
-- sync_runs, webhook_subscriptions, webhook_events.
--
-- Why it exists: these hold the per-firm state of the integration (the connection, the firm's case type
-- overrides, the job queue, the sync history, the webhook subscriptions and inbox). Firms must be able to
-- read their own history and settings and nothing of another firm's, and only the integration itself
-- (the service role) may write jobs, runs, subscriptions and events. So:
--   * members read their firm's rows; admins change only `smokeball_connections.auto_sync` (a column
--     grant) and the firm's case_type_mappings; everything else is written by the service role;
--   * no table here holds a secret: tokens, webhook keys and OAuth states live in `private`
--     (20261126000300), which anon and authenticated cannot read;
--   * composite foreign keys `(firm_id, …)` keep runs, jobs and events inside one firm.
-- The queue and webhook functions and the optional pg_cron/pg_net wiring come in later migrations;
-- nothing here depends on those extensions.

-- ---------------------------------------------------------------------------------------------------
-- smokeball_connections: one Smokeball account per firm. Deleted on disconnect (the link ids on
-- clients, matters and documents stay).
-- ---------------------------------------------------------------------------------------------------
create table public.smokeball_connections (
  firm_id uuid primary key references public.firms (id) on delete cascade,
  region text not null check (region in ('US', 'AU', 'UK')),
  status text not null default 'connected' check (status in ('connected', 'needs_reauth')),
  account_id text null,
  connected_by uuid null references auth.users (id) on delete set null,
  connected_at timestamptz not null default now(),
  access_token_expires_at timestamptz null,
  refresh_token_expires_at timestamptz null,
  last_refreshed_at timestamptz null,
  auto_sync boolean not null default true,
  last_error_code text null,
  last_error_message text null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index smokeball_connections_connected_by_idx on public.smokeball_connections (connected_by)
  where connected_by is not null;

-- ---------------------------------------------------------------------------------------------------
-- case_type_mappings: a firm's override of the built-in mapping (docs/architecture.md §6), by Smokeball matter type id
-- or by name (matched within the firm's jurisdiction) — exactly one of the two.
-- ---------------------------------------------------------------------------------------------------
create table public.case_type_mappings (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  case_type text not null check (case_type ~ '^[a-z][a-z0-9_]{0,99}$'),
  matter_type_id text null check (matter_type_id is null or length(matter_type_id) between 1 and 200),
  matter_type_name text null check (matter_type_name is null or length(btrim(matter_type_name)) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint case_type_mappings_one_target check (num_nonnulls(matter_type_id, matter_type_name) = 1),
  constraint case_type_mappings_firm_id_case_type_key unique (firm_id, case_type)
);

-- ---------------------------------------------------------------------------------------------------
-- sync_jobs: the queue. A job is claimed with FOR UPDATE SKIP LOCKED and a lease (`locked_until`);
-- failures retry with backoff until `max_attempts`, then end `dead` with the error kept.
-- ---------------------------------------------------------------------------------------------------
create table public.sync_jobs (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  kind text not null check (kind in ('sync_matter', 'process_webhook')),
  -- The matter (sync_matter) or the webhook event (process_webhook) the job is about. Polymorphic, so
  -- no foreign key; the worker re-reads it within the job's firm.
  subject_id uuid not null,
  -- Groups the jobs of one bulk sync.
  batch_id uuid null,
  trigger text not null check (trigger in ('manual', 'auto', 'bulk', 'webhook')),
  status text not null default 'queued'
    check (status in ('queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 8 check (max_attempts >= 1),
  run_after timestamptz not null default now(),
  locked_until timestamptz null,
  locked_by text null,
  requested_by uuid null references auth.users (id) on delete set null,
  last_error_code text null,
  last_error_message text null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint sync_jobs_firm_id_id_key unique (firm_id, id)
);
-- Bursts coalesce: at most one queued sync of a matter at a time (`on conflict do nothing` on enqueue).
create unique index sync_jobs_one_queued_sync_matter_idx on public.sync_jobs (firm_id, subject_id)
  where status = 'queued' and kind = 'sync_matter';
-- Claiming: the next due queued job.
create index sync_jobs_status_run_after_idx on public.sync_jobs (status, run_after);
-- Recovering expired leases.
create index sync_jobs_running_locked_until_idx on public.sync_jobs (locked_until) where status = 'running';
-- A firm's queue, a matter's jobs, a bulk batch's progress.
create index sync_jobs_firm_id_subject_id_idx on public.sync_jobs (firm_id, subject_id);
create index sync_jobs_batch_id_idx on public.sync_jobs (firm_id, batch_id) where batch_id is not null;
create index sync_jobs_requested_by_idx on public.sync_jobs (requested_by) where requested_by is not null;

-- ---------------------------------------------------------------------------------------------------
-- sync_runs: the sync history, one row per attempt.
-- ---------------------------------------------------------------------------------------------------
create table public.sync_runs (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  matter_id uuid null,
  job_id uuid null,
  trigger text not null check (trigger in ('manual', 'auto', 'bulk', 'webhook')),
  status text not null default 'running' check (status in ('running', 'succeeded', 'partial', 'failed')),
  steps jsonb not null default '[]'::jsonb check (jsonb_typeof(steps) = 'array'),
  counts jsonb not null default '{}'::jsonb check (jsonb_typeof(counts) = 'object'),
  api_calls integer not null default 0 check (api_calls >= 0),
  -- Smokeball `RequestId`s of the requests this run sent: an `error` webhook names one, and events
  -- caused by our own writes are recognised by theirs.
  request_ids text[] not null default '{}',
  started_at timestamptz not null default now(),
  finished_at timestamptz null,
  duration_ms integer null check (duration_ms is null or duration_ms >= 0),
  error_code text null,
  error_message text null,
  updated_at timestamptz not null default now(),
  -- A run is finished exactly when it has left `running`.
  constraint sync_runs_finished_when_done check ((status = 'running') = (finished_at is null)),
  constraint sync_runs_matter_same_firm_fkey foreign key (firm_id, matter_id)
    references public.matters (firm_id, id) on delete set null (matter_id),
  constraint sync_runs_job_same_firm_fkey foreign key (firm_id, job_id)
    references public.sync_jobs (firm_id, id) on delete set null (job_id)
);
create index sync_runs_firm_id_started_at_idx on public.sync_runs (firm_id, started_at desc);
create index sync_runs_firm_id_matter_id_started_at_idx on public.sync_runs (firm_id, matter_id, started_at desc);
create index sync_runs_firm_id_job_id_idx on public.sync_runs (firm_id, job_id) where job_id is not null;
-- `request_ids @> array[$1]` finds the run an `error` webhook refers to.
create index sync_runs_request_ids_idx on public.sync_runs using gin (request_ids);

-- ---------------------------------------------------------------------------------------------------
-- webhook_subscriptions: what `register-webhooks` created in the firm's Smokeball account.
-- ---------------------------------------------------------------------------------------------------
create table public.webhook_subscriptions (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  -- Smokeball's id; an incoming delivery is attributed to a firm through it, before the firm is known.
  smokeball_subscription_id text not null,
  event_types text[] not null default '{}',
  event_notification_url text null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint webhook_subscriptions_firm_id_id_key unique (firm_id, id),
  constraint webhook_subscriptions_smokeball_subscription_id_key unique (smokeball_subscription_id)
);
create index webhook_subscriptions_firm_id_idx on public.webhook_subscriptions (firm_id);

-- ---------------------------------------------------------------------------------------------------
-- webhook_events: the inbox. Stored only after the signature verified with the firm's key, so the firm
-- is known. The payload is a hint (the body is not signed) and is re-fetched before it is applied.
-- ---------------------------------------------------------------------------------------------------
create table public.webhook_events (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  -- Deduplicates redeliveries.
  fingerprint text not null check (length(fingerprint) between 1 and 200),
  subscription_id uuid null,
  smokeball_subscription_id text null,
  event_type text not null check (length(event_type) between 1 and 100),
  request_id text null,
  resource_id text null,
  -- The delivery's `Timestamp` (.NET ticks).
  timestamp_ticks bigint null,
  status text not null default 'received' check (status in ('received', 'processed', 'ignored', 'failed')),
  payload jsonb not null default '{}'::jsonb,
  received_at timestamptz not null default now(),
  processed_at timestamptz null,
  error_code text null,
  error_message text null,
  updated_at timestamptz not null default now(),
  constraint webhook_events_fingerprint_key unique (fingerprint),
  constraint webhook_events_subscription_same_firm_fkey foreign key (firm_id, subscription_id)
    references public.webhook_subscriptions (firm_id, id) on delete set null (subscription_id)
);
create index webhook_events_firm_id_received_at_idx on public.webhook_events (firm_id, received_at desc);
create index webhook_events_firm_id_subscription_id_idx on public.webhook_events (firm_id, subscription_id)
  where subscription_id is not null;
create index webhook_events_pending_idx on public.webhook_events (received_at) where status = 'received';
create index webhook_events_firm_id_resource_id_idx on public.webhook_events (firm_id, resource_id)
  where resource_id is not null;

-- ---------------------------------------------------------------------------------------------------
-- updated_at triggers
-- ---------------------------------------------------------------------------------------------------
create trigger set_updated_at before update on public.smokeball_connections
  for each row execute function private.smokeball_set_updated_at();
create trigger set_updated_at before update on public.case_type_mappings
  for each row execute function private.smokeball_set_updated_at();
create trigger set_updated_at before update on public.sync_jobs
  for each row execute function private.smokeball_set_updated_at();
create trigger set_updated_at before update on public.sync_runs
  for each row execute function private.smokeball_set_updated_at();
create trigger set_updated_at before update on public.webhook_subscriptions
  for each row execute function private.smokeball_set_updated_at();
create trigger set_updated_at before update on public.webhook_events
  for each row execute function private.smokeball_set_updated_at();

-- ---------------------------------------------------------------------------------------------------
-- Row-level security
-- ---------------------------------------------------------------------------------------------------
alter table public.smokeball_connections enable row level security;
alter table public.case_type_mappings enable row level security;
alter table public.sync_jobs enable row level security;
alter table public.sync_runs enable row level security;
alter table public.webhook_subscriptions enable row level security;
alter table public.webhook_events enable row level security;

create policy smokeball_connections_select_member on public.smokeball_connections
  for select to authenticated
  using (firm_id in (select private.smokeball_user_firm_ids()));
-- Admins may update the row; the column grant below limits them to `auto_sync`.
create policy smokeball_connections_update_admin on public.smokeball_connections
  for update to authenticated
  using (firm_id in (select private.smokeball_user_admin_firm_ids()))
  with check (firm_id in (select private.smokeball_user_admin_firm_ids()));

create policy case_type_mappings_select_member on public.case_type_mappings
  for select to authenticated
  using (firm_id in (select private.smokeball_user_firm_ids()));
create policy case_type_mappings_insert_admin on public.case_type_mappings
  for insert to authenticated
  with check (firm_id in (select private.smokeball_user_admin_firm_ids()));
create policy case_type_mappings_update_admin on public.case_type_mappings
  for update to authenticated
  using (firm_id in (select private.smokeball_user_admin_firm_ids()))
  with check (firm_id in (select private.smokeball_user_admin_firm_ids()));
create policy case_type_mappings_delete_admin on public.case_type_mappings
  for delete to authenticated
  using (firm_id in (select private.smokeball_user_admin_firm_ids()));

create policy sync_jobs_select_member on public.sync_jobs
  for select to authenticated
  using (firm_id in (select private.smokeball_user_firm_ids()));
create policy sync_runs_select_member on public.sync_runs
  for select to authenticated
  using (firm_id in (select private.smokeball_user_firm_ids()));
create policy webhook_subscriptions_select_member on public.webhook_subscriptions
  for select to authenticated
  using (firm_id in (select private.smokeball_user_firm_ids()));
create policy webhook_events_select_member on public.webhook_events
  for select to authenticated
  using (firm_id in (select private.smokeball_user_firm_ids()));

-- ---------------------------------------------------------------------------------------------------
-- Grants
-- ---------------------------------------------------------------------------------------------------
revoke all on table public.smokeball_connections, public.case_type_mappings, public.sync_jobs,
  public.sync_runs, public.webhook_subscriptions, public.webhook_events
  from public, anon, authenticated, service_role;

grant select on table public.smokeball_connections, public.case_type_mappings, public.sync_jobs,
  public.sync_runs, public.webhook_subscriptions, public.webhook_events
  to authenticated;
grant update (auto_sync) on table public.smokeball_connections to authenticated;
grant insert (id, firm_id, case_type, matter_type_id, matter_type_name) on table public.case_type_mappings
  to authenticated;
grant update (case_type, matter_type_id, matter_type_name) on table public.case_type_mappings to authenticated;
grant delete on table public.case_type_mappings to authenticated;

grant select, insert, update, delete on table public.smokeball_connections, public.case_type_mappings,
  public.sync_jobs, public.sync_runs, public.webhook_subscriptions, public.webhook_events
  to service_role;
