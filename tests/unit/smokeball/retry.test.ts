import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type AttemptOutcome,
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  backoffMs,
  decideRetry,
  JUST_CREATED_WINDOW_MS,
  parseRetryAfterMs,
  type RetryInput,
} from '../../../shared/smokeball/retry.ts';

const input = (outcome: AttemptOutcome, overrides: Partial<RetryInput> = {}): RetryInput => ({
  outcome,
  attempt: 1,
  elapsedMs: 0,
  policy: { maxAttempts: 5, budgetMs: 30_000 },
  idempotent: true,
  justCreated: false,
  refreshed: false,
  random: () => 0.5,
  ...overrides,
});
const status = (code: number, retryAfterMs?: number): AttemptOutcome => ({ kind: 'status', status: code, retryAfterMs });
const network: AttemptOutcome = { kind: 'network', timedOut: false };
const timeout: AttemptOutcome = { kind: 'network', timedOut: true };

describe('decideRetry()', () => {
  test.each([
    { name: '429 retries', at: input(status(429)), verdict: 'retry', reason: 'rate_limited' },
    { name: '429 on a create still retries (the gateway refused it)', at: input(status(429), { idempotent: false }), verdict: 'retry', reason: 'rate_limited' },
    { name: '503 retries', at: input(status(503)), verdict: 'retry', reason: 'server_error' },
    { name: '500 retries', at: input(status(500)), verdict: 'retry', reason: 'server_error' },
    { name: '502 on a create stops (may have been delivered)', at: input(status(502), { idempotent: false }), verdict: 'stop', reason: 'unsafe_to_retry' },
    { name: 'network error retries', at: input(network), verdict: 'retry', reason: 'network_error' },
    { name: 'timeout retries', at: input(timeout), verdict: 'retry', reason: 'network_error' },
    { name: 'network error on a create stops', at: input(network, { idempotent: false }), verdict: 'stop', reason: 'unsafe_to_retry' },
    { name: '400 is final', at: input(status(400)), verdict: 'stop', reason: 'client_error' },
    { name: '403 is final', at: input(status(403)), verdict: 'stop', reason: 'client_error' },
    { name: '409 is final', at: input(status(409)), verdict: 'stop', reason: 'client_error' },
    { name: '401 refreshes once', at: input(status(401)), verdict: 'retry', reason: 'refresh_token' },
    { name: '401 after the refresh stops', at: input(status(401), { refreshed: true }), verdict: 'stop', reason: 'unauthorized_after_refresh' },
    { name: '404 is final for an old id', at: input(status(404)), verdict: 'stop', reason: 'not_found' },
    { name: '404 retries for a just-created id', at: input(status(404), { justCreated: true }), verdict: 'retry', reason: 'not_yet_visible' },
    { name: '404 for a just-created id stops after the window', at: input(status(404), { justCreated: true, elapsedMs: JUST_CREATED_WINDOW_MS }), verdict: 'stop', reason: 'not_found' },
    { name: 'attempts exhausted', at: input(status(503), { attempt: 5 }), verdict: 'stop', reason: 'attempts_exhausted' },
    { name: 'budget exhausted', at: input(status(503), { elapsedMs: 29_990 }), verdict: 'stop', reason: 'budget_exhausted' },
    { name: 'Retry-After beyond the budget', at: input(status(429, 60_000)), verdict: 'stop', reason: 'budget_exhausted' },
  ])('$name', ({ at, verdict, reason }) => {
    expect(decideRetry(at)).toMatchObject({ verdict, reason });
  });

  test('Retry-After wins over the computed backoff', () => {
    expect(decideRetry(input(status(429, 3000)))).toEqual({ verdict: 'retry', reason: 'rate_limited', waitMs: 3000 });
    expect(decideRetry(input(status(503, 0)))).toEqual({ verdict: 'retry', reason: 'server_error', waitMs: 0 });
  });

  test('without Retry-After the wait is the full-jitter backoff of the attempt', () => {
    expect(decideRetry(input(status(503), { attempt: 3 })).waitMs).toBe(backoffMs(3, () => 0.5));
  });

  test('the 401 retry does not wait', () => {
    expect(decideRetry(input(status(401))).waitMs).toBe(0);
  });

  test('a 404 retry never waits past the eventual-consistency window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: JUST_CREATED_WINDOW_MS }), fc.integer({ min: 1, max: 4 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (elapsedMs, attempt, r) => {
        const verdict = decideRetry(input(status(404), { justCreated: true, elapsedMs, attempt, random: () => r }));
        if (verdict.verdict === 'retry') expect(elapsedMs + verdict.waitMs).toBeLessThanOrEqual(JUST_CREATED_WINDOW_MS);
      }),
    );
  });
});

describe('decideRetry() for a write naming a just-created resource', () => {
  for (const code of [404, 403, 400]) {
    test(`${code} is "not visible yet" while the resource is younger than the window`, () => {
      const verdict = decideRetry(input(status(code), { idempotent: false, freshReferenceAgeMs: 200, attempt: 7 }));
      expect(verdict).toMatchObject({ verdict: 'retry', reason: 'not_yet_visible' });
    });
    test(`${code} is final once the resource is older than the window`, () => {
      const verdict = decideRetry(input(status(code), { freshReferenceAgeMs: JUST_CREATED_WINDOW_MS - 10, elapsedMs: 5 }));
      expect(verdict.verdict).toBe('stop');
      expect(verdict.reason).toBe(code === 404 ? 'not_found' : 'client_error');
    });
  }

  test('a 403 or 400 without a fresh reference stays final at once', () => {
    expect(decideRetry(input(status(403))).verdict).toBe('stop');
    expect(decideRetry(input(status(400), { justCreated: true })).verdict).toBe('stop');
  });

  test('four retries wait at least 750 ms in all, so a visibility delay of up to 600 ms is ridden out', () => {
    let total = 0;
    for (let attempt = 1; attempt <= 4; attempt++) {
      const verdict = decideRetry(input(status(404), { freshReferenceAgeMs: 0, attempt, elapsedMs: total, random: () => 0 }));
      expect(verdict.verdict).toBe('retry');
      total += verdict.waitMs;
    }
    expect(total).toBeGreaterThanOrEqual(750);
  });

  test('never waits past the window counted from the creation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: JUST_CREATED_WINDOW_MS }), fc.integer({ min: 0, max: JUST_CREATED_WINDOW_MS }), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (ageMs, elapsedMs, attempt, r) => {
        const verdict = decideRetry(input(status(404), { freshReferenceAgeMs: ageMs, elapsedMs, attempt, random: () => r }));
        if (verdict.verdict === 'retry') expect(ageMs + elapsedMs + verdict.waitMs).toBeLessThanOrEqual(JUST_CREATED_WINDOW_MS);
      }),
    );
  });
});

describe('backoffMs()', () => {
  test('is within [0, min(cap, base·2^(attempt−1))) for any random value (full jitter)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const wait = backoffMs(attempt, () => r);
        const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThan(ceiling);
        expect(Number.isInteger(wait)).toBe(true);
      }),
    );
  });

  test('uses the whole range: 0 at random 0, near the ceiling at random → 1', () => {
    expect(backoffMs(1, () => 0)).toBe(0);
    expect(backoffMs(1, () => 0.9999)).toBe(BACKOFF_BASE_MS - 1);
    expect(backoffMs(3, () => 0.9999)).toBe(4 * BACKOFF_BASE_MS - 1);
  });

  test('is capped, also for huge attempt numbers', () => {
    expect(backoffMs(50, () => 0.9999)).toBe(BACKOFF_CAP_MS - 2);
    expect(backoffMs(10_000, () => 0.9999)).toBeLessThan(BACKOFF_CAP_MS);
  });

  test('takes its own base and cap (queue jobs)', () => {
    expect(backoffMs(4, () => 0.5, { baseMs: 1000, capMs: 3000 })).toBe(1500);
  });
});

describe('parseRetryAfterMs()', () => {
  const now = Date.UTC(2026, 10, 26, 12, 0, 0);
  test.each([
    { header: '3', expected: 3000 },
    { header: ' 0 ', expected: 0 },
    { header: '120', expected: 120_000 },
    { header: 'Thu, 26 Nov 2026 12:00:05 GMT', expected: 5000 },
    { header: 'Thu, 26 Nov 2026 11:59:00 GMT', expected: 0 },
    { header: null, expected: undefined },
    { header: '', expected: undefined },
    { header: '1.5', expected: undefined },
    { header: '-1', expected: undefined },
    { header: 'soon', expected: undefined },
  ])('$header → $expected', ({ header, expected }) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });
});
