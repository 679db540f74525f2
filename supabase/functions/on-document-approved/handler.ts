// POST /functions/v1/on-document-approved (secret key in `apikey`; body in Supabase's database-webhook
// shape { type, table, schema, record, old_record }): the approval's job was queued by the trigger in
// the same transaction; this runs it now. An event that is not an approval is acknowledged and ignored.
import * as api from '../../../shared/api/functions.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith, readJsonBody } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { runApprovedDocumentSync } from '../../../shared/sync/queue/approval-wake-up.ts';
import { drainDeps, newWorkerId } from '../../../shared/runtime/worker-deps.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

export default defineFunction(
  {
    name: 'on-document-approved',
    methods: ['POST'],
    auth: 'secret-key',
    async handle({ req, runtime, log }) {
      const event = parseWith(api.DocumentApprovedRequest, await readJsonBody(req), 'invalid_body');
      const result = await runApprovedDocumentSync(drainDeps(runtime, log.info), event, {
        worker: newWorkerId('on-document-approved'),
        leaseSeconds: runtime.config.syncLeaseSeconds,
      });
      return { body: api.DocumentApprovedResponse.parse(result) };
    },
  },
  runtime,
);
