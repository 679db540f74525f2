import type { LogFields } from '../log.ts';
import type { Runtime } from './runtime.ts';
import { syncMatterDeps } from './sync-deps.ts';
import type { DrainDeps } from '../sync/queue/drain-sync-jobs.ts';
import { importAndReconcileHandlers } from './import-reconcile-deps.ts';

export function drainDeps(runtime: Runtime, log: (event: string, fields?: LogFields) => void): DrainDeps {
  return { ...syncMatterDeps(runtime, log), random: runtime.random, keepAlive: keepInstanceAlive, jobHandlers: importAndReconcileHandlers(runtime, log) };
}

/**
 * Keeps the Edge Function instance alive until `work` settles, even once the response is sent or its
 * caller hung up (`EdgeRuntime.waitUntil`; capped by the wall clock). Where there is no EdgeRuntime (a
 * handler called in-process), the work simply runs on.
 */
export function keepInstanceAlive(work: Promise<unknown>): void {
  (globalThis as { EdgeRuntime?: { waitUntil(p: Promise<unknown>): void } }).EdgeRuntime?.waitUntil(work);
}

/** One worker identity per call, so leases and finishes name exactly this invocation. */
export const newWorkerId = (fn: string) => `${fn}:${crypto.randomUUID()}`;
