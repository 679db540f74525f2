// Sync a matter (DESIGN §5, issue 7): under the matter's lease, resolve the matter type (before anything
// is written, so an unmapped type creates nothing in Smokeball), then the contact, the matter and every
// approved document — exactly once, whatever fails and whenever it is retried. Every attempt is a
// sync_runs row with its steps, counts, API calls, RequestIds and an error a firm admin can act on.
import { AppError, notFound } from '../../errors.ts';
import type { Sql } from '../../db/connection.ts';
import { listApprovedDocuments, loadSyncSubject, touchMatterSynced } from '../../db/matter-sync.ts';
import { appendRunRequestId, failAbandonedRuns, finishRun, startRun, type RunTrigger } from '../../db/sync-runs.ts';
import type { LogFields } from '../../http/log.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';
import type { ApiCallRecord } from '../../smokeball/request.ts';
import { resolveMatterType, unmappedError } from '../case-types/resolve.ts';
import { loadMappingContext } from '../matter-types/load-mapping-context.ts';
import { notConnected, reauthRequired } from '../connection/refresh-token.ts';
import { ensureContact, type ContactAction } from './ensure-contact.ts';
import { ensureMatter, type MatterAction } from './ensure-matter.ts';
import { withMatterLease } from './matter-lease.ts';
import type { OpenDocument } from './open-document.ts';
import { createRunRecorder } from './run-recorder.ts';
import { describeDocumentFailures, uploadApprovedDocuments, type DocumentCounts } from './upload-documents.ts';

export type SyncMatterDeps = {
  sql: Sql;
  clientFor(firm: { firmId: string; region: SmokeballRegion }, onRequest: (call: ApiCallRecord) => void): SmokeballClient;
  openDocument: OpenDocument;
  now(): number;
  sleep(ms: number): Promise<void>;
  log(event: string, fields?: LogFields): void;
  /** This function instance (and request), so only the lease holder renews or releases it. */
  holder: string;
  leaseMs?: number;
  leaseWaitMs?: number;
  consistencyWindowMs?: number;
};

export type SyncMatterInput = { firmId: string; matterId: string; trigger: RunTrigger; jobId?: string | null };

export type SyncMatterResult = {
  runId: string;
  status: 'succeeded' | 'partial' | 'failed';
  contact: { id: string; action: ContactAction };
  matter: { id: string; action: MatterAction };
  documents: DocumentCounts;
  apiCalls: number;
};

/** An error that ended a run; the run id travels with it so the caller can point at the history. */
export class SyncRunError extends AppError {
  constructor(readonly runId: string, cause: AppError) {
    super({ code: cause.code, status: cause.status, message: cause.message, cause });
    this.name = 'SyncRunError';
  }
}

export async function syncMatter(deps: SyncMatterDeps, input: SyncMatterInput): Promise<SyncMatterResult> {
  const { firmId, matterId } = input;
  const before = await loadSyncSubject(deps.sql, firmId, matterId);
  if (!before) throw notFound('Matter not found');
  if (!before.connection) throw notConnected();
  if (before.connection.status === 'needs_reauth') throw reauthRequired();

  return withMatterLease(deps, firmId, matterId, async () => {
    const runId = await startRun(deps.sql, { firmId, matterId, jobId: input.jobId ?? null, trigger: input.trigger });
    await failAbandonedRuns(deps.sql, firmId, matterId, runId);
    const recorder = createRunRecorder(deps.now);
    try {
      // Re-read under the lease: a sync that held it before us may have stored links since.
      const subject = (await loadSyncSubject(deps.sql, firmId, matterId))!;
      const connection = subject.connection;
      if (!connection) throw notConnected();
      // Writes' RequestIds are recorded at once, not only when the run ends: Smokeball echoes them in
      // webhooks that may arrive while the run is still going, and those echoes must cost no re-fetch.
      const client = deps.clientFor({ firmId, region: connection.region }, (call) => {
        recorder.onRequest(call);
        if (call.method !== 'GET') appendRunRequestId(deps.sql, firmId, runId, call.requestId).catch(() => undefined);
      });
      const stepDeps = { ...deps, client, recorder };

      let matterTypeId: string | undefined;
      if (!subject.matter.smokeballMatterId) {
        // The same loader the mapping preview uses, so the preview can never disagree with a sync.
        const context = await loadMappingContext(client, deps.sql, { firmId, jurisdiction: subject.jurisdiction, accountId: connection.accountId });
        const resolution = resolveMatterType(subject.matter.caseType, context);
        if (resolution.status === 'unmapped') {
          recorder.step('matter_type', 'unmapped', resolution.reason);
          throw unmappedError(subject.matter.caseType, resolution.reason);
        }
        recorder.step('matter_type', resolution.how, resolution.matterType.id);
        matterTypeId = resolution.matterType.id;
      }

      const contact = await ensureContact(stepDeps, firmId, subject.client);
      const matter = await ensureMatter(stepDeps, firmId, subject.matter, contact.id, () => matterTypeId!);
      const documents = await uploadApprovedDocuments(stepDeps, firmId, matter.id, await listApprovedDocuments(deps.sql, firmId, matterId));
      await touchMatterSynced(deps.sql, firmId, matterId);

      const status = documents.failed > 0 ? 'partial' : 'succeeded';
      const firstFailure = documents.failures[0];
      const progress = recorder.snapshot();
      await finishRun(deps.sql, firmId, runId, {
        status,
        ...progress,
        counts: { uploaded: documents.uploaded, skipped: documents.skipped, failed: documents.failed },
        errorCode: firstFailure?.code ?? null,
        errorMessage: firstFailure ? describeDocumentFailures(documents.failures, documents.uploaded + documents.skipped + documents.failed) : null,
      });
      deps.log('matter_synced', { firmId, matterId, runId, status, apiCalls: progress.apiCalls, ...documents, failures: undefined });
      return {
        runId,
        status,
        contact,
        matter,
        documents: { uploaded: documents.uploaded, skipped: documents.skipped, failed: documents.failed },
        apiCalls: progress.apiCalls,
      };
    } catch (err) {
      const appError = err instanceof AppError
        ? err
        : new AppError({ code: 'internal_error', status: 500, message: 'The sync failed unexpectedly', cause: err });
      const progress = recorder.snapshot();
      await finishRun(deps.sql, firmId, runId, {
        status: 'failed',
        ...progress,
        counts: {},
        errorCode: appError.code,
        errorMessage: appError.message,
      });
      deps.log('matter_sync_failed', { firmId, matterId, runId, errorCode: appError.code, apiCalls: progress.apiCalls });
      throw new SyncRunError(runId, appError);
    }
  });
}
