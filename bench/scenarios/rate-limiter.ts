// Benchmark scenario "rate-limiter": 6 OS processes × 50 concurrent mixed calls (quick: × 10)
// through the shared Postgres GCRA limiter against a dedicated simulator at Smokeball's 5 rps / burst 5
// with 30–80 ms latency. Reports the simulator's 429 count, the lower bound on wall time from the
// simulator's request log (per endpoint (count − burst) ÷ rps, the largest) and efficiency = bound ÷ wall.
// Starts its own embedded Postgres (bootstrap + migrations, as the stack does) unless given a `dbUrl`.
//   node --import tsx bench/scenarios/rate-limiter.ts [--quick]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { applyMigrations, bootstrapDatabase } from '../../dev/db/migrate.ts';
import { startPostgres } from '../../dev/db/postgres.ts';
import { freePort } from '../../dev/net.ts';
import { RUN_LATENCY_MS, runRateLimiterWorkload, SMOKEBALL_LIMIT } from '../lib/rate-limiter-workers.ts';

const WORKERS = 6;
const REQUESTS_PER_WORKER = { full: 50, quick: 10 } as const;

export type RateLimiterScenarioResult = {
  name: 'rate-limiter';
  /** 429s the simulator answered (its whole life, seeding included): must be 0. */
  throttled: number;
  lowerBoundMs: number;
  wallMs: number;
  /** lowerBoundMs ÷ wallMs: 1 is a perfect limiter; the aim is ≥ 0.9. */
  efficiency: number;
  /** API requests of the run (retries included, seeding excluded). */
  requests: number;
};

export async function runRateLimiterScenario(options: { quick: boolean; dbUrl?: string }): Promise<RateLimiterScenarioResult> {
  const database = options.dbUrl ? { url: options.dbUrl, stop: async () => {} } : await startMigratedPostgres();
  try {
    const run = await runRateLimiterWorkload({
      dbUrl: database.url,
      workers: WORKERS,
      requestsPerWorker: options.quick ? REQUESTS_PER_WORKER.quick : REQUESTS_PER_WORKER.full,
      limit: SMOKEBALL_LIMIT,
      latencyMs: RUN_LATENCY_MS,
    });
    const failed = run.workers.flatMap((w) => w.results).filter((r) => !r.ok);
    if (failed.length > 0) throw new Error(`${failed.length} calls failed, e.g. ${JSON.stringify(failed[0])}`);
    return {
      name: 'rate-limiter',
      throttled: run.stats.throttled,
      lowerBoundMs: Math.round(run.lowerBoundMs),
      wallMs: run.wallMs,
      efficiency: run.wallMs > 0 ? Math.round((run.lowerBoundMs / run.wallMs) * 1000) / 1000 : 0,
      requests: run.log.length,
    };
  } finally {
    await database.stop();
  }
}

/** A throwaway Postgres with the project's schema, removed again on stop. */
async function startMigratedPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'casehug-bench-rate-limiter-'));
  try {
    const db = await startPostgres({ dataDir: join(dataDir, 'pg'), port: await freePort(), fresh: true });
    try {
      await bootstrapDatabase(db.url);
      await applyMigrations(db.url);
    } catch (error) {
      await db.stop();
      throw error;
    }
    return {
      url: db.url,
      stop: async () => {
        await db.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runRateLimiterScenario({ quick: process.argv.includes('--quick'), dbUrl: process.env.DATABASE_URL }).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
