import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  createInMemoryRateLimiter,
  GCRA_INTERVAL_MARGIN_MS,
  GCRA_JITTER_ALLOWANCE_MS,
  gcraParameters,
  rateLimitBucket,
  reserveGcraSlot,
} from '../../../shared/smokeball/rate-limiter.ts';
import { fakeClock } from './fakes.ts';

/** Smokeball's (and the simulator's) token bucket: `burst` tokens, refilled at `rps`; true = accepted. */
function tokenBucketAccepts(arrivalsMs: number[], rps: number, burst: number): boolean {
  let tokens = burst;
  let lastMs = -Infinity;
  for (const at of [...arrivalsMs].sort((a, b) => a - b)) {
    tokens = lastMs === -Infinity ? burst : Math.min(burst, tokens + ((at - lastMs) * rps) / 1000);
    lastMs = at;
    if (tokens < 1 - 1e-9) return false;
    tokens -= 1;
  }
  return true;
}

/** Dispatch times the GCRA gives requests that ask at `requestTimesMs` (sorted). */
function dispatchTimes(requestTimesMs: number[], rps: number, burst: number): number[] {
  const parameters = gcraParameters({ rps, burst });
  let tat: number | undefined;
  return requestTimesMs.map((now) => {
    const { waitMs, nextTatMs } = reserveGcraSlot(tat, now, parameters);
    tat = nextTatMs;
    return now + waitMs;
  });
}

describe('gcraParameters()', () => {
  test('5 rps burst 5: T = 200 ms + margin, τ = 4·200 ms − jitter allowance', () => {
    expect(gcraParameters({ rps: 5, burst: 5 })).toEqual({
      intervalMs: 200 + GCRA_INTERVAL_MARGIN_MS,
      toleranceMs: 800 - GCRA_JITTER_ALLOWANCE_MS,
    });
  });

  test('rejects nonsense', () => {
    expect(() => gcraParameters({ rps: 0, burst: 5 })).toThrow(RangeError);
    expect(() => gcraParameters({ rps: 5, burst: 0 })).toThrow(RangeError);
  });
});

describe('GCRA schedule against Smokeball token bucket (5/s, burst 5)', () => {
  test('100 simultaneous requests: the tolerated burst at once, then one every interval', () => {
    const times = dispatchTimes(Array(100).fill(0), 5, 5);
    const { intervalMs, toleranceMs } = gcraParameters({ rps: 5, burst: 5 });
    const burst = times.filter((t) => t === 0).length;
    expect(burst).toBe(Math.floor(toleranceMs / intervalMs) + 1);
    expect(times[99]).toBeLessThanOrEqual(99 * intervalMs - toleranceMs);
    expect(tokenBucketAccepts(times, 5, 5)).toBe(true);
  });

  test('sustained throughput stays within 1% of the limit', () => {
    const times = dispatchTimes(Array(1000).fill(0), 5, 5);
    const rps = 999 / (times[999] / 1000);
    expect(rps).toBeGreaterThan(5 * 0.985);
    expect(rps).toBeLessThanOrEqual(5);
  });

  test('any request pattern, delivered with up to the jitter allowance of delay each, never trips the bucket', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 80 }),
        fc.array(fc.integer({ min: 0, max: GCRA_JITTER_ALLOWANCE_MS }), { minLength: 80, maxLength: 80 }),
        (asks, delays) => {
          const requestTimes = [...asks].sort((a, b) => a - b);
          const arrivals = dispatchTimes(requestTimes, 5, 5).map((t, i) => t + delays[i]);
          expect(tokenBucketAccepts(arrivals, 5, 5)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('without the jitter allowance the same delays do trip it (why the allowance exists)', () => {
    let tat: number | undefined;
    const exact = { intervalMs: 200, toleranceMs: 800 };
    const dispatch = Array.from({ length: 10 }, () => {
      const { waitMs, nextTatMs } = reserveGcraSlot(tat, 0, exact);
      tat = nextTatMs;
      return waitMs;
    });
    // The burst arrives 30 ms late (the bucket is full meanwhile, so that refill is lost); the next one
    // is on time and finds only 0.85 tokens.
    const arrivals = dispatch.map((t, i) => (i < 5 ? t + 30 : t));
    expect(tokenBucketAccepts(dispatch, 5, 5)).toBe(true);
    expect(tokenBucketAccepts(arrivals, 5, 5)).toBe(false);
  });
});

describe('createInMemoryRateLimiter()', () => {
  test('keeps one schedule per bucket and sleeps until the slot', async () => {
    const clock = fakeClock(0);
    const limiter = createInMemoryRateLimiter({ rps: 5, burst: 1, jitterAllowanceMs: 0 }, clock);
    await limiter.acquire('a');
    await limiter.acquire('a');
    await limiter.acquire('b');
    expect(clock.sleeps).toEqual([202]);
  });

  test('bucket names are clientId:METHOD route', () => {
    expect(rateLimitBucket('client-1', 'POST /matters/{id}/documents/files')).toBe('client-1:POST /matters/{id}/documents/files');
  });
});
