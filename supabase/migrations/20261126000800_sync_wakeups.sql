-- Wake-ups for the sync queue on Supabase (DESIGN §5 "Auto-sync"): a pg_net call to
-- `on-document-approved` when a document is approved (Supabase's database-webhook payload), and a
-- pg_cron job that calls `sync-worker` every few seconds for anything left. Both read the functions' URL
-- and the secret key from Vault (`casehug_functions_url`, `casehug_secret_key`), so no key sits in SQL.
--
-- Applied only where pg_net, pg_cron and Vault exist: plain Postgres (the local stack) gets nothing from
-- this file and wakes workers itself (dev/job-pump.ts: LISTEN/NOTIFY and a periodic sweep). Either way
-- a lost wake-up only delays a job; the queue (20261126000700) never loses one.
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
  execute $fn$
    create or replace function private.wake_function(p_name text, p_body jsonb)
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
        timeout_milliseconds := 5000
      );
    end;
    $body$
  $fn$;
  execute 'revoke all on function private.wake_function(text, jsonb) from public, anon, authenticated';

  execute $fn$
    create or replace function private.wake_on_document_approved()
    returns trigger
    language plpgsql
    security definer
    set search_path = ''
    as $body$
    begin
      if new.status = 'approved' and (tg_op = 'INSERT' or old.status is distinct from 'approved') then
        -- The database-webhook payload shape, with ids only (the worker re-reads the rows).
        perform private.wake_function('on-document-approved', pg_catalog.jsonb_build_object(
          'type', tg_op, 'table', tg_table_name, 'schema', tg_table_schema,
          'record', pg_catalog.jsonb_build_object('id', new.id, 'firm_id', new.firm_id, 'matter_id', new.matter_id, 'status', new.status),
          'old_record', case when tg_op = 'UPDATE'
                             then pg_catalog.jsonb_build_object('id', old.id, 'firm_id', old.firm_id, 'matter_id', old.matter_id, 'status', old.status)
                             end));
      end if;
      return null;
    end;
    $body$
  $fn$;
  execute 'revoke all on function private.wake_on_document_approved() from public, anon, authenticated';
  execute 'drop trigger if exists documents_wake_on_approved on public.documents';
  -- Named to fire after documents_enqueue_auto_sync (triggers fire in name order): the job exists first.
  execute 'create trigger documents_wake_on_approved after insert or update of status on public.documents
           for each row execute function private.wake_on_document_approved()';

  perform cron.schedule('casehug-sync-worker', '5 seconds', $cron$ select private.wake_function('sync-worker', '{}'::jsonb) $cron$);
end
$migration$;
