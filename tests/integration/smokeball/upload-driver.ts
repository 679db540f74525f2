// Runs one upload with shared/smokeball/upload.ts in whatever runtime starts this file (Node through tsx,
// or Deno: the local stack's and the Edge Runtime's), so the same upload is tried on each runtime's
// node:http(s). Argument: the plan as JSON. Prints one JSON line with the outcome, then exits.
import process from 'node:process';
import { uploadToPresignedUrl } from '../../../shared/smokeball/upload.ts';

export type UploadPlan = {
  url: string;
  idleTimeoutMs: number;
  /** The body: `chunks` chunks of `chunkBytes`, one every `chunkEveryMs` (0: as fast as read). */
  chunkBytes: number;
  chunks: number;
  chunkEveryMs: number;
  /** The source stops producing (without ending) after this many chunks. */
  stallAfterChunks?: number;
};

export type UploadOutcome = {
  ok: boolean;
  status?: number;
  code?: string;
  message?: string;
  elapsedMs: number;
  /** The upload cancelled its source (as it must when it gives up, to release the Storage download). */
  sourceCancelled: boolean;
};

const plan = JSON.parse(process.argv[2]) as UploadPlan;
let sourceCancelled = false;
let produced = 0;
const total = plan.chunkBytes * plan.chunks;
const stallAt = plan.stallAfterChunks === undefined ? Infinity : plan.stallAfterChunks * plan.chunkBytes;
let release: (() => void) | undefined;

const body = new ReadableStream<Uint8Array>({
  async pull(controller) {
    if (produced >= total) return controller.close();
    if (produced >= stallAt) return new Promise<void>((resolve) => (release = resolve));
    if (plan.chunkEveryMs > 0) await new Promise((resolve) => setTimeout(resolve, plan.chunkEveryMs));
    const chunk = new Uint8Array(plan.chunkBytes);
    // Byte i of the body is (i * 31) % 251, so the receiver can check every byte by its sha256.
    for (let i = 0; i < chunk.length; i++) chunk[i] = ((produced + i) * 31) % 251;
    produced += chunk.length;
    controller.enqueue(chunk);
  },
  cancel() {
    sourceCancelled = true;
    release?.();
  },
});

const started = performance.now();
let outcome: UploadOutcome;
try {
  const { status } = await uploadToPresignedUrl({ uploadUrl: plan.url, body, contentLength: total, idleTimeoutMs: plan.idleTimeoutMs });
  outcome = { ok: true, status, elapsedMs: performance.now() - started, sourceCancelled };
} catch (err) {
  const e = err as { code?: string; message?: string };
  outcome = { ok: false, code: e.code, message: e.message, elapsedMs: performance.now() - started, sourceCancelled };
}
process.stdout.write(`${JSON.stringify(outcome)}\n`);
process.exit(0);
