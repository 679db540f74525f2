// `npm run bench [-- --quick] [-- --only <name>] [-- --merge]`: the performance scenarios on the local stack
// and the Smokeball simulator (5/s burst 5 per endpoint, 30–80 ms per request), in sequence, on ONE
// stack started on free ports in a temp folder. Prints a table and writes bench/results/latest.json (full
// run) or bench/results/quick.json (quick, git-ignored) as { machine, startedAt, scenarios: [...] }.
// Exits non-zero when a scenario did not complete or a correctness check failed (every file uploaded
// with its sha256, webhook effects exactly once); the aims (efficiency, 429s, RSS, latency) are reported,
// not asserted. `--only <name> --merge` (full runs) replaces those scenarios' entries in latest.json and
// keeps the others, so one scenario can be measured again without rerunning the rest.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { SimControl } from '../dev/smokeball-sim/sim-client.ts';
import { freePort, startStack } from '../dev/stack.ts';
import { startJobPump } from '../dev/job-pump.ts';
import { DENO } from '../dev/deno-binaries.ts';
import { round, waitForQueueIdle, type BenchContext } from './lib/bench-stack.ts';
import { formatTable } from './lib/report.ts';
import { runAutoSyncLatencyScenario } from './scenarios/auto-sync-latency.ts';
import { runEditLatencyScenario } from './scenarios/edit-latency.ts';
import { runBulkSyncScenario } from './scenarios/bulk-sync.ts';
import { runFairnessScenario } from './scenarios/fairness.ts';
import { runLargeDocumentScenario } from './scenarios/large-document.ts';
import { runRateLimiterScenario } from './scenarios/rate-limiter.ts';
import { runReconcileScenario } from './scenarios/reconcile.ts';
import { runWebhookIntakeScenario } from './scenarios/webhook-intake.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const SCENARIO_NAMES = ['bulk-sync', 'rate-limiter', 'large-document', 'webhook-intake', 'auto-sync-latency', 'edit-latency', 'fairness', 'reconcile'] as const;
type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** The simulator as the bench sets it: Smokeball's limit, 30–80 ms per request, consent auto-approved. */
const SIM_OPTIONS = { rateLimit: { enabled: true, rps: 5, burst: 5 }, latencyMs: { min: 30, max: 80 }, autoApprove: true };

export type ScenarioReport = { name: ScenarioName; ok: boolean; error?: string; durationMs: number; loadAverage: { start: number[]; end: number[] } } & Record<string, unknown>;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string', multiple: true }, merge: { type: 'boolean', default: false } } });
  const quick = values.quick ?? false;
  const only = values.only ?? [];
  for (const name of only) if (!SCENARIO_NAMES.includes(name as ScenarioName)) throw new Error(`unknown scenario ${name}; one of ${SCENARIO_NAMES.join(', ')}`);
  if (values.merge && process.env.BENCH_WEBHOOK_OPEN_LOOP) throw new Error('BENCH_WEBHOOK_OPEN_LOOP measures only part of webhook-intake: not for --merge');
  const selected = SCENARIO_NAMES.filter((name) => only.length === 0 || only.includes(name));

  const runStartedMs = Date.now();
  const startedAt = new Date(runStartedMs).toISOString();
  const machine = describeMachine();
  const log = (line: string) => console.error(`[bench ${((Date.now() - runStartedMs) / 1000).toFixed(1)}s] ${line}`);
  log(`${quick ? 'quick' : 'full'} run: ${selected.join(', ')} — ${machine.cpu} × ${machine.cores}, load ${machine.loadAverage.join(' ')}`);

  const needsStack = selected.some((name) => name !== 'rate-limiter');
  const dataDir = await mkdtemp(join(tmpdir(), 'casehug-bench-'));
  const stack = await startStack({
    dataDir,
    gatewayPort: await freePort(),
    dbPort: await freePort(),
    simPort: await freePort(),
    databaseUrl: process.env.BENCH_DATABASE_URL,
    simOptions: SIM_OPTIONS,
    // The scenarios decide the queue's wake-ups themselves: none during bulk sync (our workers only),
    // the pump's LISTEN + sweep during auto-sync and webhook processing.
    pump: false,
    // large-document streams 1 GiB to measure CPU per MiB, the measure the default document limit is
    // derived from; the limit would refuse it.
    functionEnv: { SYNC_MAX_DOCUMENT_MIB: '2048' },
  });
  log(`stack ready${needsStack ? '' : ' (Postgres for the rate limiter)'}: ${stack.gatewayUrl}`);
  const sql = postgres(stack.dbUrl, { max: 4, onnotice: () => undefined });
  const ctx: BenchContext = { stack, dataDir, sql, sim: new SimControl(stack.simUrl), quick, log };

  const reports: ScenarioReport[] = [];
  try {
    for (const name of selected) {
      const started = Date.now();
      const loadStart = loadavg().map((l) => round(l, 2));
      log(`${name}: start (load ${loadStart.join(' ')})`);
      let report: ScenarioReport;
      try {
        const figures = await runScenario(name, ctx);
        report = { ...figures, name, ok: true, durationMs: Date.now() - started, loadAverage: { start: loadStart, end: loadavg().map((l) => round(l, 2)) } };
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        log(`${name}: FAILED ${message}`);
        report = { name, ok: false, error: message.split('\n')[0], durationMs: Date.now() - started, loadAverage: { start: loadStart, end: loadavg().map((l) => round(l, 2)) } };
      }
      reports.push(report);
      log(`${name}: ${report.ok ? 'done' : 'failed'} in ${(report.durationMs / 1000).toFixed(1)} s`);
      // The next scenario starts on a quiet queue and limiter.
      await waitForQueueIdle(ctx, quick ? 20_000 : 300_000).catch((error: unknown) => log(`queue not idle: ${String(error)}`));
    }
  } finally {
    await sql.end({ timeout: 5 });
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }

  const durationMs = Date.now() - runStartedMs;
  const result = { machine, startedAt, mode: quick ? 'quick' : 'full', durationMs, scenarios: reports };
  await mkdir(RESULTS_DIR, { recursive: true });
  const merge = (values.merge ?? false) && !quick && only.length > 0;
  const file = join(RESULTS_DIR, quick ? 'quick.json' : only.length > 0 && !merge ? 'partial.json' : 'latest.json');
  if (merge) {
    // The other scenarios' entries stay as last measured; each keeps its own loadAverage and duration.
    const previous = JSON.parse(await readFile(file, 'utf8').catch(() => '{"scenarios":[]}')) as { scenarios: ScenarioReport[] } & Record<string, unknown>;
    const kept = previous.scenarios.filter((r) => !selected.includes(r.name));
    const scenarios = SCENARIO_NAMES.flatMap((name) => [...kept, ...reports].filter((r) => r.name === name));
    await writeFile(file, `${JSON.stringify({ ...previous, scenarios, merged: [...new Set([...((previous.merged as string[] | undefined) ?? []), ...selected])], mergedAt: startedAt, mergedMachine: machine }, null, 2)}\n`);
  } else {
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  }
  console.log(formatTable(result));
  console.log(`\n${quick ? 'quick' : 'full'} run in ${(durationMs / 1000).toFixed(1)} s → ${file.slice(ROOT.length)}`);
  const failed = reports.filter((r) => !r.ok);
  if (failed.length > 0) {
    console.error(`failed: ${failed.map((r) => `${r.name} (${r.error})`).join('; ')}`);
    process.exitCode = 1;
  }
}

async function runScenario(name: ScenarioName, ctx: BenchContext): Promise<Record<string, unknown>> {
  switch (name) {
    case 'bulk-sync':
      return runBulkSyncScenario(ctx);
    case 'rate-limiter':
      // Its own simulator and client id (hence its own limiter buckets) on the stack's Postgres.
      return runRateLimiterScenario({ quick: ctx.quick, dbUrl: ctx.stack.dbUrl });
    case 'large-document':
      return runLargeDocumentScenario(ctx);
    case 'webhook-intake':
      return withPump(ctx, { listen: false }, () => runWebhookIntakeScenario(ctx));
    case 'auto-sync-latency':
      return withPump(ctx, { listen: true }, () => runAutoSyncLatencyScenario(ctx));
    case 'edit-latency':
      return withPump(ctx, { listen: true }, () => runEditLatencyScenario(ctx));
    case 'fairness':
      // Starts the pump itself (LISTEN wake-ups, production's sweep) once the idle measurements are done.
      return runFairnessScenario(ctx);
    case 'reconcile':
      // Drains its own job with sync-worker calls (no pump: nothing else runs meanwhile).
      return runReconcileScenario(ctx);
  }
}

/**
 * The stack's job pump (dev/job-pump.ts) for one scenario: LISTEN → sync-worker once per statement that
 * queued jobs, and a 1 s sweep → sync-worker (the figures were measured with it; production sweeps every 30 s).
 */
async function withPump<T>(ctx: BenchContext, options: { listen: boolean }, fn: () => Promise<T>): Promise<T> {
  const pump = await startJobPump({
    dbUrl: ctx.stack.dbUrl,
    functionsUrl: `${ctx.stack.gatewayUrl}/functions/v1`,
    secretKey: ctx.stack.keys.secretKey,
    listen: options.listen,
    sweepIntervalMs: 1_000,
  });
  try {
    return await fn();
  } finally {
    await pump.stop();
  }
}

export type Machine = { cpu: string; cores: number; memoryGiB: number; node: string; deno: string; platform: string; loadAverage: number[] };

function describeMachine(): Machine {
  let deno = 'unknown';
  try {
    deno = execFileSync(DENO, ['--version'], { encoding: 'utf8' }).split('\n')[0].replace(/^deno /, '').split(' ')[0];
  } catch {
    // reported as unknown
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    deno,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg().map((l) => round(l, 2)),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
