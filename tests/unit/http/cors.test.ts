import { describe, expect, test } from 'vitest';
import { CORS_HEADERS, preflightResponse } from '../../../shared/http/cors.ts';

describe('preflightResponse()', () => {
  test('is an empty 204 carrying every CORS header', async () => {
    const res = preflightResponse();
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    for (const [name, value] of Object.entries(CORS_HEADERS)) expect(res.headers.get(name)).toBe(value);
  });

  test('allows what supabase-js functions.invoke sends: its auth, apikey, client info and JSON', () => {
    const allowed = CORS_HEADERS['Access-Control-Allow-Headers'].split(',').map((h) => h.trim().toLowerCase());
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'apikey', 'x-client-info', 'content-type']));
    const methods = CORS_HEADERS['Access-Control-Allow-Methods'].split(',').map((m) => m.trim());
    expect(methods).toEqual(expect.arrayContaining(['GET', 'POST', 'OPTIONS']));
  });

  test('each preflight is its own response (headers changed on one do not leak into the next)', () => {
    const first = preflightResponse();
    first.headers.set('x-request-id', 'r1');
    expect(preflightResponse().headers.get('x-request-id')).toBeNull();
    expect(CORS_HEADERS).not.toHaveProperty('x-request-id');
  });
});
