// GET /functions/v1/smokeball-matters?offset=&limit= (member JWT) →
// { matters: [{ id, number, title, status, linked, casehugMatterId }], total, offset, limit }.
import * as api from '../../../shared/api/functions.ts';
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { firmSmokeballDeps } from '../../../shared/runtime/firm-smokeball-deps.ts';
import { openFirmSmokeball } from '../../../shared/sync/firm-smokeball.ts';
import { listSmokeballMatters } from '../../../shared/sync/smokeball-matters.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'smokeball-matters',
    methods: ['GET'],
    auth: 'user',
    cors: true,
    async handle({ url, user, runtime }) {
      const query = parseWith(api.SmokeballMattersQuery, Object.fromEntries(url.searchParams), 'invalid_query');
      const firm = await authorizeFirm(runtime.sql, user, url, 'member');
      await runtime.smokeball.assertConfiguredFor(firm.firmId);
      const { client } = await openFirmSmokeball(firmSmokeballDeps(runtime), firm.firmId);
      return { body: api.SmokeballMattersResponse.parse(await listSmokeballMatters({ sql: runtime.sql, client }, firm.firmId, query)) };
    },
  },
  runtime,
);
