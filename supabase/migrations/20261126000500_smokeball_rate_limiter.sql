-- Smokeball rate limiter: one GCRA "theoretical arrival time" per bucket, shared by every process.
--
-- Why: Smokeball allows 5 requests/s with a burst of 5 per client id and endpoint, and that budget is
-- shared by every firm and every concurrently running Edge Function (docs/smokeball.md §6;
-- docs/architecture.md §5 "Rate limit"). A limiter inside one process would let N processes send N times the rate, so
-- the state lives here. GCRA needs one timestamp per bucket (bucket = '<client id>:<METHOD> <route>'), and
-- one upsert both reads and advances it under the row lock, so concurrent callers from any process are
-- served in lock order and never reserve the same slot. Time comes from the database clock
-- (clock_timestamp(), not now(): now() is frozen at the start of a transaction), so every caller measures
-- against one clock.
--
-- Callers: shared/db/rate-limit.ts (createPostgresRateLimiter), which sleeps the returned wait before
-- sending. Interval and tolerance are computed there (shared/smokeball/rate-limiter.ts gcraParameters).

create schema if not exists private;

create table if not exists private.smokeball_rate_limits (
  bucket text primary key,
  -- Theoretical arrival time of the next request that would conform at the full rate.
  tat timestamptz not null
);

-- Private state: no API role reads or writes it directly; only the function below does.
-- RLS on every table, even one no API role can reach: nothing here is readable by accident later.
alter table private.smokeball_rate_limits enable row level security;
revoke all on table private.smokeball_rate_limits from public, anon, authenticated;

-- Reserves the next slot of p_bucket and answers how many milliseconds the caller must wait before
-- sending (0 = send now). GCRA: due = max(tat, now); wait = max(0, due - tolerance - now);
-- tat := due + interval. p_interval_ms is the emission interval T (1000/rps, plus a margin);
-- p_tolerance_ms is the burst tolerance τ ((burst-1)·T, minus a jitter allowance).
--
-- A slot further away than p_max_wait_ms is refused (-1) and NOT reserved: the bucket is shared by every
-- firm, so one caller firing requests by the thousand must not push every other firm's next slot minutes
-- ahead; its excess requests fail fast instead.
--
-- The row lock serialises callers of one bucket: a concurrent caller waits, then sees the advanced tat.
-- `now` is read once, before the lock; a caller that then waits for the lock gets an answer measured from
-- a slightly earlier instant, which only lengthens its wait (the safe direction).
create or replace function private.smokeball_rate_limit_reserve(
  p_bucket text,
  p_interval_ms double precision,
  p_tolerance_ms double precision,
  p_max_wait_ms double precision default null
)
returns double precision
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
  v_due timestamptz;
  v_wait_ms double precision;
begin
  if p_bucket is null or p_bucket = '' then
    raise exception 'smokeball_rate_limit_reserve: bucket is required' using errcode = '22023';
  end if;
  if p_interval_ms is null or p_interval_ms <= 0 or p_tolerance_ms is null or p_tolerance_ms < 0 then
    raise exception 'smokeball_rate_limit_reserve: interval must be > 0 and tolerance >= 0'
      using errcode = '22023';
  end if;

  insert into private.smokeball_rate_limits (bucket, tat) values (p_bucket, v_now)
  on conflict (bucket) do nothing;
  select greatest(b.tat, v_now) into v_due from private.smokeball_rate_limits b where b.bucket = p_bucket for update;
  v_wait_ms := greatest(0, extract(epoch from (v_due - v_now)) * 1000 - p_tolerance_ms);
  if p_max_wait_ms is not null and v_wait_ms > p_max_wait_ms then
    return -1;
  end if;
  update private.smokeball_rate_limits
  set tat = v_due + make_interval(secs => p_interval_ms / 1000.0)
  where bucket = p_bucket;
  return v_wait_ms;
end;
$$;

revoke all on function private.smokeball_rate_limit_reserve(text, double precision, double precision, double precision) from public;
revoke all on function private.smokeball_rate_limit_reserve(text, double precision, double precision, double precision) from anon, authenticated;
grant usage on schema private to service_role;
grant execute on function private.smokeball_rate_limit_reserve(text, double precision, double precision, double precision) to service_role;
