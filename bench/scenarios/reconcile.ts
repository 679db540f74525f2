// Benchmark scenario "reconcile": the Smokeball API calls one firm's reconciliation costs when there is
// nothing to repair. A firm of 1,000 linked matters (quick: 50), each with its own linked client and one
// approved document linked to a file on the Smokeball matter, all seeded straight into the simulator and
// the database as if synced long ago. One run first (CaseHug's own syncs store no Smokeball version, so
// the first look applies every record once and repairs nothing), then the measured run: its calls from
// its sync_runs row and, independently, from the simulator's request log, per endpoint. Both runs must
// repair nothing. The work runs as a queued job; sync-worker is called to drain it.
import { randomUUID } from 'node:crypto';
import { functionUrl, isApiRequest, logMark, waitFor, type BenchContext } from '../lib/bench-stack.ts';
import { createConnectedFirm } from '../lib/bench-stack.ts';

const MATTERS = { full: 1000, quick: 50 } as const;
/** The sim's seed control takes this many matters per call. */
const SEED_CHUNK = 250;

export type ReconcileResult = {
  name: 'reconcile';
  matters: number;
  clients: number;
  documents: number;
  /** The run after the first: what a night with no drift costs. */
  apiCalls: number;
  apiCallsLogged: number;
  requestsByEndpoint: Record<string, number>;
  firstRunApiCalls: number;
  repaired: number;
  checked: number;
  fileChecksPerRun: number;
  wallMs: number;
};

export async function runReconcileScenario(ctx: BenchContext): Promise<ReconcileResult> {
  const count = ctx.quick ? MATTERS.quick : MATTERS.full;
  const firm = await createConnectedFirm(ctx, 'reconcile', { autoSync: false });

  const seeded: { id: string; clientIds: string[]; fileIds: string[] }[] = [];
  for (let i = 0; i < count; i += SEED_CHUNK) {
    const n = Math.min(SEED_CHUNK, count - i);
    const { matters } = await ctx.sim.seed(firm.username, {
      matters: Array.from({ length: n }, (_, k) => ({
        matterTypeName: 'Divorce', location: 'IL', number: `R-${i + k}`, description: `Reconciled ${i + k}`,
        clients: [{ firstName: 'Rec', lastName: `Client ${i + k}`, email: `rec-${i + k}@bench.casehug.test` }],
        files: [`intake-${i + k}.pdf`],
      })),
    });
    seeded.push(...matters);
  }
  // The CaseHug side, linked long ago: client, matter, approved document with the file's id.
  const clientIds = seeded.map(() => randomUUID());
  const matterIds = seeded.map(() => randomUUID());
  const documentIds = seeded.map(() => randomUUID());
  await ctx.sql`
    insert into public.clients (id, firm_id, first_name, last_name, email, smokeball_contact_id, smokeball_synced_at)
    select c.id, ${firm.id}, 'Rec', 'Client ' || c.n, 'rec-' || c.n || '@bench.casehug.test', c.sb, now() - interval '1 day'
    from unnest(${clientIds}::uuid[], ${seeded.map((m) => m.clientIds[0])}::text[], ${seeded.map((_, n) => String(n))}::text[]) as c(id, sb, n)`;
  await ctx.sql`
    insert into public.matters (id, firm_id, client_id, case_type, case_number, title, status, smokeball_matter_id, smokeball_synced_at)
    select m.id, ${firm.id}, m.client, 'divorce_standard', 'R-' || m.n, 'Reconciled ' || m.n, 'open', m.sb, now() - interval '1 day'
    from unnest(${matterIds}::uuid[], ${clientIds}::uuid[], ${seeded.map((m) => m.id)}::text[], ${seeded.map((_, n) => String(n))}::text[]) as m(id, client, sb, n)`;
  await ctx.sql`
    insert into public.documents (id, firm_id, matter_id, status, file_name, storage_path, size_bytes, content_type, approved_at, smokeball_file_id, smokeball_synced_at)
    select d.id, ${firm.id}, d.matter, 'approved', 'intake-' || d.n || '.pdf', ${firm.id}::text || '/' || d.matter::text || '/intake.pdf', 1024,
           'application/pdf', now() - interval '1 day', d.file, now() - interval '1 day'
    from unnest(${documentIds}::uuid[], ${matterIds}::uuid[], ${seeded.map((m) => m.fileIds[0])}::text[], ${seeded.map((_, n) => String(n))}::text[]) as d(id, matter, file, n)`;
  ctx.log(`reconcile: ${count} linked matters, clients and documents seeded`);

  const first = await reconcileOnce(ctx, firm);
  if (first.repaired !== 0) throw new Error(`the first run repaired ${first.repaired}: the seeded firm has drift`);
  const mark = await logMark(ctx);
  const started = performance.now();
  const second = await reconcileOnce(ctx, firm);
  const wallMs = performance.now() - started;
  if (second.repaired !== 0) throw new Error(`the measured run repaired ${second.repaired}`);
  const logged = (await ctx.sim.requests({ since: mark })).filter((e) => e.accountId === firm.accountId && isApiRequest(e));
  const requestsByEndpoint: Record<string, number> = {};
  for (const e of logged) requestsByEndpoint[e.endpoint] = (requestsByEndpoint[e.endpoint] ?? 0) + 1;

  return {
    name: 'reconcile',
    matters: count,
    clients: count,
    documents: count,
    apiCalls: second.apiCalls,
    apiCallsLogged: logged.length,
    requestsByEndpoint,
    firstRunApiCalls: first.apiCalls,
    repaired: second.repaired,
    checked: second.checked,
    fileChecksPerRun: second.documentsChecked,
    wallMs: Math.round(wallMs),
  };
}

type RunFigures = { apiCalls: number; repaired: number; checked: number; documentsChecked: number };

/** The admin's on-demand reconciliation, drained by sync-worker calls until its run ends. */
async function reconcileOnce(ctx: BenchContext, firm: { adminToken: string }): Promise<RunFigures> {
  const res = await fetch(functionUrl(ctx, 'reconcile'), { method: 'POST', headers: { authorization: `Bearer ${firm.adminToken}`, 'content-type': 'application/json' }, body: '{}' });
  if (res.status !== 202) throw new Error(`reconcile answered ${res.status}: ${await res.text()}`);
  const { jobId } = (await res.json()) as { jobId: string };
  return waitFor(async () => {
    const drain = await fetch(functionUrl(ctx, 'sync-worker'), { method: 'POST', headers: { apikey: ctx.stack.keys.secretKey, 'content-type': 'application/json' }, body: '{}' });
    await drain.body?.cancel();
    const view = await fetch(`${functionUrl(ctx, 'reconcile')}?jobId=${jobId}`, { headers: { authorization: `Bearer ${firm.adminToken}` } });
    const body = (await view.json()) as { status: string; run: { status: string; apiCalls: number; counts: Record<string, number> } | null };
    if (body.status === 'dead') throw new Error(`the reconciliation failed: ${JSON.stringify(body.run)}`);
    if (body.status !== 'succeeded' || !body.run || body.run.status === 'running') return undefined;
    return { apiCalls: body.run.apiCalls, repaired: body.run.counts.repaired, checked: body.run.counts.checked, documentsChecked: body.run.counts.documentsChecked };
  }, { timeoutMs: 300_000, intervalMs: 500, what: 'the reconciliation to finish' });
}
