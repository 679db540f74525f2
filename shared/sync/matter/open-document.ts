// A document's bytes from Supabase Storage as a stream with its length, for the pre-signed upload
// (DESIGN §3: never buffered whole). The service reads with the secret key; the path comes from the
// document row, whose first segment the database pins to the row's own firm.
import { AppError } from '../../errors.ts';

export type DocumentStream = { body: ReadableStream<Uint8Array>; contentLength: number };

export function createStorageReader(deps: {
  supabaseUrl: string;
  secretKey: string;
  /**
   * The buckets documents live in. The service reads with the secret key, which opens every bucket, and
   * members write `documents.storage_bucket`: a row naming another bucket (another feature's private
   * files) must not make the sync copy that object to Smokeball.
   */
  buckets: string[];
  fetch?: typeof fetch;
}) {
  const doFetch = deps.fetch ?? fetch;
  return async function openDocument(doc: { storageBucket: string; storagePath: string }): Promise<DocumentStream> {
    if (!deps.buckets.includes(doc.storageBucket)) {
      throw new AppError({
        code: 'document_unavailable',
        status: 403,
        message: `The document is stored outside the document bucket${deps.buckets.length > 1 ? 's' : ''} (${deps.buckets.join(', ')}) and is not synced`,
      });
    }
    const path = doc.storagePath.split('/').map(encodeURIComponent).join('/');
    let response: Response;
    try {
      response = await doFetch(`${deps.supabaseUrl}/storage/v1/object/authenticated/${encodeURIComponent(doc.storageBucket)}/${path}`, {
        headers: { apikey: deps.secretKey, authorization: `Bearer ${deps.secretKey}` },
      });
    } catch (err) {
      throw new AppError({ code: 'document_unavailable', status: 502, message: 'The document could not be read from storage', cause: err });
    }
    const length = Number(response.headers.get('content-length'));
    if (!response.ok || !response.body || !Number.isSafeInteger(length) || length < 0) {
      await response.body?.cancel().catch(() => undefined);
      throw new AppError({
        code: 'document_unavailable',
        status: response.status === 404 ? 404 : 502,
        message: response.status === 404 ? 'The document file is missing from storage' : 'The document could not be read from storage',
      });
    }
    return { body: response.body, contentLength: length };
  };
}
export type OpenDocument = ReturnType<typeof createStorageReader>;
