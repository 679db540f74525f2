// Documents (DESIGN §5): each approved document without a file id is created in the matter's files and
// its bytes streamed from Storage to the pre-signed URL with their Content-Length. Each file id is stored
// as soon as its upload completes, so a retry uploads only what is missing; one failed document leaves
// the others done. A document whose create-started mark is set may already be in Smokeball (the attempt
// died before storing the id): it is looked up by the casehugDocumentId it was created with.
import type { z } from 'zod';
import type { DocumentResult as DocumentResultSchema } from '../../api/functions.ts';
import { AppError, type ErrorCode } from '../../errors.ts';
import { markDocumentCreateStarted, saveFileLink, type DocumentToSync } from '../../db/matter-sync.ts';
import type { LogFields } from '../../http/log.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import { SmokeballHttpError } from '../../smokeball/errors.ts';
import { lookupThroughConsistencyWindow, sendMarkedCreate } from './consistency.ts';
import type { OpenDocument } from './open-document.ts';
import type { SyncStepDeps } from './run-recorder.ts';

export type DocumentCounts = { uploaded: number; skipped: number; failed: number };
/** One approved document's outcome in this attempt, as sync-matter answers it (shared/api `DocumentResult`). */
export type DocumentResult = z.infer<typeof DocumentResultSchema>;

export type UploadDocumentsDeps = SyncStepDeps & {
  openDocument: OpenDocument;
  log(event: string, fields?: LogFields): void;
  /** Asked before each document to send: true stops there, the rest left for the sync's continuation. */
  shouldStop?(): boolean;
};

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
  const items: DocumentResult[] = [];
  const done = (doc: DocumentToSync, status: 'uploaded' | 'skipped', smokeballFileId: string) => {
    counts[status]++;
    items.push({ documentId: doc.id, fileName: doc.fileName, status, smokeballFileId });
  };
  let stopped = false;
  const failures: DocumentFailure[] = [];
  let existingFiles: Map<string, ExistingFile> | undefined;
  const filesOfMatter = async () => (existingFiles ??= await listFilesByDocument(deps.client, smokeballMatterId));

  for (const doc of documents) {
    if (doc.smokeballFileId) {
      done(doc, 'skipped', doc.smokeballFileId);
      continue;
    }
    if (!stopped && deps.shouldStop?.()) stopped = true;
    // Once stopped, the documents already in Smokeball are still counted, so the counts cover them all.
    if (stopped) continue;
    try {
      if (doc.createStartedAgeMs !== null) {
        const found = await lookupThroughConsistencyWindow(deps, doc.createStartedAgeMs, async () => {
          existingFiles = undefined;
          try {
            return (await filesOfMatter()).get(doc.id);
          } catch (err) {
            // A matter created moments ago answers 404 until it is visible (reference §8): nothing is
            // found yet, so keep looking through the window rather than failing the document.
            if (err instanceof SmokeballHttpError && err.upstreamStatus === 404) return undefined;
            throw err;
          }
        });
        if (found?.isUploaded) {
          await saveFileLink(deps.sql, firmId, doc.id, found.fileId);
          deps.recorder.step('document', 'linked', doc.id);
          done(doc, 'uploaded', found.fileId);
          continue;
        }
        if (found) {
          // The record exists but its bytes never arrived (the attempt died mid-upload): upload to that
          // record with a fresh URL instead of creating a second one.
          const source = await deps.openDocument(doc);
          const { data: info } = await deps.client.files.uploadInfo(smokeballMatterId, found.fileId).catch(async (err) => {
            await source.body.cancel().catch(() => undefined);
            throw err;
          });
          await deps.client.files.upload({ uploadUrl: info.uploadUrl, body: source.body, contentLength: source.contentLength });
          await saveFileLink(deps.sql, firmId, doc.id, found.fileId);
          deps.recorder.step('document', 'resumed', doc.id);
          done(doc, 'uploaded', found.fileId);
          continue;
        }
      }
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
      await saveFileLink(deps.sql, firmId, doc.id, info.fileId);
      deps.recorder.step('document', 'uploaded', doc.id);
      done(doc, 'uploaded', info.fileId);
    } catch (err) {
      const e = err instanceof AppError ? err : undefined;
      counts.failed++;
      const failure = {
        documentId: doc.id,
        fileName: doc.fileName,
        code: e?.code ?? 'internal_error',
        message: e?.message ?? 'The document could not be uploaded',
      } as const;
      failures.push(failure);
      const help = (e as { help?: unknown } | undefined)?.help;
      items.push({
        documentId: doc.id,
        fileName: doc.fileName,
        status: 'failed',
        smokeballFileId: null,
        error: { code: failure.code, message: failure.message, ...(typeof help === 'string' ? { help } : {}) },
      });
      deps.recorder.step('document', 'failed', `${doc.id}: ${e?.code ?? 'internal_error'}`);
      deps.log('document_upload_failed', { firmId, documentId: doc.id, errorCode: e?.code ?? 'internal_error' });
      // A lost connection or revoked grant fails every other document the same way: stop here.
      if (e && (e.code === 'smokeball_reauth_required' || e.code === 'not_connected')) throw err;
    }
  }
  return { ...counts, failures, items, stopped };
}

type ExistingFile = { fileId: string; isUploaded: boolean };

/** casehugDocumentId → the matter's file created for it (an uploaded one preferred over an empty one). */
async function listFilesByDocument(client: SmokeballClient, matterId: string): Promise<Map<string, ExistingFile>> {
  const byDocument = new Map<string, ExistingFile>();
  for await (const file of client.files.list(matterId)) {
    const documentId = file.additionalData?.[DOCUMENT_ID_KEY];
    if (!documentId || file.isDeleted || file.isCancelled) continue;
    if (!byDocument.get(documentId)?.isUploaded) byDocument.set(documentId, { fileId: file.id, isUploaded: file.isUploaded === true });
  }
  return byDocument;
}
