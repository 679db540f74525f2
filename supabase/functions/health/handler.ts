// GET /functions/v1/health (JWT required): what operators poll. 503 when the database does not answer.
// `smokeball.configured`: the deployment has a default app; `smokeball.firms`: per firm of the caller,
// whether Smokeball is configured and with which app (`own` or `default`, its client id) — no secret.
import * as api from '../../../shared/api/functions.ts';
import { listFirmMemberships } from '../../../shared/db/firms.ts';
import { checkDatabase } from '../../../shared/db/health.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { describeFirmApps } from '../../../shared/sync/smokeball-app.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'health',
    methods: ['GET'],
    auth: 'user',
    cors: true,
    async handle({ runtime, user }) {
      const database = await checkDatabase(runtime.sql);
      const firmIds = database === 'ok' ? (await listFirmMemberships(runtime.sql, user.userId)).map((m) => m.firmId) : [];
      return {
        status: database === 'ok' ? 200 : 503,
        body: api.HealthResponse.parse({
          ok: database === 'ok',
          database,
          smokeball: { configured: runtime.config.smokeball.configured, firms: await describeFirmApps(runtime, firmIds) },
        }),
      };
    },
  },
  runtime,
);
