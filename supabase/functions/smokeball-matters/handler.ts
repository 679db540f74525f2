// GET /functions/v1/smokeball-matters?offset=&limit= (member JWT) →
// { matters: [{ id, number, title, status, linked, casehugMatterId }], total, offset, limit }.
import { z } from 'zod';
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { firmSmokeballDeps } from '../../../shared/runtime/firm-smokeball-deps.ts';
import { openFirmSmokeball } from '../../../shared/sync/firm-smokeball.ts';
import { listSmokeballMatters } from '../../../shared/sync/smokeball-matters.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

const Query = z
  .object({
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    // Smokeball pages are at most 500 (docs/smokeball.md §2); the app shows fewer.
    limit: z.coerce.number().int().min(1).max(500).default(50),
    firmId: z.uuid().optional(),
  })
  .strict();

export default defineFunction(
  {
    name: 'smokeball-matters',
    methods: ['GET'],
    auth: 'user',
    cors: true,
    async handle({ url, user, runtime }) {
      const query = parseWith(Query, Object.fromEntries(url.searchParams), 'invalid_query');
      const firm = await authorizeFirm(runtime.sql, user, url, 'member');
      await runtime.smokeball.assertConfiguredFor(firm.firmId);
      const { client } = await openFirmSmokeball(firmSmokeballDeps(runtime), firm.firmId);
      return { body: await listSmokeballMatters({ sql: runtime.sql, client }, firm.firmId, query) };
    },
  },
  runtime,
);
