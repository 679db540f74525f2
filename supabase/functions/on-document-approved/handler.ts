// POST /functions/v1/on-document-approved (secret key in `apikey`; body in Supabase's database-webhook
// shape { type, table, schema, record, old_record }): the approval's job was queued by the trigger in
// the same transaction; this runs it now. An event that is not an approval is acknowledged and ignored.
import { z } from 'zod';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { parseWith, readJsonBody } from '../../../shared/http/parse.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { runApprovedDocumentSync } from '../../../shared/sync/queue/approval-wake-up.ts';
import { drainDeps, newWorkerId } from '../../../shared/runtime/worker-deps.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

const DatabaseWebhook = z
  .object({
    type: z.enum(['INSERT', 'UPDATE', 'DELETE']),
    table: z.literal('documents'),
    schema: z.literal('public'),
    record: z.object({ id: z.uuid(), firm_id: z.uuid(), matter_id: z.uuid(), status: z.string() }).loose().nullable(),
    old_record: z.object({ status: z.string() }).loose().nullable().optional(),
  })
  .strict();

export default defineFunction(
  {
    name: 'on-document-approved',
    methods: ['POST'],
    auth: 'secret-key',
    async handle({ req, runtime, log }) {
      const event = parseWith(DatabaseWebhook, await readJsonBody(req), 'invalid_body');
      const result = await runApprovedDocumentSync(drainDeps(runtime, log.info), event, {
        worker: newWorkerId('on-document-approved'),
        leaseSeconds: runtime.config.syncLeaseSeconds,
      });
      return { body: result };
    },
  },
  runtime,
);
