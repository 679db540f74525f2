import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { SmokeballUploadError } from '../../../shared/smokeball/errors.ts';
import { uploadToPresignedUrl } from '../../../shared/smokeball/upload.ts';

type Seen = { method?: string; url?: string; headers: IncomingHttpHeaders; rawHeaders: string[]; bytes: number; sha256: string };
const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

/** A local stand-in for S3 that records what it received and answers `status`. */
async function storage(status = 200) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders, bytes, sha256: hash.digest('hex') });
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(status === 200 ? '' : '<Error><Code>AccessDenied</Code></Error>');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bucket/key?Signature=abc`, seen };
}

/** A deterministic generated body, streamed in chunks, with its sha256. */
function generatedBody(totalBytes: number, chunkBytes = 64 * 1024) {
  const hash = createHash('sha256');
  let produced = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (produced >= totalBytes) return controller.close();
      const size = Math.min(chunkBytes, totalBytes - produced);
      const chunk = new Uint8Array(size);
      for (let i = 0; i < size; i++) chunk[i] = (produced + i) * 31 % 256;
      produced += size;
      hash.update(chunk);
      controller.enqueue(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

describe('uploadToPresignedUrl()', () => {
  test('streams the exact bytes with content-length, no chunked encoding and an empty content-type', async () => {
    const { url, seen } = await storage();
    const total = 5 * 1024 * 1024 + 123;
    const body = generatedBody(total);
    await expect(uploadToPresignedUrl({ uploadUrl: url, body: body.stream, contentLength: total })).resolves.toEqual({ status: 200 });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request.method).toBe('PUT');
    expect(request.url).toBe('/bucket/key?Signature=abc');
    expect(request.headers['content-length']).toBe(String(total));
    expect(request.headers['transfer-encoding']).toBeUndefined();
    // Present, and empty (docs/smokeball.md §4).
    expect(request.headers['content-type']).toBe('');
    expect(request.bytes).toBe(total);
    expect(request.sha256).toBe(body.sha256());
  });

  test('accepts an AsyncIterable body', async () => {
    const { url, seen } = await storage();
    async function* chunks() {
      yield new TextEncoder().encode('hello ');
      yield new TextEncoder().encode('world');
    }
    await uploadToPresignedUrl({ uploadUrl: url, body: chunks(), contentLength: 11 });
    expect(seen[0].sha256).toBe(createHash('sha256').update('hello world').digest('hex'));
  });

  test('a body shorter than contentLength fails instead of sending a wrong length', async () => {
    const { url } = await storage();
    const body = generatedBody(1000);
    await expect(uploadToPresignedUrl({ uploadUrl: url, body: body.stream, contentLength: 2000 })).rejects.toMatchObject({
      code: 'smokeball_upload_failed',
      message: 'The document is smaller than its recorded size',
    });
  });

  test('a body longer than contentLength fails', async () => {
    const { url } = await storage();
    const body = generatedBody(3000);
    await expect(uploadToPresignedUrl({ uploadUrl: url, body: body.stream, contentLength: 2000 })).rejects.toMatchObject({
      code: 'smokeball_upload_failed',
      message: 'The document is larger than its recorded size',
    });
  });

  test('a refusal by storage is a typed error with its status and no body echo', async () => {
    const { url } = await storage(403);
    const error = await uploadToPresignedUrl({ uploadUrl: url, body: generatedBody(10).stream, contentLength: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmokeballUploadError);
    expect(error).toMatchObject({ code: 'smokeball_upload_failed', upstreamStatus: 403 });
    expect((error as Error).message).not.toContain('AccessDenied');
  });
});
