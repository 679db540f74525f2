// POST /functions/v1/smokeball-webhook (verify_jwt = false; authenticated by Smokeball's signature).
// 200 { received, duplicate } well inside Smokeball's 10 s; 413 oversized, 400 not JSON / missing
// headers / not a notification, 401 unverified (signature, timestamp, subscription or account — never
// saying which), 503 webhook_intake_busy when too many deliveries wait to be stored (Smokeball redelivers),
// 500 when storing failed (likewise). The stored event is processed after the answer, and again by the sweep if that fails.
import * as api from '../../../shared/api/functions.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import { lazyRuntime } from '../../../shared/runtime/runtime.ts';
import { coalesced } from '../../../shared/sync/queue/coalesce.ts';
import { drainSyncJobs } from '../../../shared/sync/queue/drain-sync-jobs.ts';
import { drainDeps, newWorkerId } from '../../../shared/runtime/worker-deps.ts';
import { findFirmAppClientId } from '../../../shared/sync/smokeball-app.ts';
import { createWebhookReceiver } from '../../../shared/sync/webhooks/receive-delivery.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

// Per instance: the receiver (its cache of subscription keys) and the coalesced drain. Neither keeps a
// request's logger: the receiver is given each request's, the drain (it spans requests) the instance's.
let receiver: ReturnType<typeof createWebhookReceiver> | undefined;
let processPending: (() => Promise<void>) | undefined;

/** Background processing per instance: well inside the function's wall clock. */
const PROCESS_BUDGET_MS = 20_000;
/** One lane: processing shares the instance's small pool with the intake, which must stay fast. */
const PROCESS_CONCURRENCY = 1;

export default defineFunction(
  {
    name: 'smokeball-webhook',
    methods: ['POST'],
    auth: 'none',
    async handle({ runtime, req, log }) {
      receiver ??= createWebhookReceiver({
        sql: runtime.sql,
        sealer: runtime.sealer,
        // Signatures are checked with the client id of the subscribing firm's app (its own or the default).
        appClientIdFor: (firmId) => findFirmAppClientId(runtime, firmId),
        now: runtime.now,
      });
      // The answer costs one insert; processing (a re-fetch from Smokeball) runs after it, as one
      // coalesced drain of the inbox's jobs per instance. The queue keeps every job if the instance goes
      // away first, and the periodic sweep then runs it.
      processPending ??= coalesced(() =>
        drainSyncJobs(drainDeps(runtime, runtime.log.info), {
          budgetMs: PROCESS_BUDGET_MS,
          worker: newWorkerId('smokeball-webhook'),
          leaseSeconds: runtime.config.syncLeaseSeconds,
          kind: 'process_webhook',
          concurrency: PROCESS_CONCURRENCY,
        }),
      );
      const delivery = await receiver(req, log.info);
      if (delivery.stored && delivery.eventId) {
        (globalThis as unknown as { EdgeRuntime?: { waitUntil(p: Promise<unknown>): void } }).EdgeRuntime?.waitUntil(processPending());
      }
      return { body: api.WebhookAck.parse(delivery.stored ? { received: true, duplicate: delivery.duplicate } : { received: true, ignored: delivery.ignored }) };
    },
  },
  runtime,
);
