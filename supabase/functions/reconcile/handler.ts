// POST /functions/v1/reconcile
//   secret key in `apikey` (pg_cron, nightly), body `{}` or none: a reconciliation for every connected
//   firm → 202 { firms }
//   admin JWT, body `{}` or `{ firmId }` (or none): one for the admin's firm now → 202 { jobId }
// GET /functions/v1/reconcile?jobId=… (member JWT) → { jobId, status, run: { id, status, counts, apiCalls, errorCode } | null }
// The work runs as queued jobs in the lowest class of the shared limit (shared/sync/reconcile/).
// Shapes: shared/api `NightlyReconcileRequest`, `NightlyReconcileAccepted`, `ReconcileRequest`,
// `ReconcileAccepted`, `ReconcileJobQuery`, `ReconcileJob`.
import * as api from '../../../shared/api/functions.ts';
import { AppError } from '../../../shared/errors.ts';
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith, readJsonBody } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { queueFirmReconcile, queueNightlyReconcile, readFirmReconcile } from '../../../shared/sync/reconcile/queue-reconcile.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'reconcile',
    methods: ['POST', 'GET'],
    auth: 'user-or-secret-key',
    cors: true,
    async handle({ req, url, user, runtime }) {
      if (req.method === 'GET') {
        if (!user) throw new AppError({ code: 'invalid_jwt', status: 401, message: 'Reading a reconciliation needs a signed-in member' });
        const firm = await authorizeFirm(runtime.sql, user, url, 'member');
        const query = parseWith(api.ReconcileJobQuery, Object.fromEntries(url.searchParams), 'invalid_query');
        return { body: api.ReconcileJob.parse(await readFirmReconcile(runtime.sql, firm.firmId, query.jobId)) };
      }
      if (!user) {
        parseWith(api.NightlyReconcileRequest, await readJsonBody(req, { emptyAs: {} }), 'invalid_body');
        return { status: 202, body: api.NightlyReconcileAccepted.parse(await queueNightlyReconcile({ sql: runtime.sql })) };
      }
      const body = parseWith(api.ReconcileRequest, await readJsonBody(req, { emptyAs: {} }), 'invalid_body');
      const firm = await authorizeFirm(runtime.sql, user, url, 'admin', body.firmId);
      const deps = { sql: runtime.sql, assertConfigured: () => runtime.smokeball.assertConfiguredFor(firm.firmId) };
      return { status: 202, body: api.ReconcileAccepted.parse(await queueFirmReconcile(deps, firm.firmId, user.userId)) };
    },
  },
  runtime,
);
