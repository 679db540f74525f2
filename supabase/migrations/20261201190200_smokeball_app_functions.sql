-- The operator's functions for per-firm Smokeball apps: set, remove, list (npm run smokeball:app).
--
-- Why it exists: the credentials in private.smokeball_apps are written by operators only, and nothing
-- may read a secret back. These `security definer` functions are executable by the service role alone;
-- none returns a sealed value (list and set answer ids, the client id, environment and region). Sealing
-- happens before the call (the database never holds the encryption keys).
--
-- Changing a firm's app while it is connected invalidates the connection: its tokens were issued to the
-- old app and Smokeball refuses them from another one. The connection becomes `needs_reauth` with a
-- message saying why, pending connects (started with the old app) are dropped, and queued jobs stay
-- queued — the claim skips the firm until an admin reconnects, then they resume.

create or replace function private.smokeball_app_invalidate_connection(p_firm_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  delete from private.oauth_states where firm_id = p_firm_id;
  update public.smokeball_connections
  set status = 'needs_reauth',
      last_error_code = 'smokeball_reauth_required',
      last_error_message = 'This firm''s Smokeball app credentials changed and the connection belonged to the previous app; '
        || 'an admin must connect Smokeball again (queued syncs run after the reconnect)'
  where firm_id = p_firm_id and status = 'connected';
  get diagnostics v_count = row_count;
  return v_count > 0;
end;
$$;

create or replace function private.smokeball_app_set(
  p_firm_id uuid,
  p_client_id text,
  p_sealed_client_secret text,
  p_sealed_api_key text,
  p_key_id text,
  p_environment text,
  p_region text
)
returns table (firm_id uuid, client_id text, environment text, region text, connection_invalidated boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_old private.smokeball_apps%rowtype;
  v_invalidated boolean := false;
begin
  if not exists (select 1 from public.firms f where f.id = p_firm_id) then
    raise exception 'no firm %', p_firm_id using errcode = 'foreign_key_violation';
  end if;
  select * into v_old from private.smokeball_apps a where a.firm_id = p_firm_id for update;
  insert into private.smokeball_apps as a
    (firm_id, client_id, sealed_client_secret, sealed_api_key, key_id, environment, region)
  values (p_firm_id, p_client_id, p_sealed_client_secret, p_sealed_api_key, p_key_id, p_environment, p_region)
  on conflict on constraint smokeball_apps_pkey do update set
    client_id = excluded.client_id, sealed_client_secret = excluded.sealed_client_secret,
    sealed_api_key = excluded.sealed_api_key, key_id = excluded.key_id,
    environment = excluded.environment, region = excluded.region;
  -- Another app (or the first own app after the default): the tokens are the old app's. A new secret
  -- or API key for the same app keeps the connection.
  if v_old.firm_id is null
     or v_old.client_id <> p_client_id or v_old.environment <> p_environment or v_old.region <> p_region then
    v_invalidated := private.smokeball_app_invalidate_connection(p_firm_id);
  end if;
  return query select p_firm_id, p_client_id, p_environment, p_region, v_invalidated;
end;
$$;

create or replace function private.smokeball_app_remove(p_firm_id uuid)
returns table (firm_id uuid, removed boolean, connection_invalidated boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_removed integer;
  v_invalidated boolean := false;
begin
  delete from private.smokeball_apps a where a.firm_id = p_firm_id;
  get diagnostics v_removed = row_count;
  if v_removed > 0 then
    v_invalidated := private.smokeball_app_invalidate_connection(p_firm_id);
  end if;
  return query select p_firm_id, v_removed > 0, v_invalidated;
end;
$$;

create or replace function private.smokeball_app_list()
returns table (firm_id uuid, client_id text, environment text, region text, key_id text, updated_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select a.firm_id, a.client_id, a.environment, a.region, a.key_id, a.updated_at
  from private.smokeball_apps a
  order by a.firm_id;
$$;

revoke all on function private.smokeball_app_invalidate_connection(uuid) from public, anon, authenticated, service_role;
revoke all on function private.smokeball_app_set(uuid, text, text, text, text, text, text) from public, anon, authenticated;
revoke all on function private.smokeball_app_remove(uuid) from public, anon, authenticated;
revoke all on function private.smokeball_app_list() from public, anon, authenticated;
grant execute on function private.smokeball_app_set(uuid, text, text, text, text, text, text) to service_role;
grant execute on function private.smokeball_app_remove(uuid) to service_role;
grant execute on function private.smokeball_app_list() to service_role;
