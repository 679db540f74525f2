// The bench's table: one row per scenario with its key figures beside the bound or aim, as
// Markdown so the same text goes into README's Performance section.
type Report = { name: string; ok: boolean; error?: string } & Record<string, unknown>;
type Run = { machine: { cpu: string; cores: number; memoryGiB: number; node: string; deno: string; loadAverage: number[] }; startedAt: string; mode: string; scenarios: Report[] };

const num = (v: unknown, digits = 0) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–');
const s = (ms: unknown) => (typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : '–');

function figures(r: Report): { result: string; aim: string } {
  if (!r.ok) return { result: `FAILED: ${r.error ?? 'unknown error'}`, aim: '' };
  switch (r.name) {
    case 'bulk-sync':
      return {
        result: `${r.matters} matters / ${r.documents} docs, ${r.workers} workers: wall ${s(r.wallMs)}, bound ${s(r.lowerBoundMs)} (busiest endpoint ${r.busiestEndpoint}: ${r.busiestEndpointRequests}), efficiency ${num(r.efficiency, 3)}, 429s ${r.throttled}, ${num(r.requestsPerMatter, 2)} API req/matter (all sent; accepted ${num(r.acceptedPerMatter, 2)}, refused ${r.refused}); first–last request per endpoint: ${Object.entries((r.endpointTimeline ?? {}) as Record<string, { firstMs: number; lastMs: number }>).map(([e, t]) => `${e} ${s(t.firstMs)}–${s(t.lastMs)}`).join(', ')}`,
        aim: 'efficiency ≥ 0.95, 0 × 429, ≤ 4.05 req/matter',
      };
    case 'rate-limiter':
      return {
        result: `${r.requests} requests: wall ${s(r.wallMs)}, bound ${s(r.lowerBoundMs)}, efficiency ${num(r.efficiency, 3)}, 429s ${r.throttled}`,
        aim: 'efficiency ≥ 0.9, 0 × 429',
      };
    case 'large-document':
      return {
        result: `${num(r.sizeMiB)} MiB: RSS +${num(r.rssGrowthMb, 1)} MB (idle ${num(r.idleRssMb, 1)} MB), ${num(r.syncMBps, 1)} MB/s vs loopback copy ${num(r.baselineMBps, 1)} MB/s (${num(r.throughputRatio, 2)}×), CPU ${num(r.cpuMsPerMiB, 2)} ms/MiB (largest document within 2 s CPU: ${num((r.maxDocumentMiB as { byCpu?: number } | undefined)?.byCpu)} MiB)`,
        aim: 'RSS growth ≤ 64 MB per 1 GiB',
      };
    case 'webhook-intake':
      return {
        result: `${r.deliveries} deliveries (${r.duplicates} dup), ${r.senders} senders: ${num(r.deliveriesPerSecond)} /s, ack p50 ${num(r.ackP50Ms, 1)} ms, p99 ${num(r.ackP99Ms, 1)} ms (redelivered as duplicates: ${num(r.redeliveryPerSecond)} /s, p99 ${num(r.redeliveryAckP99Ms, 1)} ms); exactly once: ${r.exactlyOnce ? 'yes' : 'NO'}; processed in ${s(r.processingMs)} (bound ${s(r.processingLowerBoundMs)}). Open loop: ${openLoopText(r.openLoop)}`,
        aim: 'open-loop knee (p99 ≤ 50 ms) ≥ 500/s at the function',
      };
    case 'fairness':
      return {
        result: `A: ${r.bulkMatters} matters / ${r.bulkDocuments} docs bulk, ${r.workers} workers; B's ${r.manualSyncs} manual syncs p50 ${s(r.interactiveP50Ms)}, p95 ${s(r.interactiveP95Ms)} (idle p95 ${s(r.interactiveIdleP95Ms)}, ×${num(r.interactiveP95Ratio, 2)}); C's ${r.approvals} approvals → uploaded p95 ${s(r.autoSyncP95Ms)}; efficiency ${num(r.efficiency, 3)} (wall ${s(r.bulkWallMs)}, bound ${s(r.lowerBoundMs)}), 429s ${r.throttled}`,
        aim: "B's p95 ≤ idle p95 + 1 s, C's p95 ≤ 10 s, efficiency ≥ 0.9, 0 × 429",
      };
    case 'auto-sync-latency':
      return {
        result: `${r.approvals} approvals: approval → uploaded p50 ${s(r.p50Ms)}, p95 ${s(r.p95Ms)} (max ${s(r.maxMs)})`,
        aim: 'p50 ≤ 2 s',
      };
    case 'edit-latency':
      return {
        result: `${r.edits} matters edited in Smokeball: edit → CaseHug row p50 ${s(r.p50Ms)}, p95 ${s(r.p95Ms)} (max ${s(r.maxMs)})`,
        aim: 'p95 ≤ 3 s',
      };
    case 'reconcile':
      return {
        result: `${r.matters} linked matters / clients / documents, no drift: **${r.apiCalls} API calls** per run (request log: ${r.apiCallsLogged}; ${Object.entries((r.requestsByEndpoint as Record<string, number>) ?? {}).map(([e, n]) => `${e} ${n}`).join(', ')}), first run ${r.firstRunApiCalls}, repaired ${r.repaired}, wall ${s(r.wallMs)}`,
        aim: 'few calls with nothing to repair: ≤ 60 for 1,000 matters',
      };
    default:
      return { result: JSON.stringify(r), aim: '' };
  }
}

type OpenLoop = { target: string; kneePerSec: number | null; steps: { offeredPerSec: number; achievedPerSec: number; ackP50Ms: number; ackP99Ms: number; errors: number }[] }[];

function openLoopText(value: unknown): string {
  if (!Array.isArray(value)) return '–';
  return (value as OpenLoop)
    .map((t) => `${t.target}: ${t.steps.map((st) => `${st.offeredPerSec}/s → ${num(st.achievedPerSec)}/s, p50 ${num(st.ackP50Ms, 1)} / p99 ${num(st.ackP99Ms, 1)} ms, ${st.errors} errors`).join('; ')}; knee ${t.kneePerSec ?? 'none'}/s`)
    .join(' — ');
}

export function machineLine(run: Run): string {
  const m = run.machine;
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, Deno ${m.deno}; load average at start ${m.loadAverage.join(' / ')} (1/5/15 min); ${run.mode} run started ${run.startedAt}`;
}

export function formatTable(run: Run): string {
  const rows = run.scenarios.map((r) => ({ name: r.name, ...figures(r), load: Array.isArray((r.loadAverage as { start?: number[] })?.start) ? (r.loadAverage as { start: number[] }).start[0].toFixed(1) : '–' }));
  return [
    `Machine: ${machineLine(run)}`,
    '',
    '| Scenario | Result | Aim | Load (1 min) at start |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.result} | ${r.aim} | ${r.load} |`),
  ].join('\n');
}
