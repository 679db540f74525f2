// sync-matter { matterId } answers within a bounded time (SYNC_MATTER_ANSWER_WITHIN_MS, 20 s by default),
// far inside the Edge Runtime's limits (150 s until a response must have started, 150 s / 400 s of wall
// clock): a sync done by then answers 200 with its full result; one that is not answers
// 202 { runId, jobId, matterId, status: 'running' } and goes on as the matter's queued job, which continues
// that same run — the app polls the run (sync_runs) until it leaves `running`.
//
// At the bound, before answering, the matter's queued job is made to exist and the run names it, so the
// continuation is durable even if this instance dies. Only then is the sync told to stop: it finishes the
// step in flight (a document upload is not cut off), records its progress at its next checkpoint and
// releases the matter's lease. The job may be claimed before that: it waits for the lease like any second
// sync of the matter (and, if the step outlasts that wait, is queued again to retry in 2 s), so it can
// never deadlock on the lease this request held, which also expires by itself should this instance die.
//
// Should the step in flight fail instead, the run ends `failed` like any failed sync, and the queued job
// runs as a sync of its own.
//
// A request that is still waiting for the lease at the bound (another sync of the matter is running)
// starts nothing itself: it follows the run already handed off for the matter, or hands a new run to the
// matter's queued job, which runs once the current sync is done.
import { queueMatterSyncJob } from '../../db/sync-jobs.ts';
import { findLiveHandedOffRun, handRunToJob, startHandedOffRun } from '../../db/sync-runs.ts';
import { syncMatter, type SyncMatterDeps, type SyncMatterResult } from './sync-matter.ts';

/** How long sync-matter { matterId } may take before it answers 202 (the default of SYNC_MATTER_ANSWER_WITHIN_MS). */
export const SYNC_ANSWER_WITHIN_MS = 20_000;

export type HandedOffSync = { runId: string; jobId: string; matterId: string; status: 'running' };

export type BoundedSyncAnswer = { status: 200; body: SyncMatterResult } | { status: 202; body: HandedOffSync };

export type BoundedSyncDeps = SyncMatterDeps & {
  /** Keeps the instance alive for the part of the sync that runs on after a 202 answer. */
  keepAlive?(work: Promise<unknown>): void;
};

export async function syncMatterWithin(
  deps: BoundedSyncDeps,
  input: { firmId: string; matterId: string; requestedBy: string | null },
  answerWithinMs: number,
): Promise<BoundedSyncAnswer> {
  const { firmId, matterId } = input;
  let phase: 'waiting' | 'starting' | 'running' = 'waiting';
  let handedOff = false;
  let stopNow = false;
  let continuation: string | undefined;
  let announceRun: (runId: string) => void = () => undefined;
  const runKnown = new Promise<string>((resolve) => (announceRun = resolve));

  const sync = syncMatter(deps, {
    firmId,
    matterId,
    trigger: 'manual',
    control: {
      stopWaiting: () => handedOff,
      mayStart: () => {
        if (handedOff) return false;
        phase = 'starting';
        return true;
      },
      onRun: (runId) => {
        phase = 'running';
        announceRun(runId);
      },
      shouldYield: () => stopNow,
      continuation: () => continuation,
    },
  });
  const settled = sync.then((result) => ({ result }), (error: unknown) => ({ error }));

  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<'bound'>((resolve) => (timer = setTimeout(() => resolve('bound'), answerWithinMs)));
  const first = await Promise.race([settled, bound]);
  clearTimeout(timer);
  if (first !== 'bound') {
    if ('error' in first) throw first.error;
    // Nothing stops a sync before the bound, so this is a finished one.
    return { status: 200, body: first.result as SyncMatterResult };
  }

  // What runs on after the answer: its errors end its run in the history; the job does the rest.
  deps.keepAlive?.(settled);

  if (phase === 'waiting') {
    // Decided synchronously with reading the phase: a lease taken from now on is given back untouched.
    handedOff = true;
    const live = await findLiveHandedOffRun(deps.sql, firmId, matterId);
    if (live) return handedOffAnswer(live.runId, live.jobId, matterId);
    const handed = await deps.sql.begin(async (tx) => {
      const jobId = await queueMatterSyncJob(tx, { firmId, matterId, trigger: 'manual', requestedBy: input.requestedBy });
      const runId = await startHandedOffRun(tx, { firmId, matterId, jobId, trigger: 'manual' });
      return { runId, jobId };
    });
    deps.log('matter_sync_queued', { firmId, matterId, ...handed });
    return handedOffAnswer(handed.runId, handed.jobId, matterId);
  }

  // The run exists, or its insert is on its way (then the sync's own failure, if any, is the answer).
  const started = await Promise.race([runKnown, settled]);
  if (typeof started !== 'string') {
    if ('error' in started) throw started.error;
    return { status: 200, body: started.result as SyncMatterResult };
  }
  const runId = started;
  const jobId = await deps.sql.begin(async (tx) => {
    const queued = await queueMatterSyncJob(tx, { firmId, matterId, trigger: 'manual', requestedBy: input.requestedBy });
    await handRunToJob(tx, firmId, runId, queued);
    return queued;
  });
  continuation = jobId;
  stopNow = true;
  deps.log('matter_sync_continues_as_job', { firmId, matterId, runId, jobId });
  return handedOffAnswer(runId, jobId, matterId);
}

function handedOffAnswer(runId: string, jobId: string, matterId: string): BoundedSyncAnswer {
  return { status: 202, body: { runId, jobId, matterId, status: 'running' } };
}
