// Several documents of one matter get their Smokeball file records in one request:
// `POST /matters/{id}/documents/files/bulk` (docs/smokeball.md §4 "Bulk": an array of AddFileDto in, an
// array of UploadFileInfo out). Every request spends a slot of a limit all firms share (5 per second per
// client id and endpoint, docs/smokeball.md §6), so one call per chunk instead of one per document is what
// makes a first sync of a matter with k documents cost 4 requests instead of 3 + k.
//
// Exactly once, as for the single call: every document of the chunk gets its create-started mark before
// the request, and every file carries the document's id in `fileAdditionalData`, so an attempt that dies
// or gets an ambiguous answer is reconciled by listing the matter's files before anything is created again
// (upload-documents.ts). The marks follow the same rules as sendMarkedCreate: kept fresh while the request
// waits, dropped when Smokeball refused outright, re-stamped after an ambiguous failure.
import type { Sql } from '../../db/sql.ts';
import { withHeartbeat } from '../../heartbeat.ts';
import { clearCreateStarted, markDocumentCreateStarted, restampCreateStarted, type DocumentToSync } from '../../db/matter-sync.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { UploadFileInfo } from '../../smokeball/schemas/file.ts';
import { createdNothing, MARK_HEARTBEAT_MS } from './consistency.ts';

/**
 * Files per bulk request. Smokeball documents no cap, so this is our own, kept small on purpose:
 * - an ambiguous failure (5xx, timeout) of one call puts every file of it in doubt, and each such document
 *   then waits out the consistency window before it can be created again; a chunk bounds that;
 * - the pre-signed URLs of a chunk are used one after another: 20 documents of up to a few hundred MiB
 *   stay well within the URLs' lifetime and one worker invocation's budget, so few are stranded when a
 *   sync yields (those resume on their files with fresh URLs);
 * - an endpoint "meant for data migrations" may well have an undocumented limit on the body; 20 small
 *   objects (a few KiB) is far below any plausible one.
 * Matters with more than 20 documents are rare; each further 20 costs one more request.
 */
export const BULK_CHUNK_SIZE = 20;

/** Splits `items` into runs of at most `size`, in order. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('chunk size must be a positive integer');
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Marks every document of `chunk`, then asks Smokeball for their files in one call; answers the upload
 * info of each document in the chunk's order. `fileAdditionalData` carries the document id, which is how
 * a later attempt recognises the file.
 */
export async function createFilesInBulk(
  deps: { sql: Sql; client: SmokeballClient },
  firmId: string,
  smokeballMatterId: string,
  chunk: readonly DocumentToSync[],
  documentIdKey: string,
): Promise<UploadFileInfo[]> {
  for (const doc of chunk) await markDocumentCreateStarted(deps.sql, firmId, doc.id);
  const each = (fn: (id: string) => Promise<void>) => Promise.all(chunk.map((doc) => fn(doc.id)));
  return await withHeartbeat(MARK_HEARTBEAT_MS, () => each((id) => restampCreateStarted(deps.sql, 'documents', firmId, id)), async () => {
    try {
      const { data } = await deps.client.files.createBulk(
        smokeballMatterId,
        chunk.map((doc) => ({ fileName: doc.fileName, fileAdditionalData: { [documentIdKey]: doc.id } })),
        // The matter may have been created moments ago (by this sync or the one before): a 404 is "not
        // visible yet", retried within the consistency window; a 404 created nothing, so that is safe.
        { justCreated: true },
      );
      return data;
    } catch (err) {
      if (createdNothing(err)) await each((id) => clearCreateStarted(deps.sql, 'documents', firmId, id));
      else await each((id) => restampCreateStarted(deps.sql, 'documents', firmId, id));
      throw err;
    }
  });
}
