import type { LogFields } from '../../http/log.ts';
import type { Runtime } from '../../runtime.ts';
import { syncMatterDeps } from '../matter/sync-deps.ts';
import type { DrainDeps } from './drain-sync-jobs.ts';

export function drainDeps(runtime: Runtime, log: (event: string, fields?: LogFields) => void): DrainDeps {
  return { ...syncMatterDeps(runtime, log), random: runtime.random };
}

/** One worker identity per call, so leases and finishes name exactly this invocation. */
export const newWorkerId = (fn: string) => `${fn}:${crypto.randomUUID()}`;
