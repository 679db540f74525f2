// POST /functions/v1/sync-worker (secret key in `apikey`; on Supabase pg_net once per statement that
// queued jobs and pg_cron's 30 s sweep, locally the job pump): drains due sync jobs — four lanes, each
// claiming the next due job — within its wall-clock budget → the summary. The body is empty or `{}`
// (pg_net, pg_cron and the pump send `{}`); anything else is refused, not silently ignored.
import * as api from '../../../shared/api/functions.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith, readJsonBody } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { drainSyncJobs, WORKER_BUDGET_MS } from '../../../shared/sync/queue/drain-sync-jobs.ts';
import { drainDeps, newWorkerId } from '../../../shared/runtime/worker-deps.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'sync-worker',
    methods: ['POST'],
    auth: 'secret-key',
    async handle({ req, runtime, log }) {
      parseWith(api.SyncWorkerRequest, await readJsonBody(req, { emptyAs: {} }), 'invalid_body');
      const summary = await drainSyncJobs(drainDeps(runtime, log.info), {
        budgetMs: WORKER_BUDGET_MS,
        worker: newWorkerId('sync-worker'),
        leaseSeconds: runtime.config.syncLeaseSeconds,
      });
      if (summary.claimed > 0) log.info('sync_worker_drained', summary);
      return { body: api.DrainSummary.parse(summary) };
    },
  },
  runtime,
);
