// POST /functions/v1/sync-matter (member JWT; body { matterId }) → the run:
// { runId, status, contact: { id, action }, matter: { id, action }, documents: { uploaded, skipped, failed }, apiCalls }.
import { z } from 'zod';
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith, readJsonBody } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime.ts';
import { syncMatterDeps } from '../../../shared/sync/matter/sync-deps.ts';
import { syncMatter } from '../../../shared/sync/matter/sync-matter.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

const SyncMatterBody = z.object({ matterId: z.uuid() }).strict();

export default defineFunction(
  {
    name: 'sync-matter',
    methods: ['POST'],
    auth: 'user',
    cors: true,
    async handle({ req, url, user, runtime, log }) {
      const firm = await authorizeFirm(runtime.sql, user, url, 'member');
      const body = parseWith(SyncMatterBody, await readJsonBody(req), 'invalid_body');
      runtime.smokeball.assertConfigured();
      const result = await syncMatter(syncMatterDeps(runtime, log.info), { firmId: firm.firmId, matterId: body.matterId, trigger: 'manual' });
      return { body: result };
    },
  },
  runtime,
);
