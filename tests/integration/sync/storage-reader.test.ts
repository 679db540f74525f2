// The Storage reader against the local Storage (dev/storage), which, like a compressing proxy in front of
// Storage, answers gzip without a Content-Length to a client that accepts gzip: the reader asks for
// `identity` and gets the exact length; an answer without a length, and a document above the configured
// limit, are refused by name before a byte is streamed.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, inject, test } from 'vitest';
import { createStorageReader } from '../../../shared/sync/matter/storage-reader.ts';

const MiB = 2 ** 20;
const storage = () => `${inject('gatewayUrl')}/storage/v1`;

/** Stores `bytes` at a fresh path (with a local Storage fault if given); returns the path. */
async function store(bytes: Uint8Array, fault?: string): Promise<string> {
  const path = `reader-test/${randomUUID()}/document.txt`;
  const res = await fetch(`${storage()}/object/documents/${path}`, {
    method: 'POST',
    headers: { apikey: inject('secretKey'), 'content-type': 'text/plain', ...(fault ? { 'x-local-fault': fault } : {}) },
    body: Buffer.from(bytes),
  });
  if (!res.ok) throw new Error(`storage upload failed: ${res.status}`);
  return path;
}

/** Records whether the reader cancelled (or read to the end) the body it was handed. */
function readerWithBodies(maxDocumentBytes = 64 * MiB) {
  const bodies: Response[] = [];
  const openDocument = createStorageReader({
    supabaseUrl: inject('gatewayUrl'),
    secretKey: inject('secretKey'),
    maxDocumentBytes,
    buckets: ['documents'],
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      bodies.push(response);
      return response;
    },
  });
  return { openDocument, bodies };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('createStorageReader() against the local Storage', () => {
  test('asks for identity and gets the exact byte count and bytes of a compressible document', async () => {
    // Text compresses well: a gzip answer would carry far fewer bytes than the document has.
    const bytes = new TextEncoder().encode('Retainer agreement. '.repeat(20_000));
    const path = await store(bytes);
    const { openDocument } = readerWithBodies();
    const doc = await openDocument({ storageBucket: 'documents', storagePath: path });
    expect(doc.contentLength).toBe(bytes.byteLength);
    expect(sha256(new Uint8Array(await new Response(doc.body).arrayBuffer()))).toBe(sha256(bytes));
  });

  test('an answer without Content-Length is refused as document_size_unknown, not read as 0 bytes, and its body is released', async () => {
    const path = await store(randomBytes(10_000), 'no-content-length');
    const { openDocument, bodies } = readerWithBodies();
    await expect(openDocument({ storageBucket: 'documents', storagePath: path })).rejects.toMatchObject({
      code: 'document_size_unknown',
      status: 502,
      message: 'Storage did not give the exact size of the document (no usable Content-Length), so it cannot be uploaded',
    });
    expect(bodies[0].headers.get('content-length')).toBeNull();
    expect(bodies[0].bodyUsed).toBe(true);
  });

  test('a document above maxDocumentBytes is refused as document_too_large before it is streamed; one at the limit opens', async () => {
    const path = await store(randomBytes(MiB + 1));
    const { openDocument, bodies } = readerWithBodies(MiB);
    await expect(openDocument({ storageBucket: 'documents', storagePath: path })).rejects.toMatchObject({
      code: 'document_too_large',
      message: expect.stringMatching(/^The document is .+ MiB, above the 1 MiB a sync can stream within its time and CPU limits$/),
    });
    expect(bodies[0].bodyUsed).toBe(true);

    const atLimit = await store(randomBytes(MiB));
    const doc = await readerWithBodies(MiB).openDocument({ storageBucket: 'documents', storagePath: atLimit });
    expect(doc.contentLength).toBe(MiB);
    await doc.body.cancel();
  });
});
