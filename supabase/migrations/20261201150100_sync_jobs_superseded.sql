-- The queue says what happened: an attempt that ends because a newer queued job of the same subject will
-- do the same work is `superseded` (it was written as `failed`, which it never was), and `cancelled`,
-- which nothing ever wrote, is gone. A job's statuses are now queued → running → succeeded | superseded |
-- dead (or queued again). Existing rows are carried over in the same transaction as the new check.
alter table public.sync_jobs drop constraint if exists sync_jobs_status_check;
update public.sync_jobs set status = 'superseded' where status = 'failed';
-- Nothing wrote `cancelled`; a row that has it anyway ended without running, which `dead` says.
update public.sync_jobs set status = 'dead' where status = 'cancelled';
alter table public.sync_jobs add constraint sync_jobs_status_check
  check (status in ('queued', 'running', 'succeeded', 'superseded', 'dead'));

-- Finish, as before, with `superseded` for an attempt folded into a newer queued job of its subject.
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
    v_status := 'superseded';
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
    v_status := 'superseded';
    update public.sync_jobs
    set status = 'superseded', locked_until = null, locked_by = null,
        last_error_code = p_error_code, last_error_message = p_error_message
    where id = p_job_id;
  end;
  return v_status;
end;
$$;
revoke all on function private.finish_sync_job(uuid, text, text, text, text, integer) from public, anon, authenticated;
grant execute on function private.finish_sync_job(uuid, text, text, text, text, integer) to service_role;

-- Bulk sync progress: `failed` counts only jobs that failed for good (`dead`); a superseded job is counted
-- apart (its work is done by the newer job of its matter), so done + failed + superseded + remaining =
-- total. New columns go last, as CREATE OR REPLACE VIEW requires.
create or replace view public.sync_batches
with (security_invoker = true)
as
select firm_id, batch_id,
       count(*)::int as total,
       count(*) filter (where status = 'succeeded')::int as done,
       count(*) filter (where status = 'dead')::int as failed,
       count(*) filter (where status in ('queued', 'running'))::int as remaining,
       min(created_at) as created_at,
       max(updated_at) as updated_at,
       count(*) filter (where status = 'superseded')::int as superseded
from public.sync_jobs
where batch_id is not null
group by firm_id, batch_id;
revoke all on public.sync_batches from public, anon;
grant select on public.sync_batches to authenticated, service_role;
