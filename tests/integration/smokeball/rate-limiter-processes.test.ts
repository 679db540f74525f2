// The Postgres GCRA limiter is shared across OS processes. Six Node processes, each
// with its own pool, limiter and client (an Edge Function instance each), fire 50 mixed calls at once
// against a dedicated simulator that throttles like Smokeball (5 rps, burst 5 per client id and endpoint,
// 30–80 ms latency); not one request may be answered 429. The run itself lives in
// bench/lib/rate-limiter-workers.ts, shared with the benchmark scenario.
import { inject, describe, expect, it } from 'vitest';
import { runRateLimiterWorkload, SMOKEBALL_LIMIT, WORKLOAD_KINDS } from '../../../bench/lib/rate-limiter-workers.ts';

const WORKERS = 6;
const CALLS_PER_WORKER = 50;

describe('the shared rate limiter across processes', () => {
  it('6 processes × 50 concurrent mixed calls: every call succeeds and the simulator throttles none', { timeout: 180_000 }, async () => {
    const run = await runRateLimiterWorkload({ dbUrl: inject('dbUrl'), workers: WORKERS, requestsPerWorker: CALLS_PER_WORKER });

    // Every call of every process succeeded.
    expect(run.workers).toHaveLength(WORKERS);
    const results = run.workers.flatMap((w) => w.results);
    expect(results).toHaveLength(WORKERS * CALLS_PER_WORKER);
    expect(results.filter((r) => !r.ok)).toEqual([]);

    // Zero 429s, by the simulator's counter (its whole life, seeding included) and by its request log.
    expect(run.throttled).toEqual([]);
    expect(run.stats.throttled).toBe(0);
    expect(run.log.filter((e) => e.throttled || e.status === 429)).toEqual([]);
    // One request per call and no retries: every request of the run is a 200 of this run's client id.
    expect(run.log).toHaveLength(WORKERS * CALLS_PER_WORKER);
    expect(run.log.every((e) => e.status === 200 && e.clientId === run.clientId)).toBe(true);
    expect(run.workers.reduce((sum, w) => sum + w.attempts, 0)).toBe(WORKERS * CALLS_PER_WORKER);
    // The mix really was mixed: 60 requests on each of the five endpoints.
    const perEndpoint = new Map<string, number>();
    for (const entry of run.log) perEndpoint.set(entry.endpoint, (perEndpoint.get(entry.endpoint) ?? 0) + 1);
    expect([...perEndpoint.values()]).toEqual(Array(WORKLOAD_KINDS.length).fill((WORKERS * CALLS_PER_WORKER) / WORKLOAD_KINDS.length));

    // Speed is the benchmark's business; reported here, not asserted (only that physics holds).
    expect(run.wallMs).toBeGreaterThanOrEqual(run.lowerBoundMs);
    console.info(
      `rate limiter, ${WORKERS} processes × ${CALLS_PER_WORKER} calls at ${SMOKEBALL_LIMIT.rps} rps / burst ${SMOKEBALL_LIMIT.burst}: ` +
        `wall ${run.wallMs} ms, lower bound ${Math.round(run.lowerBoundMs)} ms, efficiency ${(run.lowerBoundMs / run.wallMs).toFixed(3)}, 429s ${run.stats.throttled}`,
    );
  });
});
