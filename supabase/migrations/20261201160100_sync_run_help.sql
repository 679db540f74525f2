-- Each sync run says what to do about the error it ended with: `help` is the stable advice for
-- `error_code` (one table, shared/error-help.ts; the README lists it), written with the code by whoever
-- ends the run, so the history a firm reads explains itself without a lookup.
alter table public.sync_runs add column if not exists help text null;

comment on column public.sync_runs.help is
  'What to do about error_code (shared/error-help.ts); null while running and for runs without an error.';
