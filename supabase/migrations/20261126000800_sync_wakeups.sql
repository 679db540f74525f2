-- Wake-ups for the sync queue on Supabase: where pg_net exists, the per-statement wake-up of
-- 20261126000700 also calls `sync-worker` (one call per statement that queued a job), and pg_cron calls
-- `sync-worker` every 30 seconds as the sweep for retries, expired leases and any lost wake-up. Both read
-- the functions' URL and the secret key from Vault (`casehug_functions_url`, `casehug_secret_key`), so no
-- key sits in SQL.
--
-- Invocations: Supabase counts every function call. The sweep is 2 a minute = 86,400 per 30-day month
-- for the whole project, however many firms it serves (an earlier 5-second schedule alone made ~518,000,
-- above the Free plan's 500,000). An idle firm adds none: a wake-up is sent only when a job is queued.
--
-- Applied only where pg_net, pg_cron and Vault exist: plain Postgres (the local stack) gets nothing from
-- this file, and dev/job-pump.ts LISTENs for the same NOTIFY and sweeps on the same 30-second default.
-- Either way a lost wake-up only delays a job; the queue (20261126000700) never loses one.
--
-- Set the two Vault secrets once per project:
--   select vault.create_secret('https://<ref>.supabase.co/functions/v1', 'casehug_functions_url');
--   select vault.create_secret('<sb_secret_…>', 'casehug_secret_key');

do $migration$
begin
  if not exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_net')
     or not exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_cron')
     or not exists (select 1 from pg_catalog.pg_namespace where nspname = 'vault') then
    raise notice 'pg_net, pg_cron or Vault is not available: queue wake-ups are left to the local pump';
    return;
  end if;

  create extension if not exists pg_net;
  create extension if not exists pg_cron;

  -- Calls a function with the secret key; a missing secret only skips the wake-up (the sweep remains).
  -- pg_net sends after the transaction commits, and not at all when it rolls back. The timeout is an
  -- Edge Function's wall clock (150 s): a worker call claims jobs for 40 s and then finishes the step in
  -- flight, so a shorter timeout would only make pg_net record a timeout for a call that succeeds.
  execute $fn$
    create or replace function private.smokeball_call_function(p_name text, p_body jsonb)
    returns void
    language plpgsql
    security definer
    set search_path = ''
    as $body$
    declare
      v_url text;
      v_key text;
    begin
      select decrypted_secret into v_url from vault.decrypted_secrets where name = 'casehug_functions_url';
      select decrypted_secret into v_key from vault.decrypted_secrets where name = 'casehug_secret_key';
      if v_url is null or v_key is null then
        return;
      end if;
      perform net.http_post(
        url := v_url || '/' || p_name,
        body := p_body,
        headers := pg_catalog.jsonb_build_object('content-type', 'application/json', 'apikey', v_key),
        timeout_milliseconds := 150000
      );
    end;
    $body$
  $fn$;
  execute 'revoke all on function private.smokeball_call_function(text, jsonb) from public, anon, authenticated';

  -- The per-statement wake-up: the local pump's NOTIFY, and the call that replaces it in production.
  execute $fn$
    create or replace function private.smokeball_wake_sync_worker(p_firm_ids uuid[])
    returns void
    language plpgsql
    security definer
    set search_path = ''
    as $body$
    begin
      perform pg_catalog.pg_notify('casehug_sync_jobs',
        pg_catalog.json_build_object('wake_id', pg_catalog.gen_random_uuid(), 'firm_ids', p_firm_ids[1:100])::text);
      perform private.smokeball_call_function('sync-worker', '{}'::jsonb);
    end;
    $body$
  $fn$;
  execute 'revoke all on function private.smokeball_wake_sync_worker(uuid[]) from public, anon, authenticated';

  -- cron.schedule replaces a job of the same name, so this also updates a project that had a faster one.
  perform cron.schedule('casehug-sync-worker', '30 seconds', $cron$ select private.smokeball_call_function('sync-worker', '{}'::jsonb) $cron$);
end
$migration$;
