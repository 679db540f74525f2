// public.sync_runs: the sync history, one row per attempt (docs/architecture.md §4).
import { helpFor } from '../error-help.ts';
import type { ErrorCode } from '../errors.ts';
import type { RunCounts, RunStatus, RunStep, RunTrigger as ApiRunTrigger, SyncTrigger } from '../api/sync-history.ts';
import type { Sql, Tx } from './sql.ts';

// The history's closed lists come from the app's contract (shared/api/sync-history.ts).
/** A matter sync's trigger. */
export type RunTrigger = SyncTrigger;
/** What a history row may say started it: a sync's trigger, a Smokeball matter's import, a firm's reconciliation. */
export type HistoryTrigger = ApiRunTrigger;
export type { RunCounts, RunStatus, RunStep };

export async function startRun(
  sql: Sql,
  run: { firmId: string; matterId: string | null; jobId: string | null; trigger: HistoryTrigger },
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into public.sync_runs (firm_id, matter_id, job_id, trigger)
    values (${run.firmId}, ${run.matterId}, ${run.jobId}, ${run.trigger})
    returning id`;
  return row.id;
}

/**
 * A sync asked for and refused before it started (not connected, re-authorisation needed, not configured,
 * unknown matter, a bulk the caller may not start): a finished `failed` run with the error and its help,
 * so the history shows every attempt. `matterId` is null for a refusal of a whole bulk request or of a
 * matter that does not exist in the firm.
 */
export async function recordRefusedRun(
  sql: Sql,
  run: { firmId: string; matterId: string | null; jobId: string | null; trigger: HistoryTrigger },
  error: { code: ErrorCode; message: string },
  detail?: string,
): Promise<string> {
  const steps: RunStep[] = [{ step: 'refused', outcome: error.code, at: new Date().toISOString(), ...(detail ? { detail } : {}) }];
  const [row] = await sql<{ id: string }[]>`
    insert into public.sync_runs (firm_id, matter_id, job_id, trigger, status, steps, finished_at, duration_ms, error_code, error_message, help)
    values (${run.firmId}, ${run.matterId}, ${run.jobId}, ${run.trigger}, 'failed', ${sql.json(steps)}, clock_timestamp(), 0,
            ${error.code}, ${error.message}, ${helpFor(error.code)})
    returning id`;
  return row.id;
}

/** Records one RequestId a running run sent (finishRun later writes the full list). */
export async function appendRunRequestId(sql: Sql, firmId: string, runId: string, requestId: string): Promise<void> {
  await sql`
    update public.sync_runs set request_ids = array_append(request_ids, ${requestId})
    where firm_id = ${firmId} and id = ${runId} and not (request_ids @> array[${requestId}]::text[])`;
}

export async function finishRun(
  sql: Sql,
  firmId: string,
  runId: string,
  result: {
    status: Exclude<RunStatus, 'running'>;
    steps: RunStep[];
    counts: RunCounts;
    apiCalls: number;
    requestIds: string[];
    errorCode: ErrorCode | null;
    errorMessage: string | null;
  },
): Promise<void> {
  await sql`
    update public.sync_runs
    set status = ${result.status}, steps = ${sql.json(result.steps)}, counts = ${sql.json(result.counts)},
        api_calls = ${result.apiCalls}, request_ids = ${result.requestIds}, finished_at = clock_timestamp(),
        duration_ms = greatest(0, (extract(epoch from clock_timestamp() - started_at) * 1000)::int),
        error_code = ${result.errorCode}, error_message = ${result.errorMessage},
        help = ${result.errorCode ? helpFor(result.errorCode) : null}
    -- A run an \`error\` webhook already failed (Smokeball rejected one of its writes) stays failed.
    where firm_id = ${firmId} and id = ${runId} and status = 'running'`;
}

/**
 * Runs of this matter still `running` whose holder lost its lease: they died; say so in the history. A run
 * handed off to a queued job is not abandoned while that job is alive (queued, or running under a live
 * lease) and is another job than the caller's: that job continues it.
 */
export async function failAbandonedRuns(sql: Sql, firmId: string, matterId: string, exceptRunId: string, callerJobId: string | null = null): Promise<number> {
  const rows = await sql`
    update public.sync_runs r
    set status = 'failed', finished_at = clock_timestamp(),
        duration_ms = greatest(0, (extract(epoch from clock_timestamp() - started_at) * 1000)::int),
        error_code = 'sync_interrupted', error_message = 'The sync stopped before it finished; it was resumed by a later sync',
        help = ${helpFor('sync_interrupted')}
    where r.firm_id = ${firmId} and r.matter_id = ${matterId} and r.status = 'running' and r.id <> ${exceptRunId}
      and not (${handedOff(sql, 'r')} and exists (
        select 1 from public.sync_jobs j
        where j.firm_id = r.firm_id and j.id = r.job_id and j.id is distinct from ${callerJobId}::uuid
          and (j.status = 'queued' or (j.status = 'running' and j.locked_until >= now()))))
    returning r.id`;
  return rows.length;
}

// ---- runs that continue as a queued job -----------------------------------------------------------

/**
 * A run that stopped before it finished and continues as a queued job carries a `handoff` step (one per
 * stop) and that job's id; it stays `running` until the job finishes it.
 */
export const HANDOFF_STEP = 'handoff';
/** Whether the run (`alias`) has a `handoff` step. */
const handedOff = (sql: Sql | Tx, alias: string) =>
  sql`exists (select 1 from jsonb_array_elements(${sql(alias)}.steps) s where s->>'step' = ${HANDOFF_STEP})`;

export type RunProgress = { id: string; steps: RunStep[]; counts: RunCounts; apiCalls: number; requestIds: string[] };

/** The run handed off to this job that it is to continue, if any (the newest, should there be several). */
export async function findHandedOffRun(sql: Sql, firmId: string, jobId: string): Promise<RunProgress | undefined> {
  const [row] = await sql<RunProgress[]>`
    select id, steps, counts, api_calls as "apiCalls", request_ids as "requestIds"
    from public.sync_runs
    where firm_id = ${firmId} and job_id = ${jobId} and status = 'running' and ${handedOff(sql, 'sync_runs')}
    order by started_at desc, id
    limit 1`;
  return row;
}

/**
 * The run of this matter already handed off to a job that will continue it (queued, or running under a
 * live lease): a second request for the same matter follows that run instead of starting another.
 */
export async function findLiveHandedOffRun(sql: Sql, firmId: string, matterId: string): Promise<{ runId: string; jobId: string } | undefined> {
  const [row] = await sql<{ runId: string; jobId: string }[]>`
    select r.id as "runId", r.job_id as "jobId"
    from public.sync_runs r
    join public.sync_jobs j on j.firm_id = r.firm_id and j.id = r.job_id
    where r.firm_id = ${firmId} and r.matter_id = ${matterId} and r.status = 'running' and ${handedOff(sql, 'r')}
      and (j.status = 'queued' or (j.status = 'running' and j.locked_until >= now()))
    order by r.started_at desc, r.id
    limit 1`;
  return row;
}

/**
 * Names the job that continues a running run and marks the hand-off, keeping whatever steps the run
 * already recorded (the run's own checkpoint writes its full progress when it stops).
 */
export async function handRunToJob(sql: Sql | Tx, firmId: string, runId: string, jobId: string): Promise<void> {
  const mark = [{ step: HANDOFF_STEP, outcome: 'queued', at: new Date().toISOString(), detail: jobId }];
  await sql`
    update public.sync_runs
    set job_id = ${jobId},
        steps = case when ${handedOff(sql, 'sync_runs')} then steps else steps || ${sql.json(mark)} end
    where firm_id = ${firmId} and id = ${runId} and status = 'running'`;
}

/** A run for a queued job that has not started yet: the run the caller is told to follow. */
export async function startHandedOffRun(sql: Sql | Tx, run: { firmId: string; matterId: string; jobId: string; trigger: RunTrigger }): Promise<string> {
  const mark = [{ step: HANDOFF_STEP, outcome: 'queued', at: new Date().toISOString(), detail: run.jobId }];
  const [row] = await sql<{ id: string }[]>`
    insert into public.sync_runs (firm_id, matter_id, job_id, trigger, steps)
    values (${run.firmId}, ${run.matterId}, ${run.jobId}, ${run.trigger}, ${sql.json(mark)})
    returning id`;
  return row.id;
}

/**
 * How far a run got when it stopped to continue as a queued job: its steps (ending with a `handoff` step),
 * counts, API calls and RequestIds. It stays `running`; `jobId`, when given, names the continuing job.
 */
export async function checkpointRun(
  sql: Sql,
  firmId: string,
  runId: string,
  progress: { steps: RunStep[]; counts: RunCounts; apiCalls: number; requestIds: string[]; jobId?: string },
): Promise<void> {
  await sql`
    update public.sync_runs
    set steps = ${sql.json(progress.steps)}, counts = ${sql.json(progress.counts)}, api_calls = ${progress.apiCalls},
        request_ids = ${progress.requestIds}, job_id = coalesce(${progress.jobId ?? null}::uuid, job_id)
    where firm_id = ${firmId} and id = ${runId} and status = 'running'`;
}
