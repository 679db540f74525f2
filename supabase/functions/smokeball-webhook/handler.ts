// POST /functions/v1/smokeball-webhook (verify_jwt = false; authenticated by Smokeball's signature).
// 200 { received, duplicate } well inside Smokeball's 10 s; 413 oversized, 400 not JSON / missing
// headers / not a notification, 401 unverified (signature, timestamp, subscription or account — never
// saying which). The stored event is processed after the answer, and again by the sweep if that fails.
import { defineFunction } from '../../../shared/http/define-function.ts';
import { lazyRuntime } from '../../../shared/runtime.ts';
import { drainSyncJobs } from '../../../shared/sync/queue/drain-sync-jobs.ts';
import { drainDeps, newWorkerId } from '../../../shared/sync/queue/worker-deps.ts';
import { createWebhookReceiver } from '../../../shared/sync/webhooks/receive-delivery.ts';

export const runtime = lazyRuntime(() => Deno.env.toObject());

let receiver: ReturnType<typeof createWebhookReceiver> | undefined;

export default defineFunction(
  {
    name: 'smokeball-webhook',
    methods: ['POST'],
    auth: 'none',
    async handle({ req, runtime, log }) {
      runtime.smokeball.assertConfigured();
      receiver ??= createWebhookReceiver({
        sql: runtime.sql,
        sealer: runtime.sealer,
        clientId: runtime.config.smokeball.configured ? runtime.config.smokeball.clientId : '',
        now: runtime.now,
        log: log.info,
      });
      const delivery = await receiver(req);
      if (delivery.stored && delivery.eventId) {
        // Process right after answering; the queue keeps the job if this instance goes away first.
        const work = drainSyncJobs(drainDeps(runtime, log.info), {
          budgetMs: 30_000,
          worker: newWorkerId('smokeball-webhook'),
          leaseSeconds: runtime.config.syncLeaseSeconds,
          firmId: delivery.firmId,
          subjectId: delivery.eventId,
          once: true,
        }).catch(() => undefined);
        (globalThis as unknown as { EdgeRuntime?: { waitUntil(p: Promise<unknown>): void } }).EdgeRuntime?.waitUntil(work);
      }
      return { body: delivery.stored ? { received: true, duplicate: delivery.duplicate } : { received: true, ignored: delivery.ignored } };
    },
  },
  runtime,
);
