// POST /functions/v1/reconcile
//   secret key in `apikey` (pg_cron, nightly): a reconciliation for every connected firm → 202 { firms }
//   admin JWT: one for the admin's firm now → 202 { jobId }
// GET /functions/v1/reconcile?jobId=… (member JWT) → { jobId, status, run: { id, status, counts, apiCalls, errorCode } | null }
// The work runs as queued jobs in the lowest class of the shared limit (shared/sync/reconcile/).
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { authorizeFirm } from '../../../shared/http/authorize.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith, readJsonBody } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { queueFirmReconcile, queueNightlyReconcile, readFirmReconcile } from '../../../shared/sync/reconcile/queue-reconcile.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

const JobQuery = z.object({ jobId: z.uuid(), firmId: z.uuid().optional() }).strict();
/** pg_cron and the app send `{}` (or nothing); anything else is refused, not silently ignored. */
const ReconcileBody = z.object({}).strict();

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
        const query = parseWith(JobQuery, Object.fromEntries(url.searchParams), 'invalid_query');
        return { body: await readFirmReconcile(runtime.sql, firm.firmId, query.jobId) };
      }
      if (!user) {
        parseWith(ReconcileBody, await readJsonBody(req, { emptyAs: {} }), 'invalid_body');
        return { status: 202, body: await queueNightlyReconcile({ sql: runtime.sql }) };
      }
      const firm = await authorizeFirm(runtime.sql, user, url, 'admin');
      parseWith(ReconcileBody, await readJsonBody(req, { emptyAs: {} }), 'invalid_body');
      return {
        status: 202,
        body: await queueFirmReconcile({ sql: runtime.sql, assertConfigured: () => runtime.smokeball.assertConfiguredFor(firm.firmId) }, firm.firmId, user.userId),
      };
    },
  },
  runtime,
);
