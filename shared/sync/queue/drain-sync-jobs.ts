// The worker loop: lanes that each claim the next due job and run it, within a wall-clock budget, each
// under a lease it renews while it works; finish every job through the queue's finish function, which
// decides retry, dead or parked. Used by sync-worker (everything due), on-document-approved (one
// matter, now) and the benchmarks.
import { AppError } from '../../errors.ts';
import { claimSyncJob, finishSyncJob, renewSyncJobLease, type FinishedStatus, type SyncJob } from '../../db/sync-jobs.ts';
import { leaseRenewalMs, withHeartbeat } from '../../heartbeat.ts';
import type { LogFields } from '../../log.ts';
import { syncMatter, type SyncMatterDeps } from '../matter/sync-matter.ts';
import { finishWebhookEvent } from '../../db/webhooks.ts';
import { processWebhookEvent } from '../webhooks/process-event.ts';
import { isPushJob, pushLinkedRecord } from '../push/push-record.ts';
import { decideJobOutcome } from './job-outcome.ts';

/**
 * How long one worker call (sync-worker's sweep, on-document-approved's wake-up) claims jobs; a sync still
 * running then stops at its next checkpoint (before the contact, the matter, or the next document) and is
 * queued again to continue the same run. So a call lasts at most this plus one step: a document upload,
 * a wait through Smokeball's consistency window (15 s), or a wait for a matter another sync holds (60 s).
 * Against the Edge Runtime's wall clock of 150 s (Free; 400 s on paid plans), that leaves 110 s for the
 * last step. pg_net's wake-up call must wait as long, or it hangs up first: the drain is kept alive with
 * EdgeRuntime.waitUntil, so a caller that hangs up (pg_net's timeout) does not end it.
 */
export const WORKER_BUDGET_MS = 40_000;

/** A worker that died loses its jobs after this; renewed every third of it while the job runs. */
export const JOB_LEASE_S = 60;
/**
 * Syncs of different matters in parallel: the shared rate limiter paces them against Smokeball. A lane
 * spends most of a new matter's sync waiting — for its four rate-limit slots, for the contact and then the
 * matter to become visible before the writes that name them (about half a second each), for Storage and
 * Postgres — so keeping every endpoint at 5 requests/s takes about 5/s × the time one matter takes lanes
 * (Little's law). The bench's bulk sync on the 2-core machine at a load average of 18 took about 5 s per
 * matter with 4 calls × 4 lanes, so its buckets idled between requests (120 contact searches over 39 s
 * instead of 24 s): 25 lanes were needed. 8 per call gives 32 with 4 calls. A waiting lane costs a
 * promise, not CPU, and streams one document at a time.
 */
export const JOB_CONCURRENCY = 8;

export type DrainDeps = SyncMatterDeps & {
  random(): number;
  log(event: string, fields?: LogFields): void;
  /** Keeps the function instance alive until the drain ends, whether or not its caller still waits. */
  keepAlive?(work: Promise<unknown>): void;
  /**
   * Runs the jobs of other kinds than a matter's sync and a webhook event (an import, a reconciliation);
   * composed in shared/runtime so this loop does not depend on each feature. A throw is a failed attempt.
   */
  jobHandlers?: Partial<Record<SyncJob['kind'], (job: SyncJob) => Promise<unknown>>>;
};

export type DrainOptions = {
  /** Stop claiming new jobs after this long (an Edge Function has 150 s of wall clock). */
  budgetMs: number;
  worker: string;
  leaseSeconds?: number;
  concurrency?: number;
  /** Only this firm's / this matter's jobs (on-document-approved), or only jobs of one kind. */
  firmId?: string;
  subjectId?: string;
  kind?: SyncJob['kind'];
  /** Claim at most one round (on-document-approved runs the job for one matter, not the whole queue). */
  once?: boolean;
};

/** `parked`: queued again without spending an attempt (re-authorisation needed, the matter busy, or stopped at the budget). */
export type DrainSummary = { claimed: number; succeeded: number; retried: number; dead: number; parked: number; superseded: number; lost: number };

export function drainSyncJobs(deps: DrainDeps, options: DrainOptions): Promise<DrainSummary> {
  const work = drain(deps, options);
  deps.keepAlive?.(work.catch(() => undefined));
  return work;
}

async function drain(deps: DrainDeps, options: DrainOptions): Promise<DrainSummary> {
  const summary: DrainSummary = { claimed: 0, succeeded: 0, retried: 0, dead: 0, parked: 0, superseded: 0, lost: 0 };
  const deadline = deps.now() + options.budgetMs;
  const leaseSeconds = options.leaseSeconds ?? JOB_LEASE_S;
  // Each lane claims its next job as soon as it is free, so one slow job (a large upload, a wait through
  // Smokeball's consistency window) never holds back the jobs of other matters.
  const lane = async () => {
    do {
      const job = await claimSyncJob(deps.sql, {
        worker: options.worker,
        leaseSeconds,
        firmId: options.firmId,
        subjectId: options.subjectId,
        kind: options.kind,
      });
      if (!job) return;
      summary.claimed++;
      // A job that could not even be finished (the database failed) keeps its lease until it expires,
      // and another claim takes it then; the other lanes go on.
      count(summary, await runJob(deps, job, options.worker, leaseSeconds, deadline).catch((err) => {
        deps.log('sync_job_unfinished', { jobId: job.id, firmId: job.firmId, errorName: err instanceof Error ? err.name : 'unknown' });
        return 'lost' as const;
      }));
    } while (!options.once && deps.now() < deadline);
  };
  await Promise.all(Array.from({ length: options.once ? 1 : options.concurrency ?? JOB_CONCURRENCY }, lane));
  return summary;
}

async function runJob(deps: DrainDeps, job: SyncJob, worker: string, leaseSeconds: number, deadline: number): Promise<FinishedStatus | 'parked'> {
  const renew = () => renewSyncJobLease(deps.sql, job.id, worker, leaseSeconds);
  return await withHeartbeat(leaseRenewalMs(leaseSeconds * 1000), renew, async () => {
    try {
      const handler = deps.jobHandlers?.[job.kind];
      if (handler) {
        await handler(job);
      } else if (job.kind === 'process_webhook') {
        await processWebhookEvent(deps, { firmId: job.firmId, eventId: job.subjectId });
      } else if (isPushJob(job.kind)) {
        await pushLinkedRecord(deps, { firmId: job.firmId, kind: job.kind, recordId: job.subjectId, jobId: job.id });
      } else if (job.kind === 'sync_matter') {
        // The matter's lease names this job, not only this worker: two lanes of one worker (say, a job
        // whose worker died and a newer job of the same matter) must never both hold it.
        const outcome = await syncMatter(
          { ...deps, holder: `${worker}:${job.id}`, leaseMs: leaseSeconds * 1000 },
          { firmId: job.firmId, matterId: job.subjectId, trigger: job.trigger, jobId: job.id, control: { shouldYield: () => deps.now() >= deadline } },
        );
        if (outcome.status === 'running') {
          // Stopped at the budget: queued again at once, without spending an attempt, to continue its run
          // (or, when another job of the matter was queued meanwhile, that one continues it).
          const status = await finishSyncJob(deps.sql, { jobId: job.id, worker, outcome: 'parked', retryInMs: 0 });
          return status === 'queued' ? 'parked' : status;
        }
      } else {
        // A kind whose handler these deps lack (import and reconcile jobs come with `jobHandlers`): its
        // subject is not a matter, so it fails here and is retried, never run as a matter sync.
        throw new AppError({ code: 'internal_error', status: 500, message: `This worker has no handler for ${job.kind} jobs` });
      }
      return await finishSyncJob(deps.sql, { jobId: job.id, worker, outcome: 'succeeded' });
    } catch (err) {
      const verdict = decideJobOutcome(err, job.attempts, deps.random);
      const e = err instanceof AppError ? err : undefined;
      deps.log('sync_job_failed', { jobId: job.id, firmId: job.firmId, attempt: job.attempts, outcome: verdict.outcome, reason: verdict.reason });
      const status = await finishSyncJob(deps.sql, {
        jobId: job.id,
        worker,
        outcome: verdict.outcome,
        errorCode: e?.code ?? 'internal_error',
        errorMessage: e?.message ?? 'The sync failed unexpectedly',
        retryInMs: verdict.outcome === 'permanent' ? 0 : verdict.retryInMs,
      });
      // An inbox event whose processing ended for good says so, instead of staying `received`.
      if (job.kind === 'process_webhook' && status === 'dead') {
        await finishWebhookEvent(deps.sql, job.firmId, job.subjectId, { status: 'failed', code: e?.code ?? 'internal_error', message: e?.message });
      }
      return verdict.outcome === 'parked' && status === 'queued' ? 'parked' : status;
    }
  });
}

function count(summary: DrainSummary, status: FinishedStatus | 'parked'): void {
  if (status === 'succeeded') summary.succeeded++;
  else if (status === 'queued') summary.retried++;
  else if (status === 'dead') summary.dead++;
  else if (status === 'parked') summary.parked++;
  else if (status === 'superseded') summary.superseded++;
  else summary.lost++;
}
