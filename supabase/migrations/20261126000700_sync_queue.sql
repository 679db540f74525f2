-- The durable sync queue: approvals enqueue in the same transaction, bursts coalesce into one queued job
-- per matter, and workers claim with FOR UPDATE SKIP LOCKED and a lease. The retry budget and dead
-- letters are decided here, in the claim and finish functions, on the job row itself, so every worker
-- (sync-worker, on-document-approved) runs the same rules.
--
-- Wake-ups: a statement that queues at least one job due now, or wakes a firm's waiting jobs (a
-- reconnect after re-authorisation), wakes the worker ONCE, at its end — not once per approved row (a
-- multi-row insert approving 20 documents is one wake-up), and not at all when it queued nothing
-- (auto-sync off, a matter whose job is already queued, a document that is not approved). Here
-- the wake-up is a NOTIFY on `casehug_sync_jobs` (the local job pump listens); where pg_net exists,
-- 20261126000800 makes the same function also call sync-worker. A lost wake-up only delays a job: the
-- slow periodic sweep claims whatever is due, retries and expired leases included.
-- Triggers on the host's `documents` are named `smokeball_…` so they never collide with the host's own.

-- ---------------------------------------------------------------------------------------------------
-- The pending wake-up of the current statement: the firms whose jobs it queued, in a transaction-local
-- setting (a savepoint rolled back takes its part with it). Noted per queued row, sent per statement.
-- ---------------------------------------------------------------------------------------------------
create or replace function private.smokeball_note_wake(p_firm_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_pending text := coalesce(pg_catalog.current_setting('smokeball.wake_firm_ids', true), '');
begin
  if pg_catalog.strpos(v_pending, p_firm_id::text) = 0 then
    perform pg_catalog.set_config('smokeball.wake_firm_ids', pg_catalog.btrim(v_pending || ' ' || p_firm_id::text), true);
  end if;
end;
$$;
revoke all on function private.smokeball_note_wake(uuid) from public, anon, authenticated;

-- Wakes the workers: a NOTIFY for the local pump (harmless where nobody listens). Replaced where pg_net
-- exists (20261126000800) by a version that also calls sync-worker. The payload names the firms whose
-- jobs were queued, at most a hundred (a NOTIFY payload is limited to 8000 bytes), and carries a fresh
-- id: Postgres delivers identical payloads of one transaction once, and each statement's wake-up counts,
-- as each makes its own pg_net call in production.
create or replace function private.smokeball_wake_sync_worker(p_firm_ids uuid[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform pg_catalog.pg_notify('casehug_sync_jobs',
    pg_catalog.json_build_object('wake_id', pg_catalog.gen_random_uuid(), 'firm_ids', p_firm_ids[1:100])::text);
end;
$$;
revoke all on function private.smokeball_wake_sync_worker(uuid[]) from public, anon, authenticated;

-- Statement-level: sends the statement's pending wake-up, if any, and clears it. Only the outermost
-- statement sends: a job inserted by a trigger (the approval's enqueue) is sent by the statement that
-- fired that trigger, once, however many rows it touched.
create or replace function private.smokeball_send_pending_wake()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_pending text := nullif(pg_catalog.btrim(coalesce(pg_catalog.current_setting('smokeball.wake_firm_ids', true), '')), '');
begin
  if v_pending is null or (tg_table_name = 'sync_jobs' and pg_catalog.pg_trigger_depth() > 1) then
    return null;
  end if;
  perform pg_catalog.set_config('smokeball.wake_firm_ids', '', true);
  perform private.smokeball_wake_sync_worker(pg_catalog.string_to_array(v_pending, ' ')::uuid[]);
  return null;
end;
$$;
revoke all on function private.smokeball_send_pending_wake() from public, anon, authenticated;

-- Every queued job inserted due now notes a wake-up, except a webhook event's: the webhook intake runs
-- its queue itself right after answering, so a wake-up would only add a second invocation. A job due
-- later is left to the sweep.
create or replace function private.smokeball_note_queued_job()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'queued' and new.trigger <> 'webhook' and new.run_after <= pg_catalog.now() then
    perform private.smokeball_note_wake(new.firm_id);
  end if;
  return null;
end;
$$;
revoke all on function private.smokeball_note_queued_job() from public, anon, authenticated;

create trigger smokeball_note_queued_job
  after insert on public.sync_jobs
  for each row execute function private.smokeball_note_queued_job();
-- A job queued directly (bulk sync, a manual sync continuing in the queue) wakes at the end of its statement.
create trigger smokeball_send_pending_wake
  after insert on public.sync_jobs
  for each statement execute function private.smokeball_send_pending_wake();

-- A reconnect wakes its firm's jobs: while the connection needed re-authorisation they waited
-- unclaimed; once it is `connected` again, a firm with due queued jobs is woken like a new job.
create or replace function private.smokeball_note_reconnect_wake()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'connected' and (tg_op = 'INSERT' or old.status is distinct from 'connected')
     and exists (select 1 from public.sync_jobs j
                 where j.firm_id = new.firm_id and j.status = 'queued' and j.run_after <= pg_catalog.now()) then
    perform private.smokeball_note_wake(new.firm_id);
  end if;
  return null;
end;
$$;
revoke all on function private.smokeball_note_reconnect_wake() from public, anon, authenticated;

create trigger smokeball_note_reconnect_wake
  after insert or update of status on public.smokeball_connections
  for each row execute function private.smokeball_note_reconnect_wake();
create trigger smokeball_send_pending_wake
  after insert or update of status on public.smokeball_connections
  for each statement execute function private.smokeball_send_pending_wake();

-- ---------------------------------------------------------------------------------------------------
-- Enqueue on approval. SECURITY DEFINER because the members who approve documents may not write jobs.
-- ---------------------------------------------------------------------------------------------------
create or replace function private.enqueue_auto_sync()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status <> 'approved' or (tg_op = 'UPDATE' and old.status = 'approved') then
    return null;
  end if;
  -- Only firms that connected Smokeball with auto-sync on. A connection waiting for re-authorisation
  -- still queues: the job waits (unclaimed) and runs after the reconnect.
  if not exists (
    select 1 from public.smokeball_connections c where c.firm_id = new.firm_id and c.auto_sync
  ) then
    return null;
  end if;
  -- A job inserted here notes its wake-up (smokeball_note_queued_job); one already queued for the matter
  -- takes this document too and needs none.
  insert into public.sync_jobs (firm_id, kind, subject_id, trigger)
  values (new.firm_id, 'sync_matter', new.matter_id, 'auto')
  on conflict (firm_id, subject_id) where status = 'queued' and kind = 'sync_matter' do nothing;
  return null;
end;
$$;
revoke all on function private.enqueue_auto_sync() from public, anon, authenticated;

create trigger smokeball_enqueue_auto_sync
  after insert or update of status on public.documents
  for each row execute function private.enqueue_auto_sync();
-- Fires after every row trigger of the statement: one wake-up for all the jobs its approvals queued.
create trigger smokeball_send_pending_wake
  after insert or update of status on public.documents
  for each statement execute function private.smokeball_send_pending_wake();

-- ---------------------------------------------------------------------------------------------------
-- Claim: due queued jobs, and running jobs whose lease expired (their worker died), of firms whose
-- connection is usable. A job past its budget whose lease expired ends `dead` instead of being claimed.
-- ---------------------------------------------------------------------------------------------------
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
  with candidates as (
    select j.id
    from public.sync_jobs j
    join public.smokeball_connections c on c.firm_id = j.firm_id and c.status = 'connected'
    where ((j.status = 'queued' and j.run_after <= pg_catalog.now())
           or (j.status = 'running' and j.locked_until < pg_catalog.now()))
      and (p_firm_id is null or j.firm_id = p_firm_id)
      and (p_subject_id is null or j.subject_id = p_subject_id)
      and (p_kind is null or j.kind = p_kind)
      -- Not while another job of the same matter holds a live lease (the per-matter lease inside the sync
      -- is the real guard; this keeps a worker from claiming a job it would only wait on).
      and not exists (
        select 1 from public.sync_jobs r
        where r.firm_id = j.firm_id and r.subject_id = j.subject_id and r.id <> j.id
          and r.status = 'running' and r.locked_until >= pg_catalog.now())
    order by j.run_after, j.created_at
    limit p_limit
    for update of j skip locked
  )
  update public.sync_jobs j
  set status = 'running', attempts = j.attempts + 1, locked_by = p_worker,
      locked_until = pg_catalog.now() + pg_catalog.make_interval(secs => p_lease_seconds)
  from candidates
  where j.id = candidates.id
  returning j.*;
end;
$$;
revoke all on function private.claim_sync_jobs(text, integer, integer, uuid, uuid, text) from public, anon, authenticated;
grant execute on function private.claim_sync_jobs(text, integer, integer, uuid, uuid, text) to service_role;

-- ---------------------------------------------------------------------------------------------------
-- Finish: succeeded; or failed → queued again after `p_retry_in_ms` (backoff computed by the caller's
-- one backoff helper), or `dead` when the budget is spent or the failure is permanent; or parked
-- (needs re-authorisation) → queued again without burning the attempt. Only the lease holder finishes.
-- When another queued job of the matter appeared meanwhile, a retry folds into it (one queued per matter).
-- ---------------------------------------------------------------------------------------------------
create or replace function private.finish_sync_job(
  p_job_id uuid,
  p_worker text,
  p_outcome text,
  p_error_code text default null,
  p_error_message text default null,
  p_retry_in_ms integer default 0
)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_job public.sync_jobs;
  v_status text;
begin
  select * into v_job from public.sync_jobs where id = p_job_id and status = 'running' and locked_by = p_worker for update;
  if not found then
    return 'lost';
  end if;
  if p_outcome = 'succeeded' then
    v_status := 'succeeded';
  elsif p_outcome = 'permanent' or (p_outcome = 'retry' and v_job.attempts >= v_job.max_attempts) then
    v_status := 'dead';
  elsif p_outcome in ('retry', 'parked') then
    v_status := 'queued';
  else
    raise exception 'unknown outcome %', p_outcome;
  end if;

  if v_status = 'queued' and exists (
    select 1 from public.sync_jobs q
    where q.firm_id = v_job.firm_id and q.subject_id = v_job.subject_id and q.kind = v_job.kind
      and q.status = 'queued' and q.id <> v_job.id
  ) then
    -- A newer queued job of this matter will do the same work; this attempt ends here, its error kept.
    v_status := 'failed';
  end if;

  begin
    update public.sync_jobs
    set status = v_status,
        attempts = case when p_outcome = 'parked' then greatest(0, attempts - 1) else attempts end,
        run_after = case when v_status = 'queued'
                         then pg_catalog.now() + pg_catalog.make_interval(secs => greatest(0, p_retry_in_ms) / 1000.0)
                         else run_after end,
        locked_until = null, locked_by = null,
        last_error_code = case when v_status = 'succeeded' then null else p_error_code end,
        last_error_message = case when v_status = 'succeeded' then null else p_error_message end
    where id = p_job_id;
  exception when unique_violation then
    -- An approval queued a job of this matter between the check above and this update (its insert was
    -- not yet visible): that job does the work; this attempt ends here, its error kept.
    v_status := 'failed';
    update public.sync_jobs
    set status = 'failed', locked_until = null, locked_by = null,
        last_error_code = p_error_code, last_error_message = p_error_message
    where id = p_job_id;
  end;
  return v_status;
end;
$$;
revoke all on function private.finish_sync_job(uuid, text, text, text, text, integer) from public, anon, authenticated;
grant execute on function private.finish_sync_job(uuid, text, text, text, text, integer) to service_role;

-- Extends the lease of a job whose worker is still at it (long document uploads).
create or replace function private.renew_sync_job_lease(p_job_id uuid, p_worker text, p_lease_seconds integer)
returns boolean
language sql
security definer
set search_path = ''
as $$
  update public.sync_jobs
  set locked_until = pg_catalog.now() + pg_catalog.make_interval(secs => p_lease_seconds)
  where id = p_job_id and status = 'running' and locked_by = p_worker
  returning true;
$$;
revoke all on function private.renew_sync_job_lease(uuid, text, integer) from public, anon, authenticated;
grant execute on function private.renew_sync_job_lease(uuid, text, integer) to service_role;

-- ---------------------------------------------------------------------------------------------------
-- Bulk sync progress, readable by the firm's members (the view runs with the caller's rights, so the
-- sync_jobs policies decide what each member sees).
-- ---------------------------------------------------------------------------------------------------
create view public.sync_batches
with (security_invoker = true)
as
select firm_id, batch_id,
       count(*)::int as total,
       count(*) filter (where status = 'succeeded')::int as done,
       count(*) filter (where status in ('failed', 'dead', 'cancelled'))::int as failed,
       count(*) filter (where status in ('queued', 'running'))::int as remaining,
       min(created_at) as created_at,
       max(updated_at) as updated_at
from public.sync_jobs
where batch_id is not null
group by firm_id, batch_id;
revoke all on public.sync_batches from public, anon;
grant select on public.sync_batches to authenticated, service_role;
