// Benchmark scenario "large-document": one 1 GiB approved document (quick: 32 MiB) synced
// by `sync-matter` (the Deno function process streams it from Storage to the simulator's pre-signed S3
// URL). Reports the function process's peak RSS above its idle RSS (idle = after a warm-up sync of a
// small document on the same matter; peak = the highest VmRSS polled during the sync, or VmHWM when it
// rose during the sync) and the sync's MB/s against a plain loopback copy of the same bytes (a Node
// stream: file → http PUT → a sink that hashes). The simulator's stored sha256 must equal the source's.
// It also reports the CPU the function process spent on the sync (utime + stime from /proc/<pid>/stat,
// all threads, before and after) per MiB streamed, and from it and the throughput the largest document
// that fits an Edge Function request's limits: 2 s of CPU, and a wall clock of 150 s (Free) or 400 s
// (paid plans). The main thread's share (the JavaScript isolate's thread) is reported beside it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  createConnectedFirm,
  createDocument,
  createMatter,
  insertDocumentRow,
  round,
  storageRoot,
  syncMatterNow,
  type BenchContext,
} from '../lib/bench-stack.ts';

const SIZE_BYTES = { full: 2 ** 30, quick: 32 * 2 ** 20 } as const;
const CHUNK_BYTES = 2 ** 20;
const RSS_POLL_MS = 20;
/** Longer than the simulator's largest visibility delay (600 ms by default), with room for a loaded machine. */
const SIM_VISIBILITY_WAIT_MS = 10_000;
const MiB = 2 ** 20;
/** An Edge Function request's limits (Supabase's Edge Functions limits page). */
const EDGE_CPU_MS_PER_REQUEST = 2000;
const EDGE_WALL_CLOCK_S = { free: 150, paid: 400 } as const;

export type LargeDocumentResult = {
  name: 'large-document';
  sizeMiB: number;
  /** MB here are MiB (2^20 bytes). */
  idleRssMb: number;
  peakRssMb: number;
  rssGrowthMb: number;
  rssSamples: number;
  syncMs: number;
  syncMBps: number;
  baselineMs: number;
  baselineMBps: number;
  /** syncMBps ÷ baselineMBps. */
  throughputRatio: number;
  sha256Matches: boolean;
  /** CPU time of the function process (all threads) during the sync, and per MiB of the document. */
  cpuMs: number;
  cpuMsPerMiB: number;
  /** The same for the process's main thread only (where the isolate runs). */
  mainThreadCpuMs: number;
  /**
   * The largest document (MiB) one request can stream: by CPU (2 s at cpuMsPerMiB; same on every plan)
   * and by wall clock at syncMBps, and the smaller of the two per plan.
   */
  maxDocumentMiB: { byCpu: number; byWallClockFree: number; byWallClockPaid: number; free: number; paid: number };
};

export async function runLargeDocumentScenario(ctx: BenchContext): Promise<LargeDocumentResult> {
  const sizeBytes = ctx.quick ? SIZE_BYTES.quick : SIZE_BYTES.full;
  const firm = await createConnectedFirm(ctx, 'large', { autoSync: false });
  const { matterId } = await createMatter(ctx, firm.id, 0);
  // Warm-up: the function's modules, pools and client are loaded, the contact and matter exist.
  await createDocument(ctx, firm.id, matterId, { status: 'approved', sizeBytes: 64 * 1024 });
  await syncMatterNow(ctx, firm, matterId);

  const documentId = randomUUID();
  const fileName = 'large-document.bin';
  const storagePath = `${firm.id}/${matterId}/${fileName}`;
  const file = join(storageRoot(ctx), 'documents', ...storagePath.split('/'));
  ctx.log(`large-document: writing ${sizeBytes / MiB} MiB`);
  const sha256 = await writeStorageObject(file, sizeBytes, 'application/octet-stream');
  try {
    const baseline = await loopbackCopy(file, sizeBytes, sha256);
    await insertDocumentRow(ctx, { id: documentId, firmId: firm.id, matterId, fileName, storagePath, sizeBytes, status: 'approved', contentType: 'application/octet-stream' });

    const pid = ctx.stack.functions.get('sync-matter')?.process.pid;
    if (!pid) throw new Error('the sync-matter function process is not running');
    const before = await readMemory(pid);
    const cpuBefore = await readCpu(pid);
    let peakPolledKb = before.rssKb;
    let samples = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const m = await readMemory(pid);
        peakPolledKb = Math.max(peakPolledKb, m.rssKb);
        samples++;
        await new Promise((resolve) => setTimeout(resolve, RSS_POLL_MS));
      }
    })();
    const started = performance.now();
    let run: Record<string, unknown>;
    try {
      run = await syncMatterNow(ctx, firm, matterId);
    } finally {
      polling = false;
      await poller;
    }
    const syncMs = performance.now() - started;
    const cpuAfter = await readCpu(pid);
    const after = await readMemory(pid);
    const uploaded = (run.counts as { uploaded: number }).uploaded;
    if (uploaded !== 1) throw new Error(`the sync uploaded ${uploaded} documents, expected 1`);
    // VmHWM is the peak since the process started: it speaks for this sync only if it rose during it.
    const peakKb = Math.max(peakPolledKb, after.hwmKb > before.hwmKb ? after.hwmKb : 0);

    // The simulator shows a file once its write is visible (its random visibility delay): poll, bounded.
    const findSimFile = async () =>
      (await ctx.sim.state(firm.username)).accounts[0].files.find(
        (f) => (f.additionalData as Record<string, unknown> | undefined)?.casehugDocumentId === documentId,
      );
    let simFile = await findSimFile();
    for (const deadline = Date.now() + SIM_VISIBILITY_WAIT_MS; !simFile?.isUploaded && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, RSS_POLL_MS));
      simFile = await findSimFile();
    }
    const sha256Matches = simFile?.sha256 === sha256 && simFile.sizeBytes === sizeBytes && simFile.isUploaded;
    if (!sha256Matches) throw new Error(`the simulator holds ${simFile?.sizeBytes} bytes with sha256 ${simFile?.sha256}, expected ${sha256}`);

    const syncMBps = sizeBytes / MiB / (syncMs / 1000);
    const cpuMs = cpuAfter.processMs - cpuBefore.processMs;
    const cpuMsPerMiB = cpuMs / (sizeBytes / MiB);
    const byCpu = EDGE_CPU_MS_PER_REQUEST / cpuMsPerMiB;
    const byWallClockFree = syncMBps * EDGE_WALL_CLOCK_S.free;
    const byWallClockPaid = syncMBps * EDGE_WALL_CLOCK_S.paid;
    return {
      name: 'large-document',
      sizeMiB: sizeBytes / MiB,
      idleRssMb: round(before.rssKb / 1024, 1),
      peakRssMb: round(peakKb / 1024, 1),
      rssGrowthMb: round((peakKb - before.rssKb) / 1024, 1),
      rssSamples: samples,
      syncMs: Math.round(syncMs),
      syncMBps: round(syncMBps, 1),
      baselineMs: Math.round(baseline.ms),
      baselineMBps: round(baseline.mbps, 1),
      throughputRatio: round(syncMBps / baseline.mbps, 2),
      sha256Matches,
      cpuMs: Math.round(cpuMs),
      cpuMsPerMiB: round(cpuMsPerMiB, 2),
      mainThreadCpuMs: Math.round(cpuAfter.mainThreadMs - cpuBefore.mainThreadMs),
      maxDocumentMiB: {
        byCpu: Math.floor(byCpu),
        byWallClockFree: Math.floor(byWallClockFree),
        byWallClockPaid: Math.floor(byWallClockPaid),
        free: Math.floor(Math.min(byCpu, byWallClockFree)),
        paid: Math.floor(Math.min(byCpu, byWallClockPaid)),
      },
    };
  } finally {
    await rm(file, { force: true });
  }
}

/**
 * Writes `size` bytes (a random 1 MiB block, each chunk stamped with its index so no two chunks repeat)
 * to the Storage folder by streaming, hashing as it goes, and writes the `.meta.json` sidecar the local
 * Storage serves (dev/storage/server.ts) — never holding the object in memory.
 */
async function writeStorageObject(file: string, size: number, contentType: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  const block = randomBytes(CHUNK_BYTES);
  const hash = createHash('sha256');
  async function* chunks() {
    for (let offset = 0, i = 0; offset < size; offset += CHUNK_BYTES, i++) {
      const chunk = Buffer.from(block.subarray(0, Math.min(CHUNK_BYTES, size - offset)));
      chunk.writeUInt32BE(i, 0);
      hash.update(chunk);
      yield chunk;
    }
  }
  await pipeline(chunks(), createWriteStream(file));
  const sha256 = hash.digest('hex');
  await writeFile(`${file}.meta.json`, JSON.stringify({ contentType, size, sha256, updatedAt: new Date().toISOString() }));
  return sha256;
}

/** The same bytes, file → http PUT with Content-Length → a loopback sink that hashes: the plain-copy baseline. */
async function loopbackCopy(file: string, size: number, expectedSha256: string): Promise<{ ms: number; mbps: number }> {
  let received: { bytes: number; sha256: string } | undefined;
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    req.on('end', () => {
      received = { bytes, sha256: hash.digest('hex') };
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'PUT', path: '/sink', headers: { 'content-length': String(size) } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      pipeline(createReadStream(file), req).catch(reject);
    });
    const ms = performance.now() - started;
    if (received?.bytes !== size || received.sha256 !== expectedSha256) throw new Error('the loopback copy did not deliver the same bytes');
    return { ms, mbps: size / MiB / (ms / 1000) };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const CLOCK_TICKS_PER_S = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (ms) of a process, all threads including exited ones (utime + stime of /proc/<pid>/stat, in
 * clock ticks), and of its main thread (/proc/<pid>/task/<pid>/schedstat, in ns). The process must be the
 * Deno binary itself, not a wrapper that starts it.
 */
async function readCpu(pid: number): Promise<{ processMs: number; mainThreadMs: number }> {
  const comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  if (comm !== 'deno') throw new Error(`process ${pid} is ${comm}, not deno: its CPU time would not be the function's`);
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const schedstat = await readFile(`/proc/${pid}/task/${pid}/schedstat`, 'utf8');
  return { processMs: (ticks * 1000) / CLOCK_TICKS_PER_S, mainThreadMs: Number(schedstat.split(' ')[0]) / 1e6 };
}

/** VmRSS and VmHWM (kB) of a process, from /proc (Linux). */
async function readMemory(pid: number): Promise<{ rssKb: number; hwmKb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`no ${name} in /proc/${pid}/status`);
    return Number(m[1]);
  };
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}
