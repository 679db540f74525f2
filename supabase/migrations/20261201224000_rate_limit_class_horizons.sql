-- Priority between the background classes of the shared limiter, without relying on timing.
--
-- Before, a background class went before a lower one only while its deferred caller's note in
-- private.smokeball_rate_limit_waiters was live (its announced return plus 300 ms), and its horizon (auto
-- 100 ms, webhook 200 ms) was shorter than one interval (200 ms). While bulk saturates a bucket its next
-- slot is 0–200 ms away, so an auto-sync's request was refused about every other ask, and a process that
-- came back more than 300 ms late (a loaded host) found its note expired and polled against every bulk
-- lane for the slot; after 30 s of that it gave up (503) and its job waited for a retry. Measured in the
-- fairness benchmark on a loaded host: approval → uploaded p50 33 s.
--
-- Now each class's horizon is longer than the furthest the classes below can push the next slot: bulk
-- reserves only a slot due at once, so the next is at most one interval away; auto may reserve up to 1.25
-- intervals ahead, so the next is at most 2.25 intervals away; webhook processing up to 2.5 intervals. A
-- higher class is thus served on its first ask whenever only lower classes compete, with or without its
-- note. What background work reserves ahead stays bounded (at most 3.5 intervals, 700 ms at 5/s, beyond
-- the burst tolerance), so an interactive request still waits about a second at most behind it.

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
