// Benchmark scenario "fairness": how Smokeball's one shared limit is shared while one firm bulk-syncs.
// Firm A bulk-syncs 200 matters × 2 documents (quick: 12 × 2) with 4 sync-worker loops; meanwhile firm B
// makes 10 manual syncs of fresh matters (no documents), 3 s apart (quick: 3, 1 s apart), and firm C
// approves 10 documents (quick: 3) on matters of its own, auto-sync on, one every 3 s (quick: 1 s). B's
// same syncs are first timed on the idle system. Reports B's latency during the bulk against idle
// (p50/p95 and the ratio), C's approval → uploaded p95, the efficiency of the whole window against the
// simulator's bound for the requests it served (all three firms: the slots A got plus those B and C got),
// and the 429s. The stack's pump runs with its LISTEN wake-ups (C's approvals wake sync-worker as in
// production) and production's 30 s sweep.
import { startJobPump } from '../../dev/job-pump.ts';
import { lowerBoundMs, SMOKEBALL_LIMIT } from '../lib/rate-limiter-workers.ts';
import {
  createConnectedFirm,
  createDocument,
  createMatter,
  functionUrl,
  isApiRequest,
  logMark,
  percentile,
  round,
  syncMatterNow,
  waitFor,
  waitForQueueIdle,
  waitForUploadedFiles,
  type BenchContext,
  type BenchDocument,
} from '../lib/bench-stack.ts';

const SIZES = {
  full: { matters: 200, documents: 2, manualSyncs: 10, approvals: 10, spacingMs: 3_000 },
  quick: { matters: 12, documents: 2, manualSyncs: 3, approvals: 3, spacingMs: 1_000 },
} as const;
const WORKERS = 4;
const DOCUMENT_BYTES = 16 * 1024;
const POLL_MS = 100;

export type FairnessResult = {
  name: 'fairness';
  bulkMatters: number;
  bulkDocuments: number;
  workers: number;
  manualSyncs: number;
  approvals: number;
  /** B's manual syncs while A's bulk runs. */
  interactiveP50Ms: number;
  interactiveP95Ms: number;
  /** The same syncs on the idle system. */
  interactiveIdleP50Ms: number;
  interactiveIdleP95Ms: number;
  interactiveP95Ratio: number;
  /**
   * What B's idle syncs cost at Smokeball: API requests per sync, and how many of them were refused
   * (4xx: a write naming the contact or matter created moments before, not yet visible, sent again).
   */
  interactiveIdleRequestsPerSync: number;
  interactiveIdleRefusedPerSync: number;
  /** C: approval (the update of the document row) → its file uploaded in Smokeball. */
  autoSyncP50Ms: number;
  autoSyncP95Ms: number;
  bulkWallMs: number;
  /** The bound of every API request served in A's window (A's, B's and C's) ÷ the window. */
  lowerBoundMs: number;
  efficiency: number;
  apiRequests: number;
  throttled: number;
  /**
   * Where C's approval → uploaded time went, p50/p95 per stage: approval → its sync's first run started
   * (the wake-up and the claim), run started → its first Smokeball request (the limiter), first request →
   * uploaded; and the runs and job attempts it took (a job retried later waits for the next wake-up).
   */
  autoSyncStages: { toRunStartMs: [number, number]; toFirstRequestMs: [number, number]; toUploadedMs: [number, number]; runs: number; attempts: number; jobErrors: string[] };
  /** Each 429 in the window: its endpoint, which firm's request it was, and ms into the window. */
  throttledRequests: { endpoint: string; firm: string; atMs: number }[];
};

export async function runFairnessScenario(ctx: BenchContext): Promise<FairnessResult> {
  const size = ctx.quick ? SIZES.quick : SIZES.full;
  const firmA = await createConnectedFirm(ctx, 'fairA', { autoSync: false });
  const firmB = await createConnectedFirm(ctx, 'fairB', { autoSync: false });
  const firmC = await createConnectedFirm(ctx, 'fairC', { autoSync: true });
  const docsA: BenchDocument[] = [];
  for (let m = 0; m < size.matters; m++) {
    const { matterId } = await createMatter(ctx, firmA.id, m);
    for (let d = 0; d < size.documents; d++) docsA.push(await createDocument(ctx, firmA.id, matterId, { status: 'approved', sizeBytes: DOCUMENT_BYTES }));
  }
  const freshB = async () => (await Promise.all(Array.from({ length: size.manualSyncs }, (_, n) => createMatter(ctx, firmB.id, n)))).map((m) => m.matterId);
  const idleMatters = await freshB();
  const busyMatters = await freshB();
  const docsC: BenchDocument[] = [];
  for (let n = 0; n < size.approvals; n++) {
    const { matterId } = await createMatter(ctx, firmC.id, n);
    docsC.push(await createDocument(ctx, firmC.id, matterId, { status: 'pending', sizeBytes: DOCUMENT_BYTES }));
  }
  await waitForQueueIdle(ctx, 30_000);

  // B on the idle system, spaced as during the bulk.
  const manualSyncs = async (matterIds: string[]) => {
    const latencies: number[] = [];
    for (const [n, matterId] of matterIds.entries()) {
      const started = Date.now();
      await syncMatterNow(ctx, firmB, matterId);
      latencies.push(Date.now() - started);
      if (n < matterIds.length - 1) await new Promise((resolve) => setTimeout(resolve, Math.max(0, size.spacingMs - (Date.now() - started))));
    }
    return latencies;
  };
  const idleSince = await logMark(ctx);
  const idle = await manualSyncs(idleMatters);
  const idleRequests = (await ctx.sim.requests({ since: idleSince })).filter((e) => e.accountId === firmB.accountId && isApiRequest(e));
  ctx.log(`fairness: idle manual syncs ${idle.join(', ')} ms`);

  const pump = await startJobPump({ dbUrl: ctx.stack.dbUrl, functionsUrl: `${ctx.stack.gatewayUrl}/functions/v1`, secretKey: ctx.stack.keys.secretKey, listen: true });
  const since = await logMark(ctx);
  const startedAtMs = Date.now();
  let done = false;
  let wallMs = 0;
  const workers: Promise<void>[] = [];
  try {
    const res = await fetch(functionUrl(ctx, 'sync-matter'), {
      method: 'POST',
      headers: { authorization: `Bearer ${firmA.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ all: true }),
    });
    const batch = (await res.json()) as { batchId: string; queued: number };
    if (res.status !== 202 || batch.queued !== size.matters) throw new Error(`bulk sync answered ${res.status}: ${JSON.stringify(batch)}`);
    const worker = async () => {
      while (!done) {
        const r = await fetch(functionUrl(ctx, 'sync-worker'), {
          method: 'POST',
          headers: { apikey: ctx.stack.keys.secretKey, 'content-type': 'application/json' },
          body: '{}',
        });
        const summary = (await r.json()) as { claimed: number };
        if (r.status !== 200) throw new Error(`sync-worker answered ${r.status}: ${JSON.stringify(summary)}`);
        if (summary.claimed === 0 && !done) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    };
    for (let w = 0; w < WORKERS; w++) workers.push(worker());
    // Let the bulk sync fill the limiter before B and C start.
    await new Promise((resolve) => setTimeout(resolve, ctx.quick ? 1_000 : 5_000));

    // C: approvals spaced out, each timed to its file uploaded (read from the simulator's state).
    const approvedAt = new Map<string, number>();
    const uploadedAt = new Map<string, number>();
    const approvals = (async () => {
      for (const doc of docsC) {
        await ctx.sql`update public.documents set status = 'approved', approved_at = now() where id = ${doc.id}`;
        approvedAt.set(doc.id, Date.now());
        await new Promise((resolve) => setTimeout(resolve, size.spacingMs));
      }
    })();
    const watchC = waitFor(
      async () => {
        for (const file of (await ctx.sim.state(firmC.username)).accounts[0].files) {
          const id = (file.additionalData as Record<string, string> | undefined)?.casehugDocumentId;
          if (id && file.isUploaded && !uploadedAt.has(id)) uploadedAt.set(id, Date.now());
        }
        return uploadedAt.size === docsC.length;
      },
      { timeoutMs: ctx.quick ? 60_000 : 600_000, intervalMs: POLL_MS, what: "every one of C's approved documents to be uploaded" },
    );
    const busy = await manualSyncs(busyMatters);
    await approvals;
    await watchC;
    ctx.log(`fairness: manual syncs during the bulk ${busy.join(', ')} ms`);

    await waitFor(
      async () => {
        const [{ left }] = await ctx.sql<{ left: number }[]>`
          select count(*)::int as left from public.sync_jobs where firm_id = ${firmA.id} and status in ('queued', 'running')`;
        return left === 0;
      },
      { timeoutMs: ctx.quick ? 60_000 : 900_000, intervalMs: POLL_MS, what: "A's bulk sync to finish" },
    );
    wallMs = Date.now() - startedAtMs;
    done = true;
    await Promise.all(workers);
    const outcomes = await ctx.sql<{ status: string; code: string | null; n: number }[]>`
      select status, last_error_code as code, count(*)::int as n from public.sync_jobs where firm_id = ${firmA.id} group by 1, 2`;
    const runs = await ctx.sql<{ status: string; code: string | null; n: number }[]>`
      select status, error_code as code, count(*)::int as n from public.sync_runs where firm_id = ${firmA.id} group by 1, 2`;
    ctx.log(`fairness: A's jobs ${JSON.stringify(outcomes)}, runs ${JSON.stringify(runs)}`);
    await waitForUploadedFiles(ctx, firmA.username, docsA, 30_000).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; A's jobs ${JSON.stringify(outcomes)}, runs ${JSON.stringify(runs)}`);
    });

    const endedAtMs = startedAtMs + wallMs;
    const accounts = new Set([firmA.accountId, firmB.accountId, firmC.accountId]);
    const window = (await ctx.sim.requests({ since })).filter((e) => e.timeMs >= startedAtMs && e.timeMs <= endedAtMs && e.accountId !== null && accounts.has(e.accountId));
    const api = window.filter(isApiRequest);
    const bound = lowerBoundMs(api, SMOKEBALL_LIMIT);
    const autoSync = docsC.map((d) => uploadedAt.get(d.id)! - approvedAt.get(d.id)!);
    const interactiveP95Ms = round(percentile(busy, 95));
    // C's stages, from its runs (Postgres) and its requests (the simulator's log).
    const runsC = await ctx.sql<{ matterId: string; startedAt: Date }[]>`
      select matter_id as "matterId", started_at as "startedAt" from public.sync_runs where firm_id = ${firmC.id} order by started_at`;
    const jobsC = await ctx.sql<{ attempts: number; code: string | null }[]>`
      select attempts, last_error_code as code from public.sync_jobs where firm_id = ${firmC.id} and kind = 'sync_matter'`;
    const requestsC = api.filter((e) => e.accountId === firmC.accountId);
    const stage = { run: [] as number[], request: [] as number[], upload: [] as number[] };
    for (const d of docsC) {
      const approved = approvedAt.get(d.id)!;
      const run = runsC.find((r) => r.matterId === d.matterId && r.startedAt.getTime() >= approved - 1_000);
      if (!run) continue;
      const runStart = run.startedAt.getTime();
      const first = requestsC.find((e) => e.timeMs >= runStart);
      stage.run.push(runStart - approved);
      if (first) {
        stage.request.push(first.timeMs - runStart);
        stage.upload.push(uploadedAt.get(d.id)! - first.timeMs);
      }
    }
    const p50p95 = (v: number[]): [number, number] => [round(percentile(v, 50)), round(percentile(v, 95))];
    const firmOf = new Map([[firmA.accountId, 'A'], [firmB.accountId, 'B'], [firmC.accountId, 'C']]);
    const interactiveIdleP95Ms = round(percentile(idle, 95));
    return {
      name: 'fairness',
      bulkMatters: size.matters,
      bulkDocuments: docsA.length,
      workers: WORKERS,
      manualSyncs: size.manualSyncs,
      approvals: size.approvals,
      interactiveP50Ms: round(percentile(busy, 50)),
      interactiveP95Ms,
      interactiveIdleP50Ms: round(percentile(idle, 50)),
      interactiveIdleP95Ms,
      interactiveP95Ratio: round(interactiveP95Ms / Math.max(1, interactiveIdleP95Ms), 2),
      interactiveIdleRequestsPerSync: round(idleRequests.length / idle.length, 1),
      interactiveIdleRefusedPerSync: round(idleRequests.filter((e) => e.status >= 400 && e.status < 500).length / idle.length, 1),
      autoSyncP50Ms: round(percentile(autoSync, 50)),
      autoSyncP95Ms: round(percentile(autoSync, 95)),
      bulkWallMs: wallMs,
      lowerBoundMs: Math.round(bound),
      efficiency: round(bound / wallMs, 3),
      apiRequests: api.length,
      throttled: window.filter((e) => e.throttled).length,
      autoSyncStages: {
        toRunStartMs: p50p95(stage.run),
        toFirstRequestMs: p50p95(stage.request),
        toUploadedMs: p50p95(stage.upload),
        runs: runsC.length,
        attempts: jobsC.reduce((n, j) => n + j.attempts, 0),
        jobErrors: [...new Set(jobsC.map((j) => j.code).filter((c): c is string => c !== null))],
      },
      throttledRequests: window.filter((e) => e.throttled).map((e) => ({ endpoint: e.endpoint, firm: firmOf.get(e.accountId!) ?? '?', atMs: Math.round(e.timeMs - startedAtMs) })),
    };
  } finally {
    done = true;
    await Promise.allSettled(workers);
    await pump.stop();
  }
}
