// What one sync attempt did, for its sync_runs row: steps, Smokeball API calls and every RequestId sent
// (each attempt of a call has its own, and an `error` webhook or an echo of our own write names one).
import type { Sql } from '../../db/sql.ts';
import type { RunStep, RunStepName, RunStepOutcome } from '../../api/sync-history.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { ApiCallRecord } from '../../smokeball/request.ts';

/**
 * `resumed`: what the run recorded before it stopped, when this attempt continues it. `onStep`: called
 * after each step with the progress so far (the sync writes it to the running row).
 */
export function createRunRecorder(
  now: () => number,
  resumed?: { steps: RunStep[]; apiCalls: number; requestIds: string[] },
  onStep?: (progress: { steps: RunStep[]; apiCalls: number }) => void,
) {
  const steps: RunStep[] = [...(resumed?.steps ?? [])];
  const requestIds: string[] = [...(resumed?.requestIds ?? [])];
  let apiCalls = resumed?.apiCalls ?? 0;
  return {
    onRequest(call: ApiCallRecord): void {
      apiCalls++;
      requestIds.push(call.requestId);
    },
    step<S extends RunStepName>(step: S, outcome: RunStepOutcome<S>, detail?: string): void {
      steps.push({ step, outcome, at: new Date(now()).toISOString(), ...(detail ? { detail } : {}) } as RunStep);
      onStep?.({ steps: [...steps], apiCalls });
    },
    snapshot() {
      return { steps: [...steps], apiCalls, requestIds: [...requestIds] };
    },
  };
}
export type RunRecorder = ReturnType<typeof createRunRecorder>;

/** What each step of a matter sync (contact, matter, documents) works with. */
export type SyncStepDeps = {
  sql: Sql;
  client: SmokeballClient;
  recorder: RunRecorder;
  now(): number;
  sleep(ms: number): Promise<void>;
  consistencyWindowMs?: number;
};
