// The upload's idle timeout is an idle timeout on every runtime the functions meet: Node (vitest), the
// local stack's Deno and the Edge Runtime's Deno 2.1.4, whose `ClientRequest.setTimeout` is a deadline
// for the whole request rather than an idle timer. Each case runs upload-driver.ts in a child process of
// that runtime against a local server here, with a short idle timeout so a case takes a second or two.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DENO, DENO_EDGE, DENO_NPM_FLAGS, denoEnv } from '../../../dev/deno-binaries.ts';
import type { UploadOutcome, UploadPlan } from './upload-driver.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DRIVER = fileURLToPath(new URL('./upload-driver.ts', import.meta.url));
/** Short, so a case takes seconds; eight chunk intervals of the steady upload, so machine load cannot fake a stall. */
const IDLE_MS = 800;
/** A runtime's start (Deno compiles the driver's graph) plus a case, on a busy machine. */
const CASE_TIMEOUT_MS = 60_000;


const RUNTIMES: Record<string, string[]> = {
  node: [process.execPath, '--import', 'tsx', DRIVER],
  'deno (local stack)': [DENO, 'run', ...DENO_NPM_FLAGS, '--allow-net', '--allow-env', '--allow-read', DRIVER],
  'deno 2.1.4 (Edge Runtime)': [DENO_EDGE, 'run', ...DENO_NPM_FLAGS, '--allow-net', '--allow-env', '--allow-read', DRIVER],
};

function runUpload(runtime: string, plan: UploadPlan): Promise<UploadOutcome> {
  const [command, ...args] = RUNTIMES[runtime];
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args, JSON.stringify(plan)],
      { cwd: ROOT, env: denoEnv(process.env), timeout: CASE_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop();
        if (!line) return reject(new Error(`${runtime} printed no outcome: ${error?.message ?? ''} ${stderr}`));
        resolve(JSON.parse(line) as UploadOutcome);
      },
    );
  });
}

type Received = { bytes: number; sha256: string; contentLength?: string; transferEncoding?: string };

/**
 * The stand-in for S3, by path: `/sink` reads everything and answers 200; `/silent` reads everything
 * and never answers; `/stall` never reads the body.
 */
let server: Server;
let base: string;
const received = new Map<string, Received>();
beforeAll(async () => {
  server = createServer((req, res) => {
    const [path, id] = (req.url ?? '').split('?id=');
    if (path === '/stall') return void req.pause();
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    req.on('end', () => {
      received.set(id, { bytes, sha256: hash.digest('hex'), contentLength: req.headers['content-length'], transferEncoding: req.headers['transfer-encoding'] });
      if (path === '/silent') return;
      res.writeHead(200, { 'content-type': 'application/xml' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The sha256 of the driver's body: byte i is (i * 31) % 251. */
function expectedSha256(totalBytes: number): string {
  const bytes = new Uint8Array(totalBytes);
  for (let i = 0; i < totalBytes; i++) bytes[i] = (i * 31) % 251;
  return createHash('sha256').update(bytes).digest('hex');
}

describe.each(Object.keys(RUNTIMES))('uploadToPresignedUrl() idle timeout on %s', (runtime) => {
  test('a slow but steady upload lasting five times the idle timeout completes with every byte', async () => {
    const id = crypto.randomUUID();
    // A chunk every eighth of the idle timeout, 40 chunks: by construction five idle timeouts long.
    const plan: UploadPlan = { url: `${base}/sink?id=${id}`, idleTimeoutMs: IDLE_MS, chunkBytes: 16 * 1024, chunks: 40, chunkEveryMs: IDLE_MS / 8 };
    const outcome = await runUpload(runtime, plan);
    expect(outcome).toMatchObject({ ok: true, status: 200 });
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(4 * IDLE_MS);
    const total = plan.chunkBytes * plan.chunks;
    expect(received.get(id)).toEqual({ bytes: total, sha256: expectedSha256(total), contentLength: String(total), transferEncoding: undefined });
  }, CASE_TIMEOUT_MS);

  test('storage that stops reading the body fails the upload once it has made no progress for the idle timeout', async () => {
    // More than the loopback socket buffers hold, produced as fast as it is taken.
    const plan: UploadPlan = { url: `${base}/stall?id=${crypto.randomUUID()}`, idleTimeoutMs: IDLE_MS, chunkBytes: 256 * 1024, chunks: 256, chunkEveryMs: 0 };
    const outcome = await runUpload(runtime, plan);
    expect(outcome).toMatchObject({
      ok: false,
      code: 'smokeball_upload_failed',
      message: `Uploading the document to Smokeball's storage made no progress for ${IDLE_MS} ms`,
      sourceCancelled: true,
    });
  }, CASE_TIMEOUT_MS);

  test('storage that takes the whole body and never answers fails the upload the same way', async () => {
    const id = crypto.randomUUID();
    const plan: UploadPlan = { url: `${base}/silent?id=${id}`, idleTimeoutMs: IDLE_MS, chunkBytes: 16 * 1024, chunks: 4, chunkEveryMs: 0 };
    const outcome = await runUpload(runtime, plan);
    expect(outcome).toMatchObject({ ok: false, code: 'smokeball_upload_failed', message: `Uploading the document to Smokeball's storage made no progress for ${IDLE_MS} ms` });
    expect(received.get(id)?.bytes).toBe(64 * 1024);
  }, CASE_TIMEOUT_MS);

  test('a document source that stalls mid-way fails as unreadable and is cancelled', async () => {
    const plan: UploadPlan = { url: `${base}/sink?id=${crypto.randomUUID()}`, idleTimeoutMs: IDLE_MS, chunkBytes: 16 * 1024, chunks: 8, chunkEveryMs: 0, stallAfterChunks: 3 };
    const outcome = await runUpload(runtime, plan);
    expect(outcome).toMatchObject({
      ok: false,
      code: 'document_unavailable',
      message: `Reading the document from storage made no progress for ${IDLE_MS} ms`,
      sourceCancelled: true,
    });
  }, CASE_TIMEOUT_MS);
});
