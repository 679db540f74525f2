// POST /functions/v1/import-smokeball-matters (admin JWT):
//   { smokeballMatterIds: [...] }  (1–500 ids) or { all: true }  → 202 { batchId, queued, alreadyLinked }:
//   one queued import per Smokeball matter not linked yet (shared/sync/import/start-import.ts); each
//   creates the CaseHug matter and its client(s), linked, exactly once (shared/sync/import/import-matter.ts).
// GET /functions/v1/import-smokeball-matters?batchId=… (member JWT) → { batchId, total, done, failed,
//   superseded, remaining, imported, linked }; each matter's outcome is in `smokeball_imports`.
import { z } from 'zod';
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith, readJsonBody } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { ImportRequestBody, importSelection, readImport, startImport } from '../../../shared/sync/import/start-import.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

const BatchQuery = z.object({ batchId: z.uuid(), firmId: z.uuid().optional() }).strict();

export default defineFunction(
  {
    name: 'import-smokeball-matters',
    methods: ['POST', 'GET'],
    auth: 'user',
    cors: true,
    async handle({ req, url, user, runtime }) {
      if (req.method === 'GET') {
        const firm = await authorizeFirm(runtime.sql, user, url, 'member');
        const query = parseWith(BatchQuery, Object.fromEntries(url.searchParams), 'invalid_query');
        return { body: await readImport(runtime.sql, firm.firmId, query.batchId) };
      }
      const firm = await authorizeFirm(runtime.sql, user, url, 'admin');
      const selection = importSelection(parseWith(ImportRequestBody, await readJsonBody(req), 'invalid_body'));
      const deps = {
        sql: runtime.sql,
        assertConfigured: () => runtime.smokeball.assertConfiguredFor(firm.firmId),
        // The admin waits for the listing of `{ all: true }`: interactive class.
        clientFor: (region: Parameters<typeof runtime.smokeball.clientFor>[0]['region']) => runtime.smokeball.clientFor({ firmId: firm.firmId, region, priority: 'interactive' }),
      };
      return { status: 202, body: await startImport(deps, firm, user.userId, selection) };
    },
  },
  runtime,
);
