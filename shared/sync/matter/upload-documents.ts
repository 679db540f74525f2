// Documents: each approved document without a file id is created in the matter's files and
// its bytes streamed from Storage to the pre-signed URL with their Content-Length. One document to create
// uses the single call; several get their files in one bulk call per chunk (create-files-in-bulk.ts), one
// request instead of one per document. Each file id is stored as soon as its upload completes, so a retry
// uploads only what is missing; one failed document leaves the others done. A document whose
// create-started mark is set may already be in Smokeball (an attempt died before storing the id, a create
// failed ambiguously, or a bulk call's uploads were cut short): it is looked up by the casehugDocumentId
// it was created with, and linked, or uploaded to its existing file with a fresh URL, never created twice.
// Each document's outcome is also returned as an item, the per-document result sync-matter answers.
import type { DocumentResult } from '../../api/functions.ts';
import { helpFor } from '../../error-help.ts';
import { AppError, type ErrorCode } from '../../errors.ts';
import { markDocumentCreateStarted, saveFileLink, type DocumentToSync } from '../../db/matter-sync.ts';
import type { LogFields } from '../../log.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import { SmokeballHttpError } from '../../smokeball/errors.ts';
import type { UploadFileInfo } from '../../smokeball/schemas/file.ts';
import { lookupThroughConsistencyWindow, sendMarkedCreate } from './consistency.ts';
import { BULK_CHUNK_SIZE, chunked, createFilesInBulk } from './create-files-in-bulk.ts';
import type { OpenDocument } from './storage-reader.ts';
import type { SyncStepDeps } from './run-recorder.ts';
import type { RunStepOutcome } from '../../api/sync-history.ts';

export type DocumentCounts = { uploaded: number; skipped: number; failed: number };
export type { DocumentResult };

export type UploadDocumentsDeps = SyncStepDeps & {
  openDocument: OpenDocument;
  log(event: string, fields?: LogFields): void;
  /** Asked before each document to send: true stops there, the rest left for the sync's continuation. */
  shouldStop?(): boolean;
  /** See FINISH_CHUNK_MAX_BYTES; tests set 0 to stop between any two uploads. */
  finishChunkMaxBytes?: number;
};

/**
 * Once a bulk call has created a chunk's files, its remaining uploads are finished before the sync stops
 * at a checkpoint when they are this small in all (by the documents' recorded sizes): a document left
 * behind would cost its continuation a listing of the matter's files and a fresh upload URL, two requests
 * on the shared limit, to save well under a second of upload. Larger remainders stop as before, so one
 * worker call still overruns its budget by about one document's upload at most.
 */
export const FINISH_CHUNK_MAX_BYTES = 64 * 2 ** 20;

export const DOCUMENT_ID_KEY = 'casehugDocumentId';

/** A document that did not reach Smokeball, and why (the message is safe to show a firm admin). */
export type DocumentFailure = { documentId: string; fileName: string; code: ErrorCode; message: string };

/** How many file names a run's error message lists before "and N more". */
const NAMED_FAILURES = 3;

/**
 * The sync history's message for a run whose documents partly failed: which documents (by file name, as
 * the firm knows them), how many of how many, and the first reason, so an admin knows what to fix.
 */
export function describeDocumentFailures(failures: readonly DocumentFailure[], total: number): string {
  const names = failures.slice(0, NAMED_FAILURES).map((f) => `'${f.fileName}'`).join(', ');
  const more = failures.length > NAMED_FAILURES ? ` and ${failures.length - NAMED_FAILURES} more` : '';
  const reasons = new Set(failures.map((f) => f.message));
  const reason = reasons.size === 1 ? failures[0].message : `${failures[0].message} (first of several reasons)`;
  return `${failures.length} of ${total} approved documents were not sent to Smokeball (${names}${more}): ${reason}`;
}

export async function uploadApprovedDocuments(
  deps: UploadDocumentsDeps,
  firmId: string,
  smokeballMatterId: string,
  documents: DocumentToSync[],
): Promise<DocumentCounts & { failures: DocumentFailure[]; items: DocumentResult[]; stopped: boolean }> {
  const counts = { uploaded: 0, skipped: 0, failed: 0 };
  // By document id; returned in the order of `documents` (bulk creation finishes them out of order).
  const items = new Map<string, DocumentResult>();
  const done = (doc: DocumentToSync, status: 'uploaded' | 'skipped', smokeballFileId: string) => {
    counts[status]++;
    items.set(doc.id, { documentId: doc.id, fileName: doc.fileName, status, smokeballFileId });
  };
  let stopped = false;
  const failures: DocumentFailure[] = [];
  // Once stopped, the documents already in Smokeball are still counted, so the counts cover them all.
  const shouldStop = () => (stopped ||= deps.shouldStop?.() ?? false);
  const fail = (doc: DocumentToSync, err: unknown) => {
    const e = err instanceof AppError ? err : undefined;
    counts.failed++;
    const failure = {
      documentId: doc.id,
      fileName: doc.fileName,
      code: e?.code ?? 'internal_error',
      message: e?.message ?? 'The document could not be uploaded',
    };
    failures.push(failure);
    items.set(doc.id, {
      documentId: doc.id,
      fileName: doc.fileName,
      status: 'failed',
      smokeballFileId: null,
      error: { code: failure.code, message: failure.message, help: helpFor(failure.code) },
    });
    deps.recorder.step('document', 'failed', `${doc.id}: ${e?.code ?? 'internal_error'}`);
    deps.log('document_upload_failed', { firmId, documentId: doc.id, errorCode: e?.code ?? 'internal_error' });
    // A lost connection or revoked grant fails every other document the same way: stop here.
    if (e && (e.code === 'smokeball_reauth_required' || e.code === 'not_connected')) throw err;
  };
  const uploaded = async (doc: DocumentToSync, fileId: string, outcome: RunStepOutcome<'document'>) => {
    await saveFileLink(deps.sql, firmId, doc.id, fileId);
    deps.recorder.step('document', outcome, doc.id);
    done(doc, 'uploaded', fileId);
  };

  const pending = documents.filter((doc) => !doc.smokeballFileId);
  for (const doc of documents) if (doc.smokeballFileId) done(doc, 'skipped', doc.smokeballFileId);

  // Documents an earlier attempt may have created in Smokeball (create-started mark set, no file id):
  // one listing of the matter's files serves them all, repeated through the consistency window until
  // every one of them is found or the youngest mark is older than the window.
  const marked = pending.filter((doc) => doc.createStartedAgeMs !== null);
  let earlier: { files: Map<string, ExistingFile> } | { error: unknown } | undefined;
  if (marked.length > 0 && !shouldStop()) {
    try {
      earlier = { files: await findEarlierFiles(deps, smokeballMatterId, marked) };
    } catch (err) {
      earlier = { error: err };
    }
  }

  const toCreate: DocumentToSync[] = [];
  for (const doc of pending) {
    if (doc.createStartedAgeMs === null) {
      toCreate.push(doc);
      continue;
    }
    // Checkpoints: before each document sent on its own, before each bulk call, before each upload after it.
    if (shouldStop()) break;
    try {
      if (earlier && 'error' in earlier) throw earlier.error;
      const found = earlier?.files.get(doc.id);
      if (!found) {
        toCreate.push(doc);
      } else if (found.isUploaded) {
        await uploaded(doc, found.fileId, 'linked');
      } else {
        // The record exists but its bytes never arrived (the attempt died mid-upload, or a bulk call's
        // uploads were cut short): upload to that record with a fresh URL instead of creating a second one.
        await uploadWithFreshUrl(deps, smokeballMatterId, doc, found.fileId);
        await uploaded(doc, found.fileId, 'resumed');
      }
    } catch (err) {
      fail(doc, err);
    }
  }

  // One document: the single call, as a document approved on its own is sent.
  const createOne = async (doc: DocumentToSync) => {
    try {
      const source = await deps.openDocument(doc);
      await markDocumentCreateStarted(deps.sql, firmId, doc.id);
      let info;
      try {
        ({ data: info } = await sendMarkedCreate(deps.sql, { table: 'documents', firmId, id: doc.id }, () =>
          deps.client.files.create(smokeballMatterId, { fileName: doc.fileName, fileAdditionalData: { [DOCUMENT_ID_KEY]: doc.id } })));
      } catch (err) {
        await source.body.cancel().catch(() => undefined);
        throw err;
      }
      await deps.client.files.upload({ uploadUrl: info.uploadUrl, body: source.body, contentLength: source.contentLength });
      await uploaded(doc, info.fileId, 'uploaded');
    } catch (err) {
      fail(doc, err);
    }
  };

  if (toCreate.length === 1 && !shouldStop()) await createOne(toCreate[0]);
  else if (toCreate.length > 1) {
    // Several: their files in one bulk call per chunk, then each document streamed to its own URL. A
    // document whose upload fails (or that is not reached because the sync stops) keeps its mark, and
    // the next attempt finds its file by the marker and uploads to it with a fresh URL.
    for (const chunk of chunked(toCreate, BULK_CHUNK_SIZE)) {
      if (shouldStop()) break;
      // Each document is opened (and closed again) before the call, so one that cannot be read (missing,
      // too large, outside the document bucket) fails alone and creates nothing in Smokeball. The streams
      // are not held across the chunk's uploads: a read left idle for minutes may be cut by Storage.
      const readable: DocumentToSync[] = [];
      for (const doc of chunk) {
        try {
          const probe = await deps.openDocument(doc);
          await probe.body.cancel().catch(() => undefined);
          readable.push(doc);
        } catch (err) {
          fail(doc, err);
        }
      }
      if (readable.length === 1) await createOne(readable[0]);
      if (readable.length <= 1) continue;
      let infos: UploadFileInfo[];
      try {
        infos = await createFilesInBulk(deps, firmId, smokeballMatterId, readable, DOCUMENT_ID_KEY);
      } catch (err) {
        for (const doc of readable) fail(doc, err);
        continue;
      }
      deps.recorder.step('documents', 'bulk_created', `${readable.length} files`);
      const finishWithin = deps.finishChunkMaxBytes ?? FINISH_CHUNK_MAX_BYTES;
      for (const [i, doc] of readable.entries()) {
        const remainingBytes = readable.slice(i).reduce((sum, d) => sum + d.sizeBytes, 0);
        if (remainingBytes > finishWithin && shouldStop()) break;
        try {
          const info = infos[i];
          if (expiresWithin(info.expiry, deps.now(), URL_EXPIRY_MARGIN_MS)) {
            await uploadWithFreshUrl(deps, smokeballMatterId, doc, info.fileId);
          } else {
            const source = await deps.openDocument(doc);
            await deps.client.files.upload({ uploadUrl: info.uploadUrl, body: source.body, contentLength: source.contentLength });
          }
          await uploaded(doc, info.fileId, 'uploaded');
        } catch (err) {
          fail(doc, err);
        }
      }
    }
  }
  const results = documents.flatMap((doc) => items.get(doc.id) ?? []);
  return { ...counts, failures, items: results, stopped };
}

/** A pre-signed URL this close to its expiry is replaced before use: a large upload must finish in time. */
const URL_EXPIRY_MARGIN_MS = 5 * 60_000;

/** Whether an `expiry` (ISO date, or absent when Smokeball gives none) falls within `marginMs` of now. */
export function expiresWithin(expiry: string | null | undefined, nowMs: number, marginMs: number): boolean {
  if (!expiry) return false;
  const at = Date.parse(expiry);
  return Number.isFinite(at) && at - nowMs < marginMs;
}

/** Streams the document to an existing file record through a fresh upload URL (`GET …/files/{id}/upload`). */
async function uploadWithFreshUrl(deps: UploadDocumentsDeps, smokeballMatterId: string, doc: DocumentToSync, fileId: string): Promise<void> {
  const source = await deps.openDocument(doc);
  const { data: info } = await deps.client.files.uploadInfo(smokeballMatterId, fileId).catch(async (err) => {
    await source.body.cancel().catch(() => undefined);
    throw err;
  });
  await deps.client.files.upload({ uploadUrl: info.uploadUrl, body: source.body, contentLength: source.contentLength });
}

/**
 * The matter's files created for `marked` documents, by document id, looked up through the consistency
 * window (counted from the youngest mark, by the database clock that set it). Returns the last listing
 * even when some are still missing: those were never created and are created now.
 */
async function findEarlierFiles(
  deps: UploadDocumentsDeps,
  smokeballMatterId: string,
  marked: DocumentToSync[],
): Promise<Map<string, ExistingFile>> {
  let latest = new Map<string, ExistingFile>();
  const youngestMarkMs = Math.min(...marked.map((doc) => doc.createStartedAgeMs ?? 0));
  await lookupThroughConsistencyWindow(deps, youngestMarkMs, async () => {
    try {
      latest = await listFilesByDocument(deps.client, smokeballMatterId);
    } catch (err) {
      // A matter created moments ago answers 404 (or 403, which GetFiles documents instead) until it is
      // visible (docs/smokeball.md §8): nothing is found yet, so keep looking through the window rather
      // than failing the documents.
      if (err instanceof SmokeballHttpError && (err.upstreamStatus === 404 || err.upstreamStatus === 403)) return undefined;
      throw err;
    }
    return marked.every((doc) => latest.has(doc.id)) ? latest : undefined;
  });
  return latest;
}

type ExistingFile = { fileId: string; isUploaded: boolean };

/** casehugDocumentId → the matter's file created for it (an uploaded one preferred over an empty one). */
async function listFilesByDocument(client: SmokeballClient, matterId: string): Promise<Map<string, ExistingFile>> {
  const byDocument = new Map<string, ExistingFile>();
  for await (const file of client.files.list(matterId)) {
    // Metadata values may be any JSON (docs/smokeball.md §4); ours is always a string.
    const documentId = file.additionalData?.[DOCUMENT_ID_KEY];
    if (typeof documentId !== 'string' || !documentId || file.isDeleted || file.isCancelled) continue;
    if (!byDocument.get(documentId)?.isUploaded) byDocument.set(documentId, { fileId: file.id, isUploaded: file.isUploaded === true });
  }
  return byDocument;
}
