-- Priority classes in the shared Smokeball limiter. Every firm shares CaseHug's one client id, so the
-- limit of 5 requests/s per endpoint (docs/smokeball.md §6) is shared by every firm and every kind of
-- work; this decides who gets the next slot:
--
--   interactive (a member waiting on a click) > webhook processing > auto-sync > bulk and reconciliation.
--
-- How, on top of the one GCRA timestamp per bucket (20261126000500; the total never exceeds the limit
-- because every slot granted, whatever its class, advances that one timestamp):
--
-- * Interactive calls reserve at once, as before: the next free slot, up to the caller's horizon (30 s).
-- * A background class may only reserve a slot it can use (almost) at once: one whose wait is at most
--   its horizon (bulk 0 — a slot within the burst tolerance, sent now; auto 1.25 intervals; webhook 2.5
--   intervals). A slot further away is not reserved; the caller is told when to ask again. Each class's
--   horizon is longer than the furthest the classes below can push the next slot (bulk's next slot is at
--   most one interval away, auto's at most 2.25), so a higher class is served at its first ask whenever
--   only lower classes compete — without relying on a caller coming back on time (with shorter horizons,
--   auto was deferred about every other ask behind bulk and, on a loaded host, waited for a retry: p50
--   33 s from approval to upload in the fairness benchmark). Background work never holds future slots
--   beyond 3.5 intervals (700 ms at 5/s) past the burst tolerance, so each request of an interactive call
--   waits about that at most behind it: the rest of every second stays available.
--   A sync makes several requests one after another, so per-request waits must stay this short for the
--   whole click to wait about a second at most.
-- * A background caller also steps aside while a higher class is waiting, and while another firm of its
--   own class that has waited since its last slot is owed one (the firm served longest ago goes first).
--   Waiting is recorded in private.smokeball_rate_limit_waiters: each deferred caller notes when it will
--   ask again, and counts as waiting until shortly after that.
-- * No slot is wasted on an idle class: the deferral only applies while someone of the other class or
--   firm is actually waiting, and a class alone keeps the bucket full (its horizon exceeds the time a
--   deferred caller needs to come back).

create table if not exists private.smokeball_rate_limit_waiters (
  bucket text not null,
  class_rank integer not null,
  firm_id uuid not null,
  -- The waiter counts as waiting until then: when it said it would ask again, plus a grace.
  waiting_until timestamptz not null,
  last_granted_at timestamptz null,
  primary key (bucket, class_rank, firm_id)
);
-- Leads with firm_id like every firm-scoped row, so deleting or scanning a firm's rows is an index lookup.
create index if not exists smokeball_rate_limit_waiters_firm_id_idx on private.smokeball_rate_limit_waiters (firm_id);
alter table private.smokeball_rate_limit_waiters enable row level security;
revoke all on table private.smokeball_rate_limit_waiters from public, anon, authenticated;

-- 0 interactive, 1 webhook, 2 auto, 3 bulk (bulk syncs and reconciliation).
create or replace function private.smokeball_rate_limit_class_rank(p_class text)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case p_class when 'interactive' then 0 when 'webhook' then 1 when 'auto' then 2 when 'bulk' then 3 else null end;
$$;
revoke all on function private.smokeball_rate_limit_class_rank(text) from public, anon, authenticated;

-- Asks for a slot of p_bucket for a caller of class p_class acting for firm p_firm_id. Answers one of:
--   (wait_ms, null)   a slot is reserved: send after wait_ms;
--   (null, retry_ms)  none for this class now: ask again after retry_ms (nothing was reserved);
--   (null, null)      an interactive call whose next slot is beyond p_max_wait_ms (nothing was reserved).
-- Interval and tolerance as for smokeball_rate_limit_reserve (shared/smokeball/rate-limiter.ts).
create or replace function private.smokeball_rate_limit_acquire(
  p_bucket text,
  p_interval_ms double precision,
  p_tolerance_ms double precision,
  p_max_wait_ms double precision,
  p_class text,
  p_firm_id uuid
)
returns table (wait_ms double precision, retry_ms double precision)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_rank integer := private.smokeball_rate_limit_class_rank(p_class);
  v_firm uuid := coalesce(p_firm_id, '00000000-0000-0000-0000-000000000000'::uuid);
  v_now timestamptz;
  v_due timestamptz;
  v_wait double precision;
  v_horizon double precision;
  v_retry double precision;
  v_last_granted timestamptz;
  -- How long after its announced return a deferred caller still counts as waiting (timer lateness, a
  -- round trip to the database).
  c_grace constant interval := interval '300 milliseconds';
begin
  if p_bucket is null or p_bucket = '' then
    raise exception 'smokeball_rate_limit_acquire: bucket is required' using errcode = '22023';
  end if;
  if p_interval_ms is null or p_interval_ms <= 0 or p_tolerance_ms is null or p_tolerance_ms < 0 then
    raise exception 'smokeball_rate_limit_acquire: interval must be > 0 and tolerance >= 0' using errcode = '22023';
  end if;
  if v_rank is null then
    raise exception 'smokeball_rate_limit_acquire: class must be interactive, webhook, auto or bulk' using errcode = '22023';
  end if;

  insert into private.smokeball_rate_limits (bucket, tat) values (p_bucket, clock_timestamp())
  on conflict (bucket) do nothing;
  -- The bucket's row lock serialises every caller of the bucket, the waiter bookkeeping included.
  perform 1 from private.smokeball_rate_limits b where b.bucket = p_bucket for update;
  v_now := clock_timestamp();
  select greatest(b.tat, v_now) into v_due from private.smokeball_rate_limits b where b.bucket = p_bucket;
  v_wait := greatest(0, extract(epoch from (v_due - v_now)) * 1000 - p_tolerance_ms);

  if v_rank = 0 then
    if p_max_wait_ms is not null and v_wait > p_max_wait_ms then
      return query select null::double precision, null::double precision;
      return;
    end if;
  else
    -- Each class's horizon exceeds the furthest the classes below it can push the next slot (bulk: one
    -- interval beyond the tolerance; auto: its horizon plus one), so a caller of a higher class is served
    -- at its first ask whenever only lower classes hold the bucket, however late it comes back.
    v_horizon := case v_rank when 1 then 2.5 * p_interval_ms when 2 then 1.25 * p_interval_ms else 0 end;
    select w.last_granted_at into v_last_granted
    from private.smokeball_rate_limit_waiters w
    where w.bucket = p_bucket and w.class_rank = v_rank and w.firm_id = v_firm;

    if v_wait > v_horizon then
      v_retry := v_wait - v_horizon;
    elsif exists (
      select 1 from private.smokeball_rate_limit_waiters w
      where w.bucket = p_bucket and w.waiting_until >= v_now
        and (w.class_rank < v_rank
             or (w.class_rank = v_rank and w.firm_id <> v_firm
                 and coalesce(w.last_granted_at, '-infinity'::timestamptz) < coalesce(v_last_granted, '-infinity'::timestamptz)))
    ) then
      -- Someone ahead takes this slot; ask again when the one after it could be ours.
      v_retry := greatest(v_wait - v_horizon, 0) + p_interval_ms / 2;
    end if;

    if v_retry is not null then
      v_retry := greatest(v_retry, 5);
      insert into private.smokeball_rate_limit_waiters (bucket, class_rank, firm_id, waiting_until)
      values (p_bucket, v_rank, v_firm, v_now + make_interval(secs => v_retry / 1000.0) + c_grace)
      on conflict (bucket, class_rank, firm_id) do update
        set waiting_until = greatest(private.smokeball_rate_limit_waiters.waiting_until, excluded.waiting_until);
      return query select null::double precision, v_retry;
      return;
    end if;

    -- Served: the firm goes to the back of its class; it counts as waiting again when a caller of it is
    -- deferred again (a firm's other lanes re-announce themselves on their next ask).
    insert into private.smokeball_rate_limit_waiters (bucket, class_rank, firm_id, waiting_until, last_granted_at)
    values (p_bucket, v_rank, v_firm, v_now, v_now)
    on conflict (bucket, class_rank, firm_id) do update
      set last_granted_at = excluded.last_granted_at, waiting_until = least(private.smokeball_rate_limit_waiters.waiting_until, v_now);
  end if;

  update private.smokeball_rate_limits
  set tat = v_due + make_interval(secs => p_interval_ms / 1000.0)
  where bucket = p_bucket;
  return query select v_wait, null::double precision;
end;
$$;

revoke all on function private.smokeball_rate_limit_acquire(text, double precision, double precision, double precision, text, uuid) from public, anon, authenticated;
grant execute on function private.smokeball_rate_limit_acquire(text, double precision, double precision, double precision, text, uuid) to service_role;
