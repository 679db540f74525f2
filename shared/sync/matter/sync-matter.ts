// Sync a matter (docs/architecture.md §5): under the matter's lease, resolve the matter type (before anything
// is written, so an unmapped type creates nothing in Smokeball), then the contact, the matter and every
// approved document — exactly once, whatever fails and whenever it is retried. Every attempt is a
// sync_runs row with its steps, counts, API calls, RequestIds and an error a firm admin can act on.
//
// A sync may stop before it is done (its caller's time is up: `control.shouldYield`): at the next
// checkpoint — before the contact, before the matter, before each document to send — it records its
// progress in its run, which stays `running` with a `handoff` step, names the matter's queued job as the
// one that continues it, and releases the lease. That job, when it runs, continues the same run.
import { AppError, notFound } from '../../errors.ts';
import type { Sql } from '../../db/sql.ts';
import { listApprovedDocuments, loadSyncSubject, touchMatterSynced } from '../../db/matter-sync.ts';
import { findQueuedMatterSyncJob } from '../../db/sync-jobs.ts';
import {
  appendRunRequestId, checkpointRun, failAbandonedRuns, findHandedOffRun, finishRun, HANDOFF_STEP, recordRefusedRun, startRun, type RunTrigger,
} from '../../db/sync-runs.ts';
import type { LogFields } from '../../log.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';
import { priorityOfTrigger, type RequestPriority } from '../../smokeball/rate-limiter.ts';
import type { ApiCallRecord } from '../../smokeball/request.ts';
import { resolveMatterType, unmappedError } from '../mapping/resolve.ts';
import { loadMappingContext } from '../mapping/load-mapping-context.ts';
import { decideConnection, usableOrThrow } from '../connection/require-connection.ts';
import { ensureContact, type ContactAction, phoneCountryOf } from './ensure-contact.ts';
import { smokeballLocationOf } from '../firm-smokeball.ts';
import { ensureMatter, type MatterAction } from './ensure-matter.ts';
import { withMatterLease } from './matter-lease.ts';
import type { OpenDocument } from './storage-reader.ts';
import { createRunRecorder } from './run-recorder.ts';
import { describeDocumentFailures, uploadApprovedDocuments, type DocumentCounts, type DocumentResult } from './upload-documents.ts';
import { recordRunProgress } from '../../db/run-progress.ts';

export type SyncMatterDeps = {
  sql: Sql;
  /**
   * `priority`: the limiter class of the client's requests, from what started the sync. Rejects with
   * smokeball_not_configured when the firm has no app (recorded in the run).
   */
  clientFor(firm: { firmId: string; region: SmokeballRegion; priority?: RequestPriority }, onRequest: (call: ApiCallRecord) => void): Promise<SmokeballClient>;
  openDocument: OpenDocument;
  /** Throws smokeball_not_configured when the installation has no Smokeball credentials. */
  /** Rejects with smokeball_not_configured when the firm has no Smokeball app (its own or the default). */
  assertConfigured?(firmId: string): Promise<void>;
  now(): number;
  sleep(ms: number): Promise<void>;
  log(event: string, fields?: LogFields): void;
  /** This function instance (and request), so only the lease holder renews or releases it. */
  holder: string;
  leaseMs?: number;
  leaseWaitMs?: number;
  consistencyWindowMs?: number;
  /** upload-documents.ts FINISH_CHUNK_MAX_BYTES (tests only). */
  finishChunkMaxBytes?: number;
};

export type SyncMatterInput = { firmId: string; matterId: string; trigger: RunTrigger; jobId?: string | null; control?: SyncControl };

/** How a caller bounds a sync's time (see the top of this file). Every member is optional. */
export type SyncControl = {
  /** Asked at each checkpoint: true stops the sync there, to continue as the matter's queued job. */
  shouldYield?(): boolean;
  /** The job that continues the run when it stops, if the caller queued it; else the matter's queued job. */
  continuation?(): string | undefined;
  /** Asked while waiting for the matter's lease: true stops waiting (409 sync_in_progress). */
  stopWaiting?(): boolean;
  /** Asked once the lease is taken, before a run starts: false backs out (409 sync_in_progress). */
  mayStart?(): boolean;
  /** The run this sync records into, as soon as it exists. */
  onRun?(runId: string): void;
};

/** What sync-matter answers (shared/api `SyncMatterResult`): the counts and each approved document's outcome. */
export type SyncMatterResult = {
  runId: string;
  status: 'succeeded' | 'partial' | 'failed';
  contact: { id: string; action: ContactAction };
  matter: { id: string; action: MatterAction };
  counts: DocumentCounts;
  documents: DocumentResult[];
  apiCalls: number;
};

/** A sync that stopped at a checkpoint: its run goes on as the matter's queued job. */
export type SyncMatterStopped = { runId: string; status: 'running'; counts: DocumentCounts; apiCalls: number };

/** An error that ended a run; the run id travels with it so the caller can point at the history. */
export class SyncRunError extends AppError {
  declare readonly runId: string;

  constructor(runId: string, cause: AppError) {
    super({ code: cause.code, status: cause.status, message: cause.message, cause, details: cause.details, runId });
    this.name = 'SyncRunError';
  }
}

export async function syncMatter(deps: SyncMatterDeps, input: SyncMatterInput): Promise<SyncMatterResult | SyncMatterStopped> {
  const { firmId, matterId, control } = input;
  // A sync refused before it starts still leaves its run in the history, with the error and its help.
  const refuse = async (error: AppError, matterExists: boolean): Promise<never> => {
    const runId = await recordRefusedRun(
      deps.sql,
      { firmId, matterId: matterExists ? matterId : null, jobId: input.jobId ?? null, trigger: input.trigger },
      error,
      matterExists ? undefined : matterId,
    );
    deps.log('matter_sync_refused', { firmId, matterId, runId, errorCode: error.code });
    throw new SyncRunError(runId, error);
  };
  const before = await loadSyncSubject(deps.sql, firmId, matterId);
  if (!before) return refuse(notFound('Matter not found'), false);
  try {
    await deps.assertConfigured?.(firmId);
  } catch (err) {
    if (err instanceof AppError) return refuse(err, true);
    throw err;
  }
  const connection = decideConnection(before.connection);
  if (!connection.usable) return refuse(connection.error, true);

  return withMatterLease({ ...deps, stopWaiting: control?.stopWaiting }, firmId, matterId, async () => {
    if (control?.mayStart && !control.mayStart()) {
      throw new AppError({ code: 'sync_in_progress', status: 409, message: 'This matter\'s sync continues as a queued job' });
    }
    // A job continues the run handed off to it; anything else starts a run of its own.
    const resumed = input.jobId ? await findHandedOffRun(deps.sql, firmId, input.jobId) : undefined;
    const runId = resumed?.id ?? (await startRun(deps.sql, { firmId, matterId, jobId: input.jobId ?? null, trigger: input.trigger }));
    control?.onRun?.(runId);
    await failAbandonedRuns(deps.sql, firmId, matterId, runId, input.jobId ?? null);
    // Each step is written to the running row as it happens (one write at a time, in order), so the
    // history shows a running run's progress; finishing the run waits for the last one.
    let progressWrites: Promise<void> = Promise.resolve();
    const recorder = createRunRecorder(deps.now, resumed, (progress) => {
      progressWrites = progressWrites.then(() => recordRunProgress(deps.sql, firmId, runId, progress)).catch(() => undefined);
    });
    // Documents an earlier attempt of this run sent: this attempt finds them linked, and reports them as sent.
    const sentEarlier = new Set(
      (resumed?.steps ?? []).filter((s) => s.step === 'document' && s.outcome !== 'failed' && s.detail).map((s) => s.detail!),
    );
    // Documents this run uploaded before it stopped: linked now, so this attempt counts them as skipped.
    const uploadedBefore = resumed && 'uploaded' in resumed.counts ? resumed.counts.uploaded : 0;
    const shouldYield = () => control?.shouldYield?.() ?? false;

    const stop = async (documents?: DocumentCounts): Promise<SyncMatterStopped> => {
      const jobId = control?.continuation?.() ?? (input.jobId ? ((await findQueuedMatterSyncJob(deps.sql, firmId, matterId)) ?? input.jobId) : undefined);
      recorder.step(HANDOFF_STEP, 'queued', jobId);
      const progress = recorder.snapshot();
      await progressWrites;
      const counts = documents ? mergeDocumentCounts(uploadedBefore, documents) : undefined;
      await checkpointRun(deps.sql, firmId, runId, { ...progress, counts: counts ?? resumed?.counts ?? {}, jobId });
      deps.log('matter_sync_handed_off', { firmId, matterId, runId, jobId, apiCalls: progress.apiCalls });
      return { runId, status: 'running', counts: counts ?? { uploaded: uploadedBefore, skipped: 0, failed: 0 }, apiCalls: progress.apiCalls };
    };

    try {
      if (shouldYield()) return await stop();
      // Re-read under the lease: a sync that held it before us may have stored links since.
      const subject = (await loadSyncSubject(deps.sql, firmId, matterId))!;
      // A re-authorisation needed since is the token layer's to report, with the run recorded.
      const connection = usableOrThrow(decideConnection(subject.connection, { allowNeedsReauth: true }));
      // Writes' RequestIds are recorded at once, not only when the run ends: Smokeball echoes them in
      // webhooks that may arrive while the run is still going, and those echoes must cost no re-fetch.
      // Every request of the run takes its limiter slot in the class of what started it (a member's
      // manual sync is interactive; webhook, auto and bulk runs are background).
      const client = await deps.clientFor({ firmId, region: connection.region, priority: priorityOfTrigger(input.trigger) }, (call) => {
        recorder.onRequest(call);
        if (call.method !== 'GET') appendRunRequestId(deps.sql, firmId, runId, call.requestId).catch(() => undefined);
      });
      const stepDeps = { ...deps, client, recorder };

      let matterTypeId: string | undefined;
      if (!subject.matter.smokeballMatterId) {
        // The same loader the mapping preview uses, so the preview can never disagree with a sync.
        const context = await loadMappingContext(client, deps.sql, { firmId, jurisdiction: smokeballLocationOf(subject.jurisdiction), accountId: connection.accountId });
        const resolution = resolveMatterType(subject.matter.caseType, context);
        if (resolution.status === 'unmapped') {
          recorder.step('matter_type', 'unmapped', resolution.reason);
          throw unmappedError(subject.matter.caseType, resolution.reason);
        }
        recorder.step('matter_type', resolution.how, resolution.matterType.id);
        matterTypeId = resolution.matterType.id;
      }

      const contact = await ensureContact(stepDeps, firmId, subject.client, phoneCountryOf(subject.jurisdiction));
      if (shouldYield()) return await stop();
      const matter = await ensureMatter(stepDeps, firmId, subject.matter, contact.id, () => matterTypeId!);
      const sent = await uploadApprovedDocuments({ ...stepDeps, shouldStop: shouldYield }, firmId, matter.id, await listApprovedDocuments(deps.sql, firmId, matterId));
      if (sent.stopped) return await stop(sent);
      await touchMatterSynced(deps.sql, firmId, matterId);

      const documents = mergeDocumentCounts(uploadedBefore, sent);
      const status = documents.failed > 0 ? 'partial' : 'succeeded';
      const firstFailure = sent.failures[0];
      const progress = recorder.snapshot();
      await progressWrites;
      await finishRun(deps.sql, firmId, runId, {
        status,
        ...progress,
        counts: documents,
        errorCode: firstFailure?.code ?? null,
        errorMessage: firstFailure ? describeDocumentFailures(sent.failures, documents.uploaded + documents.skipped + documents.failed) : null,
      });
      deps.log('matter_synced', { firmId, matterId, runId, status, apiCalls: progress.apiCalls, ...documents });
      const items = sent.items.map((item) => (item.status === 'skipped' && sentEarlier.has(item.documentId) ? { ...item, status: 'uploaded' as const } : item));
      return { runId, status, contact, matter, counts: documents, documents: items, apiCalls: progress.apiCalls };
    } catch (err) {
      const appError = err instanceof AppError
        ? err
        : new AppError({ code: 'internal_error', status: 500, message: 'The sync failed unexpectedly', cause: err });
      const progress = recorder.snapshot();
      await progressWrites;
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

/**
 * A run's document counts across its attempts. Each attempt lists every approved document: the ones an
 * earlier attempt of this run uploaded are linked by then and count as skipped, so they move back to
 * uploaded. Failures are the last attempt's: it tried again every document an earlier one could not send.
 */
export function mergeDocumentCounts(uploadedBefore: number, attempt: DocumentCounts): DocumentCounts {
  return {
    uploaded: uploadedBefore + attempt.uploaded,
    skipped: Math.max(0, attempt.skipped - uploadedBefore),
    failed: attempt.failed,
  };
}
