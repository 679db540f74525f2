// A document's bytes from Supabase Storage as a stream with its length, for the pre-signed upload
// (streamed, never buffered whole). The service reads with the secret key; the path comes from the
// document row, whose first segment the database pins to the row's own firm.
//
// The length must be the exact byte count of the object: the pre-signed PUT sends it as Content-Length.
// So the read asks for `Accept-Encoding: identity` (fetch otherwise offers gzip/br, and a compressed
// answer carries the compressed length, or none at all, while fetch hands over the decoded bytes), and
// an answer without a usable Content-Length is refused by name instead of being read as 0 bytes.
import { AppError } from '../../errors.ts';

export type DocumentStream = { body: ReadableStream<Uint8Array>; contentLength: number };

export type StorageReaderDeps = {
  supabaseUrl: string;
  secretKey: string;
  /**
   * The largest document streamed (bytes): one above it is refused with `document_too_large` before any
   * Smokeball call for it, rather than being killed mid-stream by the function's CPU or wall-clock limit.
   */
  maxDocumentBytes: number;
  /**
   * The buckets documents live in. The service reads with the secret key, which opens every bucket, and
   * members write `documents.storage_bucket`: a row naming another bucket (another feature's private
   * files) must not make the sync copy that object to Smokeball.
   */
  buckets: string[];
  fetch?: typeof fetch;
};

export function createStorageReader(deps: StorageReaderDeps) {
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
        headers: { apikey: deps.secretKey, authorization: `Bearer ${deps.secretKey}`, 'accept-encoding': 'identity' },
      });
    } catch (err) {
      throw new AppError({ code: 'document_unavailable', status: 502, message: 'The document could not be read from storage', cause: err });
    }
    const refuse = async (error: AppError): Promise<never> => {
      await response.body?.cancel().catch(() => undefined);
      throw error;
    };
    if (!response.ok || !response.body) {
      return refuse(new AppError({
        code: 'document_unavailable',
        status: response.status === 404 ? 404 : 502,
        message: response.status === 404 ? 'The document file is missing from storage' : 'The document could not be read from storage',
      }));
    }
    const length = readContentLength(response.headers);
    if (length === undefined) {
      return refuse(new AppError({
        code: 'document_size_unknown',
        status: 502,
        message: 'Storage did not give the exact size of the document (no usable Content-Length), so it cannot be uploaded',
      }));
    }
    if (length > deps.maxDocumentBytes) {
      return refuse(new AppError({
        code: 'document_too_large',
        status: 413,
        message: `The document is ${describeMiB(length)}, above the ${describeMiB(deps.maxDocumentBytes)} a sync can stream within its time and CPU limits`,
      }));
    }
    return { body: response.body, contentLength: length };
  };
}
export type OpenDocument = ReturnType<typeof createStorageReader>;

/**
 * The exact byte count of an uncompressed body, or undefined: no Content-Length, one that is not a plain
 * decimal, or a Content-Encoding (then the length counts encoded bytes, not the document's).
 */
function readContentLength(headers: Headers): number | undefined {
  const encoding = headers.get('content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') return undefined;
  const raw = headers.get('content-length')?.trim();
  if (!raw || !/^\d+$/.test(raw)) return undefined;
  const length = Number(raw);
  return Number.isSafeInteger(length) ? length : undefined;
}

function describeMiB(bytes: number): string {
  const mib = bytes / 2 ** 20;
  return `${mib >= 10 ? Math.round(mib) : Math.round(mib * 10) / 10} MiB`;
}
