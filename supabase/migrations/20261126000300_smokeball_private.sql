-- Smokeball secrets (docs/architecture.md §4): private.smokeball_credentials and private.oauth_states.
--
-- Why it exists: the sealed OAuth tokens, the per-firm webhook key and the PKCE verifier of a pending
-- authorization are the most sensitive data of the integration. They live in the unexposed `private`
-- schema with no privilege at all for `anon` or `authenticated` (not even through a function they can
-- execute); only the service role, i.e. the Edge Functions' service connection, reads and writes them.
-- Values are sealed (AES-256-GCM, `key_id` names the key) by shared/crypto before they reach Postgres.

create table private.smokeball_credentials (
  -- One set per connection; deleting the connection (disconnect) deletes its credentials.
  firm_id uuid primary key references public.smokeball_connections (firm_id) on delete cascade,
  sealed_access_token text not null,
  sealed_refresh_token text not null,
  sealed_webhook_key text null,
  key_id text not null check (length(key_id) between 1 and 100),
  access_token_expires_at timestamptz not null,
  refresh_token_expires_at timestamptz null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create trigger set_updated_at before update on private.smokeball_credentials
  for each row execute function private.smokeball_set_updated_at();

-- A pending authorization. Consumed in one statement (`update … set consumed_at = now() where
-- state_hash = $1 and consumed_at is null returning …, expires_at > now() as fresh`), so a state works
-- once and only within its 10 minutes.
create table private.oauth_states (
  state_hash text primary key check (length(state_hash) between 32 and 128),
  firm_id uuid not null references public.firms (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  region text not null check (region in ('US', 'AU', 'UK')),
  sealed_code_verifier text not null,
  -- A path inside the app, never an absolute or protocol-relative URL (no open redirect).
  return_path text not null default '/' check (
    return_path ~ '^/' and return_path !~ '^//' and return_path !~ '\\' and length(return_path) <= 2048
  ),
  expires_at timestamptz not null default (now() + interval '10 minutes'),
  created_at timestamptz not null default now()
);
-- Sweeping expired states; the foreign keys' lookups on delete of a firm or user.
create index oauth_states_expires_at_idx on private.oauth_states (expires_at);
create index oauth_states_firm_id_idx on private.oauth_states (firm_id);
create index oauth_states_user_id_idx on private.oauth_states (user_id);

-- No RLS needed: nobody but the service role (which bypasses RLS) has any privilege. It is enabled anyway
-- so that an accidental grant still exposes no row.
alter table private.smokeball_credentials enable row level security;
alter table private.oauth_states enable row level security;

revoke all on table private.smokeball_credentials, private.oauth_states
  from public, anon, authenticated, service_role;
grant select, insert, update, delete on table private.smokeball_credentials, private.oauth_states
  to service_role;
