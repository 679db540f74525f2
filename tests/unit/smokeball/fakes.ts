// Test doubles for unit tests of pure client logic: a fake clock whose sleep advances it, and a fake fetch
// that answers from a script of Responses and records each Request (time comes from deps).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RateLimiter } from '../../../shared/smokeball/rate-limiter.ts';
import type { ApiCallRecord, SmokeballDeps } from '../../../shared/smokeball/request.ts';

export function readFixture(name: string): unknown {
  return JSON.parse(readFixtureText(name));
}
export function readFixtureText(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/smokeball/${name}`, import.meta.url)), 'utf8');
}

export function fakeClock(startMs = Date.UTC(2026, 10, 26, 12, 0, 0)) {
  let nowMs = startMs;
  const sleeps: number[] = [];
  return {
    now: () => nowMs,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      nowMs += ms;
    },
    advance: (ms: number) => {
      nowMs += ms;
    },
    sleeps,
  };
}

export type Answer = Response | Error | ((request: Request) => Response | Error);

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Answers requests in order; the last answer repeats. Records every request with its body text. */
export function scriptedFetch(...answers: Answer[]) {
  const requests: { request: Request; body: string }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push({ request, body: await request.clone().text() });
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)];
    const result = typeof answer === 'function' ? answer(request) : answer;
    if (result instanceof Error) throw result;
    // A Response body can be read once; the repeated last answer gets a fresh copy.
    return result.clone();
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

export function recordingLimiter(): RateLimiter & { buckets: string[] } {
  const buckets: string[] = [];
  return { buckets, acquire: async (bucket) => void buckets.push(bucket) };
}

/** Deps for createSmokeballRequest / createSmokeballClient with fakes; override any field. */
export function fakeDeps(fetch: typeof globalThis.fetch, overrides: Partial<SmokeballDeps> = {}) {
  const clock = fakeClock();
  const limiter = recordingLimiter();
  const calls: ApiCallRecord[] = [];
  const tokenLog: string[] = [];
  let ids = 0;
  let tokenVersion = 1;
  const deps: SmokeballDeps = {
    apiUrl: 'https://api.example.test',
    apiKey: 'test-api-key',
    clientId: 'client-1',
    tokens: {
      getAccessToken: async () => {
        tokenLog.push('get');
        return `token-${tokenVersion}`;
      },
      refreshAccessToken: async () => {
        tokenLog.push('refresh');
        tokenVersion += 1;
        return `token-${tokenVersion}`;
      },
    },
    limiter,
    fetch,
    now: clock.now,
    sleep: clock.sleep,
    // Mid-range jitter so waits are deterministic and non-zero.
    random: () => 0.5,
    onRequest: (call) => calls.push(call),
    newRequestId: () => `req-${++ids}`,
    ...overrides,
  };
  return { deps, clock, limiter, calls, tokenLog };
}
