// The adapter's own decisions, in process: which request ids are echoed, the method check, CORS, the error
// shape and what a failure logs. The handlers are stubs; the runtime is never reached by these paths
// except as an opaque value.
import { afterEach, beforeEach, describe, expect, test, vi, type MockInstance } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { defineFunction } from '../../../shared/http/define-function.ts';
import type { Runtime } from '../../../shared/runtime/runtime.ts';
import { helpFor } from '../../../shared/error-help.ts';

const runtime = () => ({}) as Runtime;
const URL_ = 'http://127.0.0.1/functions/v1/probe';

let logSpy: MockInstance<typeof console.log>;
beforeEach(() => {
  logSpy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => logSpy.mockRestore());
const logLines = () => logSpy.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);

function probe(handle: () => Promise<{ status?: number; body: unknown } | Response>, options: { cors?: boolean } = {}) {
  return defineFunction({ name: 'probe', methods: ['POST'], auth: 'none', cors: options.cors, handle }, runtime);
}
const ok = probe(async () => ({ body: { ok: true } }));

describe('defineFunction(): request id', () => {
  test.each(['abcdefgh', 'req-1234.5678_ABCD', 'a'.repeat(64)])('echoes and logs a caller id of plain characters (%s)', async (id) => {
    const res = await ok(new Request(URL_, { method: 'POST', headers: { 'x-request-id': id } }));
    expect(res.headers.get('x-request-id')).toBe(id);
    expect(logLines().at(-1)).toMatchObject({ event: 'request', requestId: id, status: 200 });
  });

  test.each([
    ['too short', 'abc1234'],
    ['too long', 'a'.repeat(65)],
    ['with a space', 'abcd efgh'],
    ['with a quote', 'abcdefgh"x'],
    ['with a slash', 'abcd/efgh'],
    ['with a newline escape', 'abcdefgh%0a'],
    ['not ASCII', 'abcdéfghij'],
  ])('replaces a caller id %s with a fresh UUID', async (_name, id) => {
    const res = await ok(new Request(URL_, { method: 'POST', headers: { 'x-request-id': id } }));
    const echoed = res.headers.get('x-request-id');
    expect(echoed).not.toBe(id);
    expect(echoed).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.stringify(logLines())).not.toContain(id);
  });

  test('every request without an id gets its own', async () => {
    const [a, b] = await Promise.all([ok(new Request(URL_, { method: 'POST' })), ok(new Request(URL_, { method: 'POST' }))]);
    expect(a.headers.get('x-request-id')).toBeTruthy();
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });
});

describe('defineFunction(): method and CORS', () => {
  test('a method not listed is 405 method_not_allowed in the error shape, without calling the handler', async () => {
    const handle = vi.fn(async () => ({ body: {} }));
    const res = await probe(handle)(new Request(URL_, { method: 'GET', headers: { 'x-request-id': 'req-abcdefgh' } }));
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({ error: { code: 'method_not_allowed', message: 'Use POST', help: helpFor('method_not_allowed'), retryable: false }, requestId: 'req-abcdefgh' });
    expect(handle).not.toHaveBeenCalled();
  });

  test('with cors, OPTIONS is a 204 preflight that never reaches the handler', async () => {
    const handle = vi.fn(async () => ({ body: {} }));
    const res = await probe(handle, { cors: true })(new Request(URL_, { method: 'OPTIONS' }));
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(handle).not.toHaveBeenCalled();
  });

  test('without cors, OPTIONS is only a method not allowed', async () => {
    const res = await ok(new Request(URL_, { method: 'OPTIONS' }));
    expect(res.status).toBe(405);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('with cors, answers and errors both carry the CORS headers; a handler’s own header wins', async () => {
    const answered = await probe(async () => new Response('x', { headers: { 'access-control-allow-origin': 'https://app.example' } }), { cors: true })(
      new Request(URL_, { method: 'POST' }),
    );
    expect(answered.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(answered.headers.get('x-request-id')).toBeTruthy();
    const failed = await probe(async () => {
      throw new AppError({ code: 'forbidden', status: 403, message: 'No' });
    }, { cors: true })(new Request(URL_, { method: 'POST' }));
    expect(failed.status).toBe(403);
    expect(failed.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('a handler result without a status is 200 JSON; with one, that status', async () => {
    const plain = await ok(new Request(URL_, { method: 'POST' }));
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await plain.json()).toEqual({ ok: true });
    const accepted = await probe(async () => ({ status: 202, body: { queued: 1 } }))(new Request(URL_, { method: 'POST' }));
    expect(accepted.status).toBe(202);
  });
});

describe('defineFunction(): failures', () => {
  test('an unexpected error is 500 internal_error with no detail, and its name and message are logged', async () => {
    const res = await probe(async () => {
      throw new TypeError('db password=hunter2 rejected');
    })(new Request(URL_, { method: 'POST' }));
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.code).toBe('internal_error');
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(logLines()).toContainEqual(expect.objectContaining({ level: 'error', event: 'request_failed', errorName: 'TypeError' }));
  });

  test('a 5xx AppError logs its error code and its cause, and answers only its own message', async () => {
    const res = await probe(async () => {
      throw new AppError({ code: 'smokeball_unavailable', status: 503, message: 'Smokeball is unavailable', cause: new Error('socket hang up') });
    })(new Request(URL_, { method: 'POST' }));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'smokeball_unavailable', message: 'Smokeball is unavailable' } });
    expect(logLines()).toContainEqual(
      expect.objectContaining({ level: 'error', event: 'request_failed', errorCode: 'smokeball_unavailable', errorMessage: 'socket hang up' }),
    );
  });

  test('a 4xx AppError is answered but not logged as a failure', async () => {
    const res = await probe(async () => {
      throw new AppError({ code: 'invalid_body', status: 400, message: 'Invalid request body: check matterId' });
    })(new Request(URL_, { method: 'POST' }));
    expect(res.status).toBe(400);
    expect(logLines().filter((l) => l.event === 'request_failed')).toEqual([]);
    expect(logLines().at(-1)).toMatchObject({ level: 'info', event: 'request', status: 400, method: 'POST' });
  });
});
