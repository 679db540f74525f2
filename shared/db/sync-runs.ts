// public.sync_runs: the sync history, one row per attempt (DESIGN §4).
import type { Sql } from './connection.ts';

export type RunTrigger = 'manual' | 'auto' | 'bulk' | 'webhook';
export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed';

export type RunStep = { step: string; outcome: string; at: string; detail?: string };

export async function startRun(
  sql: Sql,
  run: { firmId: string; matterId: string | null; jobId: string | null; trigger: RunTrigger },
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into public.sync_runs (firm_id, matter_id, job_id, trigger)
    values (${run.firmId}, ${run.matterId}, ${run.jobId}, ${run.trigger})
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
    counts: Record<string, number>;
    apiCalls: number;
    requestIds: string[];
    errorCode: string | null;
    errorMessage: string | null;
  },
): Promise<void> {
  await sql`
    update public.sync_runs
    set status = ${result.status}, steps = ${sql.json(result.steps)}, counts = ${sql.json(result.counts)},
        api_calls = ${result.apiCalls}, request_ids = ${result.requestIds}, finished_at = clock_timestamp(),
        duration_ms = greatest(0, (extract(epoch from clock_timestamp() - started_at) * 1000)::int),
        error_code = ${result.errorCode}, error_message = ${result.errorMessage}
    -- A run an \`error\` webhook already failed (Smokeball rejected one of its writes) stays failed.
    where firm_id = ${firmId} and id = ${runId} and status = 'running'`;
}

/** Runs of this matter still `running` whose holder lost its lease: they died; say so in the history. */
export async function failAbandonedRuns(sql: Sql, firmId: string, matterId: string, exceptRunId: string): Promise<number> {
  const rows = await sql`
    update public.sync_runs
    set status = 'failed', finished_at = clock_timestamp(),
        duration_ms = greatest(0, (extract(epoch from clock_timestamp() - started_at) * 1000)::int),
        error_code = 'sync_interrupted', error_message = 'The sync stopped before it finished; it was resumed by a later sync'
    where firm_id = ${firmId} and matter_id = ${matterId} and status = 'running' and id <> ${exceptRunId}
    returning id`;
  return rows.length;
}
