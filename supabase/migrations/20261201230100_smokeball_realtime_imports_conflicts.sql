-- Realtime for the two-way sync's conflicts and the import's per-matter progress: the app's Smokeball
-- screens show a conflict as it is recorded (the change that lost, smokeball_sync_conflicts) and each
-- imported matter as it is created, linked or fails (smokeball_imports: status, case type, note), so both
-- tables join the sync history and the queue in `supabase_realtime` (20261201200100) instead of being polled.
--
-- Who receives what is what 20261201200100 says for the other tables: Realtime checks each INSERT and
-- UPDATE against the subscriber's SELECT policies, and both tables let a member read only their own
-- firm's rows (smokeball_sync_conflicts_select_member, smokeball_imports_select_members). Realtime does
-- NOT apply RLS to DELETE events: both tables keep the default replica identity (the primary key, a random
-- uuid), so a delete tells another firm's subscriber only that some uuid went away. The integration
-- deletes neither table's rows; they go only with their firm (on delete cascade).
--
-- On Supabase the publication exists; 20261201200100 creates an empty one on a plain Postgres.
do $$
declare
  v_table text;
begin
  foreach v_table in array array['smokeball_sync_conflicts', 'smokeball_imports'] loop
    if not exists (
      select 1 from pg_catalog.pg_publication_tables
      where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = v_table
    ) then
      execute pg_catalog.format('alter publication supabase_realtime add table public.%I', v_table);
    end if;
  end loop;
end;
$$;
