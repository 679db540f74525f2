import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { SmokeballHttpError, SmokeballNetworkError } from '../../../shared/smokeball/errors.ts';
import { priorityOfTrigger } from '../../../shared/smokeball/rate-limiter.ts';
import { createSmokeballRequest, fillRoute } from '../../../shared/smokeball/request.ts';
import { createFreshResources, VISIBILITY_MARGIN, VISIBILITY_PRIOR_MS } from '../../../shared/smokeball/fresh-resources.ts';
import { JUST_CREATED_WINDOW_MS } from '../../../shared/smokeball/retry.ts';
import { CreatedLink } from '../../../shared/smokeball/schemas/common.ts';
import { Contact } from '../../../shared/smokeball/schemas/contact.ts';
import { fakeDeps, json, readFixture, scriptedFetch } from './fakes.ts';

const contact = readFixture('contact-person-au-staging.json');
const problem = readFixture('problem-details-validation.json');
const getContact = { method: 'GET', route: '/contacts/{id}', ids: ['c-1'], schema: Contact } as const;
const createMatter = { method: 'POST', route: '/matters', json: { status: 'Open' }, schema: CreatedLink } as const;

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('every request', () => {
  test('carries x-api-key, a bearer token and a fresh RequestId, and returns the RequestId', async () => {
    const { fetch, requests } = scriptedFetch(json(503, {}), json(200, contact));
    const { deps, calls } = fakeDeps(fetch);
    const result = await createSmokeballRequest(deps)(getContact);
    expect(requests.map(({ request }) => request.url)).toEqual([
      'https://api.example.test/contacts/c-1',
      'https://api.example.test/contacts/c-1',
    ]);
    for (const { request } of requests) {
      expect(request.headers.get('x-api-key')).toBe('test-api-key');
      expect(request.headers.get('authorization')).toBe('Bearer token-1');
    }
    expect(requests.map(({ request }) => request.headers.get('RequestId'))).toEqual(['req-1', 'req-2']);
    expect(result.requestId).toBe('req-2');
    expect(result.data.id).toBe('3f2c9a4e-7b1d-4c55-9e0a-2d6f1b8c7a11');
    expect(calls).toEqual([
      expect.objectContaining({ method: 'GET', endpoint: 'GET /contacts/{id}', status: 503, requestId: 'req-1', attempt: 1, outcome: 'response' }),
      expect.objectContaining({ method: 'GET', endpoint: 'GET /contacts/{id}', status: 200, requestId: 'req-2', attempt: 2, outcome: 'response' }),
    ]);
  });

  test('passes the limiter before every attempt, retries included, with bucket clientId:METHOD route', async () => {
    const { fetch } = scriptedFetch(json(429, { message: 'Too Many Requests' }), json(500, {}), json(200, contact));
    const { deps, limiter } = fakeDeps(fetch);
    await createSmokeballRequest(deps)(getContact);
    expect(limiter.buckets).toEqual(['client-1:GET /contacts/{id}', 'client-1:GET /contacts/{id}', 'client-1:GET /contacts/{id}']);
  });

  test("asks the limiter in the client's class and firm; interactive when none is given", async () => {
    const claims: unknown[] = [];
    const limiter = { acquire: async (_bucket: string, claim?: unknown) => void claims.push(claim) };
    const bulk = fakeDeps(scriptedFetch(json(200, contact)).fetch, { limiter, slotClaim: { priority: 'bulk', firmId: 'firm-a' } });
    await createSmokeballRequest(bulk.deps)(getContact);
    const plain = fakeDeps(scriptedFetch(json(200, contact)).fetch, { limiter });
    await createSmokeballRequest(plain.deps)(getContact);
    expect(claims).toEqual([{ priority: 'bulk', firmId: 'firm-a' }, { priority: 'interactive' }]);
  });

  test("a sync's class follows what started it: a member's manual sync is interactive", () => {
    expect(['manual', 'webhook', 'auto', 'bulk'].map((t) => priorityOfTrigger(t as 'manual'))).toEqual(['interactive', 'webhook', 'auto', 'bulk']);
  });

  test('fills {id} placeholders in order and encodes them', () => {
    expect(fillRoute('/matters/{id}/documents/files', ['a/b'])).toBe('matters/a%2Fb/documents/files');
    expect(() => fillRoute('/matters/{id}', [])).toThrow(RangeError);
    expect(() => fillRoute('/matters', ['x'])).toThrow(RangeError);
  });
});

describe('retries', () => {
  test('429 and 503 are retried until success, with full-jitter backoff', async () => {
    const { fetch, requests } = scriptedFetch(json(429, { message: 'Too Many Requests' }), json(503, {}), json(200, contact));
    const { deps, clock } = fakeDeps(fetch);
    await createSmokeballRequest(deps)(getContact);
    expect(requests).toHaveLength(3);
    // random() = 0.5: half of 250 ms, then half of 500 ms.
    expect(clock.sleeps).toEqual([125, 250]);
  });

  test('Retry-After (seconds) is honoured', async () => {
    const { fetch } = scriptedFetch(json(429, { message: 'Too Many Requests' }, { 'retry-after': '2' }), json(200, contact));
    const { deps, clock } = fakeDeps(fetch);
    await createSmokeballRequest(deps)(getContact);
    expect(clock.sleeps).toEqual([2000]);
  });

  test('Retry-After (HTTP-date) is measured with the injected clock', async () => {
    const { deps, clock } = fakeDeps(fetch);
    const at = new Date(clock.now() + 4000).toUTCString();
    const scripted = scriptedFetch(json(503, {}, { 'retry-after': at }), json(200, contact));
    deps.fetch = scripted.fetch;
    await createSmokeballRequest(deps)(getContact);
    expect(clock.sleeps).toEqual([4000]);
  });

  test('400 is never retried and carries the ProblemDetails', async () => {
    const { fetch, requests } = scriptedFetch(json(400, problem, { 'content-type': 'application/problem+json' }));
    const { deps, limiter } = fakeDeps(fetch);
    const error = (await caught(createSmokeballRequest(deps)(createMatter))) as SmokeballHttpError;
    expect(requests).toHaveLength(1);
    expect(limiter.buckets).toEqual(['client-1:POST /matters']);
    expect(error).toBeInstanceOf(SmokeballHttpError);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'smokeball_bad_request',
      status: 502,
      upstreamStatus: 400,
      requestId: 'req-1',
      endpoint: 'POST /matters',
      attempts: 1,
      stopReason: 'client_error',
      maybeDelivered: false,
    });
    expect(error.problem?.errors).toHaveLength(3);
    expect(error.message).toBe('Smokeball rejected the request (status 400) (POST /matters): One or more validation errors occurred.');
  });

  test('401 triggers one refresh and one retry with the new token', async () => {
    const { fetch, requests } = scriptedFetch(json(401, { message: 'Unauthorized' }), json(200, contact));
    const { deps, tokenLog } = fakeDeps(fetch);
    const result = await createSmokeballRequest(deps)(getContact);
    expect(result.requestId).toBe('req-2');
    expect(tokenLog).toEqual(['get', 'refresh']);
    expect(requests.map(({ request }) => request.headers.get('authorization'))).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  test('a second 401 after the refresh is final (no second refresh)', async () => {
    const { fetch, requests } = scriptedFetch(json(401, { message: 'Unauthorized' }));
    const { deps, tokenLog } = fakeDeps(fetch);
    const error = await caught(createSmokeballRequest(deps)(getContact));
    expect(error).toMatchObject({ code: 'smokeball_unauthorized', upstreamStatus: 401, stopReason: 'unauthorized_after_refresh' });
    expect(requests).toHaveLength(2);
    expect(tokenLog).toEqual(['get', 'refresh']);
  });

  test('404 on a just-created id is retried until it appears', async () => {
    const { fetch, requests } = scriptedFetch(json(404, {}), json(404, {}), json(200, contact));
    const { deps } = fakeDeps(fetch);
    const result = await createSmokeballRequest(deps)({ ...getContact, justCreated: true });
    expect(requests).toHaveLength(3);
    expect(result.data.person?.firstName).toBe('Jane');
  });

  test('404 on a just-created id stops once the eventual-consistency window has passed', async () => {
    const { deps, clock } = fakeDeps(fetch);
    // Each attempt "takes" 6 s of the window.
    const scripted = scriptedFetch(() => {
      clock.advance(6000);
      return json(404, {});
    });
    deps.fetch = scripted.fetch;
    deps.retry = { maxAttempts: 10, budgetMs: 60_000 };
    const error = await caught(createSmokeballRequest(deps)({ ...getContact, justCreated: true }));
    expect(error).toMatchObject({ code: 'smokeball_not_found', stopReason: 'not_found' });
    expect(scripted.requests.length).toBe(Math.ceil(JUST_CREATED_WINDOW_MS / 6000));
  });

  test('404 without justCreated is final at once', async () => {
    const { fetch, requests } = scriptedFetch(json(404, {}));
    const { deps } = fakeDeps(fetch);
    await expect(createSmokeballRequest(deps)(getContact)).rejects.toMatchObject({ code: 'smokeball_not_found', attempts: 1 });
    expect(requests).toHaveLength(1);
  });

  test('budget exhaustion ends with a typed error naming the reason', async () => {
    const { fetch, requests } = scriptedFetch(json(503, {}, { 'retry-after': '4' }));
    const { deps } = fakeDeps(fetch, { retry: { maxAttempts: 100, budgetMs: 10_000 } });
    const error = await caught(createSmokeballRequest(deps)(getContact));
    expect(error).toBeInstanceOf(SmokeballHttpError);
    expect(error).toMatchObject({ code: 'smokeball_unavailable', status: 503, stopReason: 'budget_exhausted', attempts: 3 });
    expect(requests).toHaveLength(3);
  });

  test('attempt exhaustion ends with the last failure', async () => {
    const { fetch, requests } = scriptedFetch(json(429, { message: 'Too Many Requests' }));
    const { deps } = fakeDeps(fetch, { retry: { maxAttempts: 3 } });
    await expect(createSmokeballRequest(deps)(getContact)).rejects.toMatchObject({
      code: 'smokeball_rate_limited',
      stopReason: 'attempts_exhausted',
      attempts: 3,
    });
    expect(requests).toHaveLength(3);
  });

  test('network errors are retried for reads', async () => {
    const { fetch, requests } = scriptedFetch(new TypeError('fetch failed'), json(200, contact));
    const { deps, calls } = fakeDeps(fetch);
    await createSmokeballRequest(deps)(getContact);
    expect(requests).toHaveLength(2);
    expect(calls[0]).toMatchObject({ outcome: 'network_error', status: undefined });
  });
});

describe('creates (non-idempotent POST)', () => {
  test('a 503 is not retried and is marked maybeDelivered', async () => {
    const { fetch, requests } = scriptedFetch(json(503, {}), json(202, { id: 'm-1' }));
    const { deps } = fakeDeps(fetch);
    const error = await caught(createSmokeballRequest(deps)(createMatter));
    expect(requests).toHaveLength(1);
    expect(error).toMatchObject({ code: 'smokeball_unavailable', stopReason: 'unsafe_to_retry', maybeDelivered: true });
  });

  test('a network error is not retried and is marked maybeDelivered', async () => {
    const { fetch, requests } = scriptedFetch(new TypeError('socket hang up'));
    const { deps } = fakeDeps(fetch);
    const error = await caught(createSmokeballRequest(deps)(createMatter));
    expect(requests).toHaveLength(1);
    expect(error).toBeInstanceOf(SmokeballNetworkError);
    expect(error).toMatchObject({ code: 'smokeball_network_error', maybeDelivered: true });
  });

  test('a 429 is retried (the gateway refused it before the application saw it)', async () => {
    const { fetch, requests } = scriptedFetch(json(429, { message: 'Too Many Requests' }), json(202, { id: 'm-1', href: 'https://x/matters/m-1' }));
    const { deps } = fakeDeps(fetch);
    const result = await createSmokeballRequest(deps)(createMatter);
    expect(requests).toHaveLength(2);
    expect(result.data.id).toBe('m-1');
    expect(requests[1].body).toBe('{"status":"Open"}');
  });

  test('idempotent: true opts a create into 5xx retries', async () => {
    const { fetch, requests } = scriptedFetch(json(503, {}), json(202, { id: 'm-1' }));
    const { deps } = fakeDeps(fetch);
    await createSmokeballRequest(deps)({ ...createMatter, idempotent: true });
    expect(requests).toHaveLength(2);
  });
});

describe('responses', () => {
  test('a 2xx body that does not match the schema is smokeball_invalid_response and not retried', async () => {
    const { fetch, requests } = scriptedFetch(json(200, { person: {} }));
    const { deps } = fakeDeps(fetch);
    await expect(createSmokeballRequest(deps)(getContact)).rejects.toMatchObject({ code: 'smokeball_invalid_response', requestId: 'req-1' });
    expect(requests).toHaveLength(1);
  });

  test('an empty 200 body parses as undefined', async () => {
    const { fetch } = scriptedFetch(new Response(null, { status: 200 }));
    const { deps } = fakeDeps(fetch);
    const result = await createSmokeballRequest(deps)({ method: 'DELETE', route: '/webhooks/{id}', ids: ['w'], schema: z.unknown() });
    expect(result.data).toBeUndefined();
  });

  test('error messages never contain the token or the raw body', async () => {
    const { fetch } = scriptedFetch(json(403, { message: 'Forbidden', secret: 'raw-body-secret' }));
    const { deps } = fakeDeps(fetch);
    const error = (await caught(createSmokeballRequest(deps)(getContact))) as Error;
    expect(error.message).not.toMatch(/token-1|raw-body-secret|test-api-key/);
    expect(error).toMatchObject({ code: 'smokeball_forbidden', upstreamStatus: 403 });
  });
});

describe('writes naming a just-created resource', () => {
  const notFound = () => json(404, { title: 'Not Found', status: 404 });
  const link = { id: '9d1f3c2e-6a4b-4f0e-8c7d-5b2a1e0f9c88', href: 'https://api.example.test/matters/9d1f3c2e-6a4b-4f0e-8c7d-5b2a1e0f9c88' };

  test('wait until the resource is probably visible before the first attempt, then send once', async () => {
    const { fetch, requests } = scriptedFetch(json(202, link));
    const { deps, clock, limiter } = fakeDeps(fetch);
    const fresh = createFreshResources(clock.now);
    await createSmokeballRequest(deps)({ ...createMatter, freshReference: { ageMs: 120, names: ['c-1'], visibility: fresh } });
    expect(clock.sleeps).toEqual([VISIBILITY_PRIOR_MS - 120]);
    expect(requests).toHaveLength(1);
    expect(limiter.buckets).toEqual(['client-1:POST /matters']);
  });

  test('a refusal after the wait is ridden out, and the age it was accepted at becomes the next wait', async () => {
    const { fetch } = scriptedFetch(notFound(), notFound(), json(202, link), json(202, link));
    const { deps, clock } = fakeDeps(fetch);
    const fresh = createFreshResources(clock.now);
    const request = createSmokeballRequest(deps);
    await request({ ...createMatter, freshReference: { ageMs: 0, names: ['c-1'], visibility: fresh } });
    // The prior, then two "not visible yet" retries (retry.ts: equal jitter of 100 and 200 ms at random 0.5).
    expect(clock.sleeps).toEqual([VISIBILITY_PRIOR_MS, 75, 150]);
    const visibleAtMs = VISIBILITY_PRIOR_MS + 75 + 150;

    clock.sleeps.length = 0;
    await request({ ...createMatter, freshReference: { ageMs: 0, names: ['c-2'], visibility: fresh } });
    expect(clock.sleeps).toEqual([Math.ceil(visibleAtMs * VISIBILITY_MARGIN)]);
  });

  test('a request naming no fresh resource does not wait', async () => {
    const { fetch } = scriptedFetch(json(202, link));
    const { deps, clock } = fakeDeps(fetch);
    await createSmokeballRequest(deps)(createMatter);
    expect(clock.sleeps).toEqual([]);
  });
});
