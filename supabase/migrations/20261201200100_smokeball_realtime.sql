-- Realtime for the app's Smokeball screens: the sync history (sync_runs: a running run's steps arrive as
-- they happen), the queue (sync_jobs: bulk progress), the connection (smokeball_connections: settings),
-- and the link columns of documents and matters (the matter page's "in Smokeball" marks) are published to
-- `supabase_realtime`, so the app subscribes with supabase-js `channel().on('postgres_changes', …)`
-- instead of polling.
--
-- Who receives what: Realtime checks each INSERT/UPDATE against the subscriber's SELECT policies, and
-- every published table already lets a user read only the rows of their own firm (members read
-- sync_runs, sync_jobs and smokeball_connections; the host's policies decide documents and matters).
-- Realtime does NOT apply RLS to DELETE events. A DELETE carries the old row's replica identity, which
-- stays the default (the primary key, a random uuid) on every table here — never `full` — so a delete
-- tells another firm's subscriber only that some uuid went away, nothing of the row. The integration
-- deletes no sync_runs and no smokeball_connections rows (a disconnect keeps the row with status
-- `disconnected`); sync_jobs rows go only by the firm's own cascade.
--
-- documents and matters are the host's tables: only the integration's link columns are published (a
-- publication column list, Postgres 15+), beside the keys a subscriber filters by; the host's own content
-- columns stay out of the integration's publication. A host that already publishes these tables whole
-- keeps its publication as it is.
--
-- On Supabase the publication exists; a plain Postgres (local runs, tests) gets an empty one first.
do $$
begin
  if not exists (select 1 from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end;
$$;

do $$
declare
  v_table text;
begin
  foreach v_table in array array['sync_runs', 'sync_jobs', 'smokeball_connections'] loop
    if not exists (
      select 1 from pg_catalog.pg_publication_tables
      where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = v_table
    ) then
      execute pg_catalog.format('alter publication supabase_realtime add table public.%I', v_table);
    end if;
  end loop;

  if not exists (
    select 1 from pg_catalog.pg_publication_tables
    where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'documents'
  ) then
    alter publication supabase_realtime
      add table public.documents (id, firm_id, matter_id, smokeball_file_id, smokeball_synced_at);
  end if;

  if not exists (
    select 1 from pg_catalog.pg_publication_tables
    where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'matters'
  ) then
    alter publication supabase_realtime
      add table public.matters (id, firm_id, smokeball_matter_id, smokeball_synced_at);
  end if;
end;
$$;
