// Streams a document's bytes to the pre-signed storage URL Smokeball returned (reference §4 step 2).
// The one place shared/ uses node:http(s) instead of fetch (DESIGN §3 "Streaming uploads"): Deno's fetch
// ignores Content-Length on a stream body and sends it chunked, and S3 pre-signed PUTs refuse chunked
// bodies. `request` with an explicit content-length streams with that length, never buffering the body.
// Not rate limited: the URL is S3's, not the API's (reference §6 limits the API per endpoint).
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SmokeballUploadError } from './errors.ts';

/** No byte moving in either direction for this long fails the upload (a whole large file may take far
 * longer, so this is an idle timeout, not a total one). */
export const UPLOAD_IDLE_TIMEOUT_MS = 30_000;

/** S3's error bodies are small XML documents; we read at most this much (and never show it). */
const MAX_ERROR_BODY_BYTES = 4096;

export type UploadBody = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export type UploadInput = {
  uploadUrl: string;
  body: UploadBody;
  /** Exact byte count of `body`; a body that turns out shorter or longer aborts the upload. */
  contentLength: number;
};

export async function uploadToPresignedUrl({ uploadUrl, body, contentLength }: UploadInput): Promise<{ status: number }> {
  if (!Number.isSafeInteger(contentLength) || contentLength < 0) throw new RangeError('contentLength must be a byte count');
  const url = new URL(uploadUrl);
  const send = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
  if (!send) throw new SmokeballUploadError(undefined, 'The document upload link from Smokeball is not an http(s) URL');

  const options: RequestOptions = {
    method: 'PUT',
    headers: {
      'content-length': String(contentLength),
      // Reference §4: send Content-Type with an empty value; the legacy SigV2 signature of the URL covers
      // it, so any other value (or a default one added by a client) breaks the signature.
      'content-type': '',
    },
  };

  return new Promise<{ status: number }>((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown, status?: number) => {
      if (settled) return;
      settled = true;
      if (error === undefined && status !== undefined) resolve({ status });
      else {
        req.destroy();
        reject(error);
      }
    };
    const req: ClientRequest = send(url, options);
    req.setTimeout(UPLOAD_IDLE_TIMEOUT_MS, () =>
      finish(new SmokeballUploadError(undefined, "Uploading the document to Smokeball's storage timed out")),
    );
    req.on('error', (error) =>
      finish(new SmokeballUploadError(undefined, "Could not upload the document to Smokeball's storage", { cause: error })),
    );
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      let seen = 0;
      res.on('data', (chunk: Uint8Array) => {
        seen += chunk.byteLength;
        if (seen > MAX_ERROR_BODY_BYTES) res.destroy();
      });
      res.on('error', () => {});
      res.on('close', () => {
        if (status >= 200 && status < 300) return finish(undefined, status);
        // 403 from a pre-signed URL is usually an expired link or a header the signature does not cover.
        const hint = status === 403 ? ' (the upload link may have expired)' : '';
        finish(new SmokeballUploadError(status, `Smokeball's storage refused the document (status ${status})${hint}`));
      });
    });
    pumpBody(body, req, contentLength).then(
      () => req.end(),
      (error) => finish(error instanceof SmokeballUploadError ? error : new SmokeballUploadError(undefined, 'Reading the document to upload failed', { cause: error })),
    );
  });
}

/** Writes the chunks in order, waiting for 'drain' when the socket buffer is full (backpressure). */
async function pumpBody(body: UploadBody, req: ClientRequest, contentLength: number): Promise<void> {
  let sent = 0;
  for await (const chunk of chunksOf(body)) {
    if (req.destroyed) return;
    sent += chunk.byteLength;
    if (sent > contentLength) throw new SmokeballUploadError(undefined, 'The document is larger than its recorded size');
    if (!req.write(chunk)) await drained(req);
  }
  if (sent !== contentLength) throw new SmokeballUploadError(undefined, 'The document is smaller than its recorded size');
}

function drained(req: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    // On close the next write sees `destroyed` and the request's own error settles the upload.
    req.on('close', done);
  });
}

async function* chunksOf(body: UploadBody): AsyncGenerator<Uint8Array> {
  if (!('getReader' in body)) {
    yield* body;
    return;
  }
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value.byteLength > 0) yield value;
    }
  } finally {
    // Cancels the source (e.g. the Storage download) when we stop early.
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
