-- Per-firm Smokeball app credentials: private.smokeball_apps.
--
-- Why it exists: Smokeball grants API access per firm, and a private app serves a single firm (Smokeball's
-- platform docs, "Creating an app"). One deployment-wide set of SMOKEBALL_* variables made every firm
-- configured or none; a firm that received its own API access could not use it. This table holds, per
-- firm, the app the firm received: client id, sealed client secret and sealed API key (AES-256-GCM by
-- shared/crypto/seal.ts, `key_id` naming the key, each value bound to its firm, client id and column), the
-- Smokeball environment and region. A firm without a row uses the deployment's default app (the SMOKEBALL_*
-- variables), if there is one.
--
-- Nobody but the service role reads it: no grant to anon or authenticated, not even through a function
-- they can execute; operators change it only through the functions of 20261201190200, which never return
-- a secret.

create table private.smokeball_apps (
  firm_id uuid primary key references public.firms (id) on delete cascade,
  client_id text not null check (client_id ~ '^[A-Za-z0-9._:@-]{1,200}$'),
  -- `v1.<key id>.<iv>.<ciphertext>` (base64url): a plaintext secret cannot be stored here by mistake.
  sealed_client_secret text not null check (sealed_client_secret ~ '^v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'),
  sealed_api_key text not null check (sealed_api_key ~ '^v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'),
  key_id text not null check (key_id ~ '^[A-Za-z0-9_-]{1,32}$'),
  environment text not null default 'production' check (environment in ('production', 'staging')),
  region text not null check (region in ('US', 'AU', 'UK')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create trigger set_updated_at before update on private.smokeball_apps
  for each row execute function private.smokeball_set_updated_at();

-- Enabled although only the service role (which bypasses RLS) has privileges: an accidental grant still
-- exposes no row.
alter table private.smokeball_apps enable row level security;

revoke all on table private.smokeball_apps from public, anon, authenticated, service_role;
grant select on table private.smokeball_apps to service_role;
