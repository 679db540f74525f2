// Benchmark scenario "bulk-sync": firms × matters × documents, connected through the real
// connect flow, synced in bulk (`POST sync-matter { all: true }` per firm, as an admin) by 4 concurrent
// `sync-worker` invocations looping until every batch reports remaining 0. No pump runs meanwhile, so the
// only workers are ours. Figures come from the simulator's request log, restricted to the scenario's
// time window and the firms' accounts: the lower bound (per endpoint (count − burst) ÷ rps, the largest),
// efficiency = bound ÷ wall time, the 429 count and API requests per matter.
//
// Requests per matter count every request the integration sent to Smokeball's API for these firms in the
// window — accepted ones, refused ones (a write naming a resource that was not visible yet: 400/403/404),
// throttled ones (429) and the firms' `GET /mattertypes` — divided by the matters; `acceptedPerMatter`
// and `refused` split them. Each endpoint's first and last request (ms after the start) show where the
// buckets idle: before a stage's first request, and after its last while the matters' chains finish.
import type { RequestLogEntry } from '../../dev/smokeball-sim/sim-client.ts';
import { lowerBoundMs, SMOKEBALL_LIMIT } from '../lib/rate-limiter-workers.ts';
import {
  createConnectedFirm,
  createDocument,
  createMatter,
  functionUrl,
  isApiRequest,
  logMark,
  round,
  waitFor,
  waitForQueueIdle,
  waitForUploadedFiles,
  type BenchContext,
  type BenchDocument,
  type BenchFirm,
} from '../lib/bench-stack.ts';

const SIZES = { full: { firms: 3, matters: 40, documents: 3 }, quick: { firms: 2, matters: 3, documents: 2 } } as const;
/** Concurrent sync-worker invocations (each runs up to JOB_CONCURRENCY matters of its claimed batch). */
const WORKERS = 4;
const DOCUMENT_BYTES = 16 * 1024;
/** How often an idle worker asks again, and how often the batches' progress is read. */
const POLL_MS = 100;

export type BulkSyncResult = {
  name: 'bulk-sync';
  firms: number;
  matters: number;
  documents: number;
  workers: number;
  /** 429s the simulator answered to these accounts in the window: the aim is 0. */
  throttled: number;
  lowerBoundMs: number;
  wallMs: number;
  efficiency: number;
  apiRequests: number;
  /** Every API request (accepted, refused, throttled, matter types) ÷ matters. */
  requestsPerMatter: number;
  /** 2xx answers only ÷ matters. */
  acceptedPerMatter: number;
  /** 4xx answers other than 429: writes refused because what they named was not visible yet. */
  refused: number;
  /** Per endpoint: requests, and the first and last (ms after the start). */
  endpointTimeline: Record<string, { requests: number; firstMs: number; lastMs: number }>;
  /** The busiest endpoint (the one that sets the bound) and its request count. */
  busiestEndpoint: string;
  busiestEndpointRequests: number;
  /** API requests per endpoint and status (e.g. `POST /matters 202`): where each matter's requests go. */
  requestsByEndpoint: Record<string, number>;
  s3Uploads: number;
  workerCalls: number;
  jobs: { succeeded: number; retried: number; dead: number };
};

export async function runBulkSyncScenario(ctx: BenchContext): Promise<BulkSyncResult> {
  const size = ctx.quick ? SIZES.quick : SIZES.full;
  const firms: BenchFirm[] = [];
  const documents = new Map<string, BenchDocument[]>();
  for (let f = 0; f < size.firms; f++) {
    const firm = await createConnectedFirm(ctx, `bulk${f}`, { autoSync: false });
    firms.push(firm);
    const docs: BenchDocument[] = [];
    for (let m = 0; m < size.matters; m++) {
      const { matterId } = await createMatter(ctx, firm.id, m);
      for (let d = 0; d < size.documents; d++) docs.push(await createDocument(ctx, firm.id, matterId, { status: 'approved', sizeBytes: DOCUMENT_BYTES }));
    }
    documents.set(firm.id, docs);
  }
  await waitForQueueIdle(ctx, 30_000);
  const since = await logMark(ctx);
  ctx.log(`bulk-sync: ${size.firms} firms × ${size.matters} matters × ${size.documents} documents, ${WORKERS} sync-worker invocations`);

  // The workers are asking before the first bulk request, as in production, where the statement that
  // queues a bulk sync's jobs wakes sync-worker at once (docs/architecture.md §9): a matter's sync starts
  // when its job is queued, not after the last firm's request has been answered.
  let done = false;
  const jobs = { succeeded: 0, retried: 0, dead: 0 };
  let workerCalls = 0;
  const worker = async () => {
    while (!done) {
      const res = await fetch(functionUrl(ctx, 'sync-worker'), {
        method: 'POST',
        headers: { apikey: ctx.stack.keys.secretKey, 'content-type': 'application/json' },
        body: '{}',
      });
      const summary = (await res.json()) as { claimed: number; succeeded: number; retried: number; dead: number };
      if (res.status !== 200) throw new Error(`sync-worker answered ${res.status}: ${JSON.stringify(summary)}`);
      workerCalls++;
      jobs.succeeded += summary.succeeded;
      jobs.retried += summary.retried;
      jobs.dead += summary.dead;
      if (summary.claimed === 0 && !done) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  const workers = Array.from({ length: WORKERS }, worker);
  const startedAtMs = Date.now();
  let wallMs: number;
  try {
    const batches: { firm: BenchFirm; batchId: string }[] = [];
    for (const firm of firms) {
      const res = await fetch(functionUrl(ctx, 'sync-matter'), {
        method: 'POST',
        headers: { authorization: `Bearer ${firm.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ all: true }),
      });
      const body = (await res.json()) as { batchId: string; queued: number };
      if (res.status !== 202 || body.queued !== size.matters) throw new Error(`bulk sync answered ${res.status}: ${JSON.stringify(body)}`);
      batches.push({ firm, batchId: body.batchId });
    }
    const deadlineMs = ctx.quick ? 40_000 : 600_000;
    await waitFor(
      async () => {
        const progress = await Promise.all(batches.map((b) => readBatch(ctx, b.firm, b.batchId)));
        return progress.every((p) => p.remaining === 0) && progress;
      },
      { timeoutMs: deadlineMs, intervalMs: POLL_MS, what: 'every bulk batch to report remaining 0' },
    );
    wallMs = Date.now() - startedAtMs;
  } finally {
    done = true;
    await Promise.allSettled(workers);
  }
  const endedAtMs = startedAtMs + wallMs;
  await Promise.all(workers); // surfaces a worker's failure

  // Every document reached Smokeball with its bytes intact.
  for (const firm of firms) {
    const linked = await ctx.sql<{ id: string }[]>`
      select id from public.documents where firm_id = ${firm.id} and smokeball_file_id is not null`;
    const docs = documents.get(firm.id)!;
    if (linked.length !== docs.length) throw new Error(`firm ${firm.id}: ${linked.length} of ${docs.length} documents linked`);
    await waitForUploadedFiles(ctx, firm.username, docs);
  }

  const accounts = new Set(firms.map((f) => f.accountId));
  const inWindow = (await ctx.sim.requests({ since })).filter((e) => e.timeMs >= startedAtMs && e.timeMs <= endedAtMs);
  const window = inWindow.filter((e) => e.accountId !== null && accounts.has(e.accountId));
  const api = window.filter(isApiRequest);
  const bound = lowerBoundMs(api, SMOKEBALL_LIMIT);
  const busiest = busiestEndpoint(api);
  const matters = size.firms * size.matters;
  return {
    name: 'bulk-sync',
    firms: size.firms,
    matters,
    documents: matters * size.documents,
    workers: WORKERS,
    throttled: window.filter((e) => e.throttled).length,
    lowerBoundMs: Math.round(bound),
    wallMs,
    efficiency: round(bound / wallMs, 3),
    apiRequests: api.length,
    requestsPerMatter: round(api.length / matters, 2),
    acceptedPerMatter: round(api.filter((e) => e.status >= 200 && e.status < 300).length / matters, 2),
    refused: api.filter((e) => e.status >= 400 && e.status < 500 && e.status !== 429).length,
    endpointTimeline: timeline(api, startedAtMs),
    busiestEndpoint: busiest.endpoint,
    busiestEndpointRequests: busiest.count,
    requestsByEndpoint: countBy(api, (e) => `${e.endpoint} ${e.status}`),
    // S3 uploads carry no access token, so the log names no account for them; nothing else uploads meanwhile.
    s3Uploads: inWindow.filter((e) => e.endpoint.includes('/s3/')).length,
    workerCalls,
    jobs,
  };
}

async function readBatch(ctx: BenchContext, firm: BenchFirm, batchId: string) {
  const res = await fetch(`${functionUrl(ctx, 'sync-matter')}?batchId=${batchId}`, { headers: { authorization: `Bearer ${firm.adminToken}` } });
  const body = (await res.json()) as { total: number; succeeded: number; partial: number; failed: number; remaining: number };
  if (res.status !== 200) throw new Error(`batch progress answered ${res.status}: ${JSON.stringify(body)}`);
  if (body.failed > 0) throw new Error(`batch ${batchId}: ${body.failed} matters failed`);
  return body;
}

function busiestEndpoint(log: RequestLogEntry[]): { endpoint: string; count: number } {
  const counts = new Map<string, number>();
  for (const e of log) counts.set(e.endpoint, (counts.get(e.endpoint) ?? 0) + 1);
  let best = { endpoint: '-', count: 0 };
  for (const [endpoint, count] of counts) if (count > best.count) best = { endpoint, count };
  return best;
}

function countBy(log: RequestLogEntry[], key: (e: RequestLogEntry) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of log) counts[key(e)] = (counts[key(e)] ?? 0) + 1;
  return counts;
}

function timeline(log: RequestLogEntry[], startedAtMs: number): BulkSyncResult['endpointTimeline'] {
  const out: BulkSyncResult['endpointTimeline'] = {};
  for (const e of log) {
    const at = e.timeMs - startedAtMs;
    const t = (out[e.endpoint] ??= { requests: 0, firstMs: at, lastMs: at });
    t.requests++;
    t.firstMs = Math.min(t.firstMs, at);
    t.lastMs = Math.max(t.lastMs, at);
  }
  return out;
}
