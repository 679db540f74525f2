// GET /functions/v1/smokeball-status (member JWT; `?firmId=` for a user of several firms) → the settings
// page's state of the integration in one answer (shared/api `SmokeballStatusResponse`).
import * as api from '../../../shared/api/functions.ts';
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { readSmokeballStatus } from '../../../shared/sync/connection/read-status.ts';
import { describeFirmApps } from '../../../shared/sync/smokeball-app.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'smokeball-status',
    methods: ['GET'],
    auth: 'user',
    cors: true,
    async handle({ url, user, runtime }) {
      parseWith(api.SmokeballStatusQuery, Object.fromEntries(url.searchParams), 'invalid_query');
      const firm = await authorizeFirm(runtime.sql, user, url, 'member');
      // Configured: the firm has an app of its own or the deployment's default (no secret is opened).
      const [app] = await describeFirmApps(runtime, [firm.firmId]);
      const status = await readSmokeballStatus({ sql: runtime.sql, configured: app.configured }, firm.firmId);
      return { body: api.SmokeballStatusResponse.parse(status) };
    },
  },
  runtime,
);
