// A running sync_runs row's progress, written as each step happens, so the sync history (and a Realtime
// subscriber) shows a running run's steps and API calls before it ends. Only a running row is touched:
// a write that arrives after the run finished changes nothing.
import type { RunStep } from './sync-runs.ts';
import type { Sql } from './sql.ts';

export async function recordRunProgress(sql: Sql, firmId: string, runId: string, progress: { steps: RunStep[]; apiCalls: number }): Promise<void> {
  await sql`
    update public.sync_runs set steps = ${sql.json(progress.steps)}, api_calls = ${progress.apiCalls}
    where firm_id = ${firmId} and id = ${runId} and status = 'running'`;
}
