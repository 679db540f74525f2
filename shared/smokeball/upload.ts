// Streams a document's bytes to the pre-signed storage URL Smokeball returned (step 2 of a file upload,
// after the file record is created). The one place shared/ uses node:http(s) instead of fetch: Deno's fetch ignores Content-Length
// on a stream body and sends it chunked, and S3 pre-signed PUTs refuse chunked bodies. `request` with an
// explicit content-length streams with that length, never buffering the body.
// Not rate limited: the URL is S3's, not the API's (Smokeball limits the API per endpoint).
//
// The idle timeout is our own timer, not `ClientRequest.setTimeout`: on the Edge Runtime's Deno (2.1.x)
// that is an `AbortSignal.timeout` started once and cleared only when the response headers arrive
// (ext/node/polyfills/http.ts), so it is a deadline for the whole upload, and any document that takes
// longer than it fails. Deno 2.8+ and Node give a socket idle timeout instead. Our timer means the same
// on every runtime: it fires only when nothing has moved for that long.
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppError } from '../errors.ts';
import { SmokeballUploadError } from './errors.ts';

/** No progress for this long fails the upload (a whole large file may take far longer, so this is an
 * idle timeout, not a total one). Progress: a chunk read from the source and accepted by the connection,
 * a drain of the connection's buffer, or response bytes. */
export const UPLOAD_IDLE_TIMEOUT_MS = 30_000;

/** S3's error bodies are small XML documents; we read at most this much (and never show it). */
const MAX_ERROR_BODY_BYTES = 4096;

export type UploadBody = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export type UploadInput = {
  uploadUrl: string;
  body: UploadBody;
  /** Exact byte count of `body`; a body that turns out shorter or longer aborts the upload. */
  contentLength: number;
  /** Overrides UPLOAD_IDLE_TIMEOUT_MS (tests use a short one). */
  idleTimeoutMs?: number;
};

export async function uploadToPresignedUrl({ uploadUrl, body, contentLength, idleTimeoutMs = UPLOAD_IDLE_TIMEOUT_MS }: UploadInput): Promise<{ status: number }> {
  if (!Number.isSafeInteger(contentLength) || contentLength < 0) throw new RangeError('contentLength must be a byte count');
  if (!(idleTimeoutMs > 0)) throw new RangeError('idleTimeoutMs must be positive');
  const url = new URL(uploadUrl);
  const send = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
  if (!send) throw new SmokeballUploadError(undefined, 'The document upload link from Smokeball is not an http(s) URL');

  const options: RequestOptions = {
    method: 'PUT',
    headers: {
      'content-length': String(contentLength),
      // Send Content-Type with an empty value: the legacy SigV2 signature of the URL covers it, so any
      // other value (or a default one added by a client) breaks the signature.
      'content-type': '',
    },
  };

  const source = openSource(body);
  const stop = new AbortController();
  return new Promise<{ status: number }>((resolve, reject) => {
    let settled = false;
    /** What the upload waits for, so an idle timeout blames the right side. */
    let waitingFor: 'source' | 'upload' = 'upload';
    const finish = (error: unknown, status?: number) => {
      if (settled) return;
      settled = true;
      watchdog.stop();
      if (error === undefined && status !== undefined) resolve({ status });
      else {
        req.destroy();
        // Releases the Storage download, and wakes the pump if it waits for a chunk or a drain.
        void source.cancel();
        stop.abort();
        reject(error);
      }
    };
    const watchdog = startIdleWatchdog(idleTimeoutMs, () =>
      finish(
        waitingFor === 'source'
          ? new AppError({ code: 'document_unavailable', status: 502, message: `Reading the document from storage made no progress for ${seconds(idleTimeoutMs)}` })
          : new SmokeballUploadError(undefined, `Uploading the document to Smokeball's storage made no progress for ${seconds(idleTimeoutMs)}`),
      ),
    );
    const req: ClientRequest = send(url, options);
    req.on('error', (error) =>
      finish(new SmokeballUploadError(undefined, "Could not upload the document to Smokeball's storage", { cause: error })),
    );
    req.on('response', (res: IncomingMessage) => {
      watchdog.touch();
      waitingFor = 'upload';
      const status = res.statusCode ?? 0;
      let seen = 0;
      res.on('data', (chunk: Uint8Array) => {
        watchdog.touch();
        seen += chunk.byteLength;
        if (seen > MAX_ERROR_BODY_BYTES) res.destroy();
      });
      res.on('error', () => {});
      const settle = () => {
        if (status >= 200 && status < 300) return finish(undefined, status);
        // 403 from a pre-signed URL is usually an expired link or a header the signature does not cover.
        const hint = status === 403 ? ' (the upload link may have expired)' : '';
        finish(new SmokeballUploadError(status, `Smokeball's storage refused the document (status ${status})${hint}`));
      };
      res.on('end', settle);
      res.on('close', settle);
    });
    pumpBody(source, req, contentLength, stop.signal, {
      progress: () => watchdog.touch(),
      waiting: (what) => (waitingFor = what),
    }).then(
      () => {
        if (!stop.signal.aborted) req.end();
      },
      (error) => finish(error instanceof AppError ? error : new SmokeballUploadError(undefined, 'Reading the document to upload failed', { cause: error })),
    );
  });
}

type Source = { next(): Promise<Uint8Array | undefined>; cancel(): Promise<void> };

/** One reader over either body kind; `cancel` also ends a pending `next` (a stalled Storage read). */
function openSource(body: UploadBody): Source {
  if ('getReader' in body) {
    const reader = body.getReader();
    return {
      async next() {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return undefined;
          if (value.byteLength > 0) return value;
        }
      },
      cancel: () => reader.cancel().catch(() => undefined),
    };
  }
  const iterator = body[Symbol.asyncIterator]();
  return {
    async next() {
      const { done, value } = await iterator.next();
      return done ? undefined : value;
    },
    cancel: async () => {
      await iterator.return?.().catch(() => undefined);
    },
  };
}

type PumpHooks = { progress(): void; waiting(what: 'source' | 'upload'): void };

/** Writes the chunks in order, waiting for 'drain' when the connection's buffer is full (backpressure). */
async function pumpBody(source: Source, req: ClientRequest, contentLength: number, stopped: AbortSignal, hooks: PumpHooks): Promise<void> {
  let sent = 0;
  for (;;) {
    hooks.waiting('source');
    const chunk = await source.next();
    hooks.waiting('upload');
    if (stopped.aborted || req.destroyed) return;
    if (!chunk) break;
    sent += chunk.byteLength;
    if (sent > contentLength) throw new SmokeballUploadError(undefined, 'The document is larger than its recorded size');
    if (req.write(chunk)) hooks.progress();
    else {
      await drained(req, stopped);
      hooks.progress();
    }
  }
  if (sent !== contentLength) throw new SmokeballUploadError(undefined, 'The document is smaller than its recorded size');
}

function drained(req: ClientRequest, stopped: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      stopped.removeEventListener('abort', done);
      resolve();
    };
    req.on('drain', done);
    // On close or stop the pump sees it and the request's own outcome settles the upload.
    req.on('close', done);
    stopped.addEventListener('abort', done);
  });
}

/**
 * Calls `onIdle` once `touch` has not been called for `idleMs`. One timer, re-armed only when it fires
 * early, so a chunk costs a clock read rather than a timer (uploads move thousands of chunks).
 */
function startIdleWatchdog(idleMs: number, onIdle: () => void) {
  let lastProgress = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const idle = performance.now() - lastProgress;
    if (idle >= idleMs) onIdle();
    else timer = setTimeout(check, idleMs - idle);
  };
  timer = setTimeout(check, idleMs);
  return {
    touch() {
      lastProgress = performance.now();
    },
    stop() {
      clearTimeout(timer);
    },
  };
}

function seconds(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
