-- What a matter sync needs to be exactly-once across crashes and concurrent callers (docs/architecture.md §5 "Sync a
-- matter"), without holding a transaction or a session across Smokeball calls:
--   * `smokeball_create_started_at` on clients, matters and documents: set (and committed) just before
--     the create is sent to Smokeball, cleared when the link id is stored. A row with the mark and no
--     link was perhaps created by an attempt that died after Smokeball accepted it, so the next attempt
--     looks it up (by email, by contact + externalSystemId, by the file's additional data) before
--     creating another.
--   * `private.matter_sync_leases`: one holder per matter at a time, manual and automatic alike. A lease
--     rather than a session advisory lock, because the functions reach Postgres through the transaction
--     pooler (session state does not survive a transaction there), and a transaction-scoped lock would
--     hold a transaction open across uploads. A crashed holder's lease simply expires.
-- Nothing here depends on pg_cron or pg_net.

alter table public.clients add column if not exists smokeball_create_started_at timestamptz null;
alter table public.matters add column if not exists smokeball_create_started_at timestamptz null;
alter table public.documents add column if not exists smokeball_create_started_at timestamptz null;

comment on column public.clients.smokeball_create_started_at is
  'Set just before a Smokeball contact create is sent; cleared when smokeball_contact_id is stored.';
comment on column public.matters.smokeball_create_started_at is
  'Set just before a Smokeball matter create is sent; cleared when smokeball_matter_id is stored.';
comment on column public.documents.smokeball_create_started_at is
  'Set just before a Smokeball file create is sent; cleared when smokeball_file_id is stored.';

create table private.matter_sync_leases (
  matter_id uuid primary key,
  firm_id uuid not null,
  -- Who holds it (function instance + run), so only the holder renews or releases it.
  holder text not null check (length(holder) between 1 and 200),
  locked_until timestamptz not null,
  acquired_at timestamptz not null default now(),
  constraint matter_sync_leases_matter_fkey foreign key (firm_id, matter_id)
    references public.matters (firm_id, id) on delete cascade
);
-- Covers the composite foreign key (and a firm's leases).
create index matter_sync_leases_firm_id_matter_id_idx on private.matter_sync_leases (firm_id, matter_id);

alter table private.matter_sync_leases enable row level security;
revoke all on table private.matter_sync_leases from public, anon, authenticated, service_role;
grant select, insert, update, delete on table private.matter_sync_leases to service_role;
