// The dependencies of a matter sync, built from a function instance's runtime (shared by sync-matter,
// the job worker and on-document-approved, so every path syncs the same way).
import type { LogFields } from '../log.ts';
import type { Runtime } from './runtime.ts';
import type { SmokeballRegion } from '../smokeball/hosts.ts';
import type { RequestPriority } from '../smokeball/rate-limiter.ts';
import type { ApiCallRecord } from '../smokeball/request.ts';
import { createStorageReader } from '../sync/matter/storage-reader.ts';
import type { SyncMatterDeps } from '../sync/matter/sync-matter.ts';

export function syncMatterDeps(runtime: Runtime, log: (event: string, fields?: LogFields) => void): SyncMatterDeps {
  const secretKey = runtime.config.storageKey ?? '';
  return {
    sql: runtime.sql,
    clientFor: (firm: { firmId: string; region: SmokeballRegion; priority?: RequestPriority }, onRequest: (call: ApiCallRecord) => void) =>
      runtime.smokeball.clientFor(firm, onRequest),
    openDocument: createStorageReader({
      supabaseUrl: runtime.config.supabaseUrl,
      secretKey,
      maxDocumentBytes: runtime.config.maxDocumentBytes,
      buckets: runtime.config.documentBuckets,
    }),
    assertConfigured: (firmId: string) => runtime.smokeball.assertConfiguredFor(firmId),
    now: runtime.now,
    sleep: runtime.sleep,
    log,
    holder: `sync:${crypto.randomUUID()}`,
  };
}
