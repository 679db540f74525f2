// Benchmark scenario "auto-sync-latency": with the job pump listening (LISTEN → sync-worker
// once per approving statement, plus the periodic sweep), approve 50 documents (quick: 5) one at a time, each on its own matter
// that is not in Smokeball yet (so the approval's sync creates the contact and the matter, then uploads),
// and time approval (the UPDATE that commits status = approved) → `documents.smokeball_file_id` set, which
// the sync stores only after the upload to the pre-signed URL succeeded. Polls the row every 20 ms. At the
// end every file must be in the simulator, uploaded, with the source's sha256.
import {
  createConnectedFirm,
  createDocument,
  createMatter,
  latencyFigures,
  timeUntil,
  waitForUploadedFiles,
  type BenchContext,
  type BenchDocument,
} from '../lib/bench-stack.ts';

const APPROVALS = { full: 50, quick: 5 } as const;
const DOCUMENT_BYTES = 64 * 1024;
const POLL_MS = 20;
const PER_APPROVAL_DEADLINE_MS = 60_000;

export type AutoSyncLatencyResult = {
  name: 'auto-sync-latency';
  approvals: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  meanMs: number;
  /** The row is polled this often, so each figure may be late by up to this much. */
  pollIntervalMs: number;
};

export async function runAutoSyncLatencyScenario(ctx: BenchContext): Promise<AutoSyncLatencyResult> {
  const approvals = ctx.quick ? APPROVALS.quick : APPROVALS.full;
  const firm = await createConnectedFirm(ctx, 'autosync', { autoSync: true });
  const documents: BenchDocument[] = [];
  for (let n = 0; n < approvals; n++) {
    const { matterId } = await createMatter(ctx, firm.id, n);
    documents.push(await createDocument(ctx, firm.id, matterId, { status: 'pending', sizeBytes: DOCUMENT_BYTES }));
  }

  const latencies: number[] = [];
  for (const doc of documents) {
    latencies.push(
      await timeUntil(
        () => ctx.sql`update public.documents set status = 'approved', approved_at = now() where id = ${doc.id}`,
        async () => {
          const [row] = await ctx.sql<{ fileId: string | null }[]>`select smokeball_file_id as "fileId" from public.documents where id = ${doc.id}`;
          return row?.fileId;
        },
        { timeoutMs: PER_APPROVAL_DEADLINE_MS, intervalMs: POLL_MS, what: `document ${doc.id} to be uploaded after approval` },
      ),
    );
  }

  await waitForUploadedFiles(ctx, firm.username, documents);

  return {
    name: 'auto-sync-latency',
    approvals,
    ...latencyFigures(latencies),
    meanMs: Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    pollIntervalMs: POLL_MS,
  };
}
