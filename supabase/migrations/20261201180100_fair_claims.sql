-- Fair claiming: due jobs are claimed round-robin across firms, so a firm with thousands of queued jobs
-- (a bulk sync) and a firm with one both get their turn at the next claim. Smokeball's limit is shared by
-- every firm (docs/smokeball.md §6); a FIFO across firms would put every other firm behind one bulk sync.
--
-- Each due job is ranked within its firm (interactive work of the firm first: a manual sync continuing in
-- the queue, then webhook events, then auto-syncs, then bulk; oldest first within those), and the claim
-- takes rank 1 of every firm before rank 2 of any. Firms with an equal rank and class are taken in turn:
-- every sync-worker lane claims one job at a time and the ranking starts afresh on each claim (every
-- firm's next job is its rank 1 again), so the firm whose last claim is oldest (or that never claimed)
-- goes first — kept in private.smokeball_claim_turns. Oldest first would let a firm whose 5,000 queued
-- bulk jobs are older than another firm's one win every claim until its backlog was gone. Classes still
-- come first: one firm's auto-sync goes before another firm's bulk job.
-- Still FOR UPDATE SKIP LOCKED (a window function cannot be locked, so the ranking is computed first and
-- the rows are locked in that order), still one queued job per matter (the queue's unique index), and
-- still not a job whose matter another job holds a live lease on. The ranking reads a bounded number of jobs
-- per firm and trigger through the index below, so a claim costs the same with 10 or 10,000 queued.
create index if not exists sync_jobs_queued_firm_trigger_idx
  on public.sync_jobs (firm_id, trigger, run_after, created_at) where status = 'queued';
create or replace function private.smokeball_trigger_rank(p_trigger text)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case p_trigger when 'manual' then 0 when 'webhook' then 1 when 'auto' then 2 else 3 end;
$$;
revoke all on function private.smokeball_trigger_rank(text) from public, anon, authenticated;

create table if not exists private.smokeball_claim_turns (
  firm_id uuid primary key references public.firms (id) on delete cascade,
  last_claimed_at timestamptz not null
);
alter table private.smokeball_claim_turns enable row level security;
-- No tenant's to read and no table privilege for any API role: only private.claim_sync_jobs() touches it.
revoke all on table private.smokeball_claim_turns from public, anon, authenticated, service_role;

create or replace function private.claim_sync_jobs(
  p_worker text,
  p_limit integer,
  p_lease_seconds integer,
  p_firm_id uuid default null,
  p_subject_id uuid default null,
  p_kind text default null
)
returns setof public.sync_jobs
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.sync_jobs j
  set status = 'dead', locked_until = null, locked_by = null,
      last_error_code = coalesce(j.last_error_code, 'sync_interrupted'),
      last_error_message = coalesce(j.last_error_message, 'The sync stopped before it finished, and no attempts are left')
  where j.status = 'running' and j.locked_until < pg_catalog.now() and j.attempts >= j.max_attempts;

  return query
  with firms as (
    select c.firm_id from public.smokeball_connections c
    where c.status = 'connected' and (p_firm_id is null or c.firm_id = p_firm_id)
  ),
  -- Each firm's first due jobs of each trigger (index probes, not a scan of the whole queue: a
  -- firm may have thousands queued), and the jobs whose lease expired (their worker died).
  due as (
    select d.id, f.firm_id, d.run_after, d.created_at, private.smokeball_trigger_rank(t.trigger) as class_rank
    from firms f
    cross join (values ('manual'), ('webhook'), ('auto'), ('bulk')) as t (trigger)
    cross join lateral (
      select j.id, j.run_after, j.created_at
      from public.sync_jobs j
      where j.firm_id = f.firm_id and j.trigger = t.trigger and j.status = 'queued' and j.run_after <= pg_catalog.now()
        and (p_subject_id is null or j.subject_id = p_subject_id)
        and (p_kind is null or j.kind = p_kind)
      order by j.run_after, j.created_at
      -- Beyond p_limit: rows a concurrent claimer holds are skipped below, and the next ones must be there.
      limit p_limit + 32
    ) d
    union all
    select j.id, j.firm_id, j.run_after, j.created_at, private.smokeball_trigger_rank(j.trigger)
    from public.sync_jobs j
    join firms f on f.firm_id = j.firm_id
    where j.status = 'running' and j.locked_until < pg_catalog.now()
      and (p_subject_id is null or j.subject_id = p_subject_id)
      and (p_kind is null or j.kind = p_kind)
  ),
  ranked as (
    select d.id, d.class_rank, d.run_after, d.created_at, t.last_claimed_at,
           pg_catalog.row_number() over (partition by d.firm_id order by d.class_rank, d.run_after, d.created_at) as firm_turn
    from due d
    left join private.smokeball_claim_turns t on t.firm_id = d.firm_id
    -- Not while another job of the same matter holds a live lease (the per-matter lease inside the sync
    -- is the real guard; this keeps a worker from claiming a job it would only wait on).
    where not exists (
      select 1 from public.sync_jobs j join public.sync_jobs r
        on r.firm_id = j.firm_id and r.subject_id = j.subject_id and r.id <> j.id
      where j.id = d.id and r.status = 'running' and r.locked_until >= pg_catalog.now())
  ),
  candidates as (
    select j.id
    from public.sync_jobs j
    join ranked r on r.id = j.id
    -- Checked again on the locked row: a job another worker claimed since the ranking's snapshot is
    -- re-read after the lock (READ COMMITTED) and dropped here instead of being claimed twice. Written as
    -- one CASE on purpose: an index cannot serve it, so the planner reaches these rows by id from the
    -- ranking (a few dozen). As two indexable conditions, a burst of queued jobs newer than the table's
    -- statistics made it scan every due job and compare each with every ranked one (130–170 ms per
    -- claim with 5,000 webhook jobs queued, Postgres's largest cost at 500 deliveries/s).
    where case j.status
            when 'queued' then j.run_after <= pg_catalog.now()
            when 'running' then j.locked_until < pg_catalog.now()
            else false
          end
    order by r.firm_turn, r.class_rank, r.last_claimed_at nulls first, r.run_after, r.created_at
    limit p_limit
    for update of j skip locked
  ),
  claimed as (
    update public.sync_jobs j
    set status = 'running', attempts = j.attempts + 1, locked_by = p_worker,
        locked_until = pg_catalog.now() + pg_catalog.make_interval(secs => p_lease_seconds)
    from candidates
    where j.id = candidates.id
    returning j.*
  ),
  -- clock_timestamp, not now(): claims inside one transaction (tests, a worker's loop) still take turns.
  turns as (
    insert into private.smokeball_claim_turns as t (firm_id, last_claimed_at)
    select c.firm_id, pg_catalog.clock_timestamp() from (select distinct claimed.firm_id from claimed) c
    on conflict (firm_id) do update set last_claimed_at = excluded.last_claimed_at
  )
  select * from claimed;
end;
$$;
revoke all on function private.claim_sync_jobs(text, integer, integer, uuid, uuid, text) from public, anon, authenticated;
grant execute on function private.claim_sync_jobs(text, integer, integer, uuid, uuid, text) to service_role;
