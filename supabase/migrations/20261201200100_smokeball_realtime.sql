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
-- columns stay out of the integration's publication. A host that already publishes these tables keeps its
-- publication as it is. Postgres refuses every UPDATE and DELETE of a table whose replica identity a
-- publication's column list does not cover ("column list used by the publication does not cover the
-- replica identity"), so the list is used only where the replica identity is the primary key `id`, or an
-- index on columns of the list. A host table with REPLICA IDENTITY FULL (or an index or no identity
-- beyond the list) is left out, with a NOTICE: publishing it whole would send the old row, all of the
-- host's columns, in DELETE events, which Realtime does not filter by RLS. The app then shows that
-- table's link marks on reload instead of live (README, Realtime).
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
  v_target record;
  v_ident "char";
  v_ident_columns text[];
begin
  foreach v_table in array array['sync_runs', 'sync_jobs', 'smokeball_connections'] loop
    if not exists (
      select 1 from pg_catalog.pg_publication_tables
      where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = v_table
    ) then
      execute pg_catalog.format('alter publication supabase_realtime add table public.%I', v_table);
    end if;
  end loop;

  for v_target in
    select t.name, t.columns from (values
      ('documents', array['id', 'firm_id', 'matter_id', 'smokeball_file_id', 'smokeball_synced_at']),
      ('matters', array['id', 'firm_id', 'smokeball_matter_id', 'smokeball_synced_at'])
    ) as t(name, columns)
  loop
    if exists (
      select 1 from pg_catalog.pg_publication_tables
      where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = v_target.name
    ) then
      raise notice 'smokeball realtime: public.% is published already; its publication is kept as it is', v_target.name;
      continue;
    end if;
    select c.relreplident into v_ident from pg_catalog.pg_class c where c.oid = pg_catalog.format('public.%I', v_target.name)::regclass;
    -- The replica identity's columns: the primary key's ('d'), the chosen index's ('i'); none for 'n' and 'f'.
    select pg_catalog.array_agg(a.attname::text) into v_ident_columns
    from pg_catalog.pg_index i
    join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = pg_catalog.format('public.%I', v_target.name)::regclass
      and ((v_ident = 'd' and i.indisprimary) or (v_ident = 'i' and i.indisreplident));
    if v_ident = 'f' or v_ident_columns is null or not (v_ident_columns <@ v_target.columns) then
      raise notice 'smokeball realtime: public.% is not published: its replica identity (%) is not covered by the link columns, and publishing it whole would put the host''s columns in DELETE events. The app shows its Smokeball links on reload, not live',
        v_target.name, case v_ident when 'f' then 'FULL' when 'n' then 'NOTHING' when 'i' then 'USING INDEX' else 'DEFAULT, no primary key' end;
      continue;
    end if;
    execute pg_catalog.format(
      'alter publication supabase_realtime add table public.%I (%s)',
      v_target.name, (select pg_catalog.string_agg(pg_catalog.quote_ident(c), ', ') from pg_catalog.unnest(v_target.columns) as c));
  end loop;
end;
$$;
