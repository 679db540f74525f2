// POST /functions/v1/sync-matter (member JWT):
//   { matterId }              → runs the sync now and answers the run:
//                               { runId, status, contact, matter, counts: { uploaded, skipped, failed },
//                                 documents: [{ documentId, fileName, status, smokeballFileId, error? }], apiCalls }
//                               or, when it is not done within SYNC_MATTER_ANSWER_WITHIN_MS (20 s), 202
//                               { runId, jobId, matterId, status: 'running' }: the matter's queued job
//                               continues that run (shared/sync/matter/sync-within.ts)
//   { matterIds: [...] }      → bulk: one queued job per matter → 202 { batchId, queued, alreadyQueued, joined, notFound }
//   { all: true }  (admin)    → bulk over every matter of the firm
// GET /functions/v1/sync-matter?batchId=…&offset=&limit= → the batch's progress { batchId, total, succeeded,
//   partial, failed, remaining, startedAt, finishedAt, items: [{ matterId, status, runId, errorCode }], offset, limit }.
import * as api from '../../../shared/api/functions.ts';
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith, readJsonBody } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { syncMatterDeps } from '../../../shared/runtime/sync-deps.ts';
import { syncMatterWithin } from '../../../shared/sync/matter/sync-within.ts';
import { readBulkSync, startBulkSync } from '../../../shared/sync/queue/bulk-sync.ts';
import { keepInstanceAlive } from '../../../shared/runtime/worker-deps.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'sync-matter',
    methods: ['POST', 'GET'],
    auth: 'user',
    cors: true,
    async handle({ req, url, user, runtime, log }) {
      if (req.method === 'GET') {
        const firm = await authorizeFirm(runtime.sql, user, url, 'member');
        const query = parseWith(api.BatchProgressQuery, Object.fromEntries(url.searchParams), 'invalid_query');
        return { body: api.BatchProgress.parse(await readBulkSync(runtime, firm.firmId, query)) };
      }
      const { firmId, ...body } = parseWith(api.SyncMatterRequest, await readJsonBody(req), 'invalid_body');
      const firm = await authorizeFirm(runtime.sql, user, url, 'member', firmId);
      // Refusals (not configured, not connected, …) are decided in shared/, which records each in the history.
      if ('matterId' in body) {
        const deps = { ...syncMatterDeps(runtime, log.info), leaseMs: runtime.config.syncLeaseSeconds * 1000, keepAlive: keepInstanceAlive };
        const input = { firmId: firm.firmId, matterId: body.matterId, requestedBy: user.userId };
        const answer = await syncMatterWithin(deps, input, runtime.config.syncMatterAnswerWithinMs);
        return answer.status === 200
          ? { body: api.SyncMatterResult.parse(answer.body) }
          : { status: 202, body: api.HandedOffSync.parse(answer.body) };
      }
      return {
        status: 202,
        body: api.BulkSyncAccepted.parse(
          await startBulkSync({ sql: runtime.sql, assertConfigured: () => runtime.smokeball.assertConfiguredFor(firm.firmId) }, firm, user.userId, body),
        ),
      };
    },
  },
  runtime,
);
