-- Two-way sync (docs/architecture.md §5 "Two-way sync"): a pushed edit stays pending, marked `sent` with the
-- value sent and an expiry, until a read of Smokeball shows that value (Smokeball applies writes
-- asynchronously). A later CaseHug edit of the same field replaces the value and time, keeps the first
-- edit's base as before, and now also keeps `sent`: Smokeball may hold (or be about to hold) the value sent
-- earlier, and that is CaseHug's own write, not a change made in Smokeball.
create or replace function private.smokeball_merge_pending_fields(p_old jsonb, p_new jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select coalesce(p_old, '{}'::jsonb) || coalesce((
    select pg_catalog.jsonb_object_agg(e.key,
             case when p_old ? e.key
                  then e.value
                       || pg_catalog.jsonb_build_object('base', p_old -> e.key -> 'base')
                       || case when p_old -> e.key ? 'sent'
                               then pg_catalog.jsonb_build_object('sent', p_old -> e.key -> 'sent')
                               else '{}'::jsonb end
                  else e.value end)
    from pg_catalog.jsonb_each(p_new) e), '{}'::jsonb);
$$;
revoke all on function private.smokeball_merge_pending_fields(jsonb, jsonb) from public, anon, authenticated;
