import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, inject, test } from 'vitest';
import { signLegacyToken, signStackToken, unsecuredToken } from '../../helpers/auth.ts';
import { callFunction, signToken, supabaseAs } from '../../helpers/stack.ts';
import { helpFor } from '../../../shared/error-help.ts';

const user = { sub: randomUUID(), email: 'health@example.test' };

describe('health', () => {
  test('answers ok, database and Smokeball configuration to a signed-in user', async () => {
    const res = await callFunction('health', { token: await signToken(user) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
    expect(await res.json()).toEqual({ ok: true, database: 'ok', smokeball: { configured: true, firms: [] } });
  });

  test('is callable through supabase-js functions.invoke as the frontend does', async () => {
    const { data, error } = await supabaseAs(await signToken(user)).functions.invoke('health', { method: 'GET' });
    expect(error).toBeNull();
    expect(data).toEqual({ ok: true, database: 'ok', smokeball: { configured: true, firms: [] } });
  });

  test('without a token the function itself answers 401 invalid_jwt (no gateway check in front of it)', async () => {
    const res = await callFunction('health');
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body).toEqual({ error: { code: 'invalid_jwt', message: 'Missing bearer token', help: helpFor('invalid_jwt'), retryable: false }, requestId: expect.any(String) });
    // The request id is the function's: the gateway's own errors carry none.
    expect(res.headers.get('x-request-id')).toBe(body.requestId);
  });

  test.each([
    ['malformed', async () => 'not-a-jwt'],
    ['signed by another key', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const kid = JSON.parse(inject('signingKey')).kid;
      return new SignJWT({ role: 'authenticated', aud: 'authenticated' }).setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(user.sub).setIssuer(inject('issuer')).setExpirationTime('1h').sign(privateKey);
    }],
    ['expired', async () => signToken({ ...user, expiresInS: -60 })],
    ['from another issuer', async () => signStackToken({ ...user, iss: 'https://elsewhere.example/auth/v1' })],
    ['without exp', async () => signStackToken({ ...user, expiresInS: null })],
    ['for another audience', async () => signStackToken({ ...user, aud: 'service' })],
    ['of another role', async () => signStackToken({ ...user, role: 'anon' })],
    ['unsecured (alg none)', async () => unsecuredToken(user, { kid: JSON.parse(inject('signingKey')).kid })],
    // The classic confusion: HS256 with the public key as the HMAC secret, naming the ES256 key's kid.
    ['HS256 keyed with the ES256 public key', async () => {
      const { d: _private, ...publicKey } = JSON.parse(inject('signingKey'));
      return signLegacyToken(JSON.stringify(publicKey), inject('issuer'), user, { kid: publicKey.kid });
    }],
    // This project has no legacy JWT secret: the Auth server refuses any HS256 token.
    ['HS256 signed with some secret', async () => signLegacyToken('a-secret-this-project-never-had-0123456789', inject('issuer'), user)],
  ])('a %s token gets 401 invalid_jwt from the function, with no stack trace', async (_name, makeToken) => {
    const res = await callFunction('health', { token: await makeToken() });
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.error.code).toBe('invalid_jwt');
    expect(body.requestId).toEqual(expect.any(String));
    expect(JSON.stringify(body)).not.toMatch(/\bat\s|\.ts:\d+|@supabase/);
  });

  test('a valid token built the same way as the refused ones gets 200 (the refusals are about the one flaw)', async () => {
    const res = await callFunction('health', { token: await signStackToken(user) });
    expect(res.status).toBe(200);
  });

  test('a wrong method gets 405 with a JSON error', async () => {
    const res = await callFunction('health', { method: 'POST', token: await signToken(user), body: '{}' });
    expect(res.status).toBe(405);
    expect((await res.json()).error).toEqual({ code: 'method_not_allowed', message: 'Use GET', help: helpFor('method_not_allowed'), retryable: false });
  });
});

describe('gateway', () => {
  test('an unknown function gets 404 function_not_found as JSON', async () => {
    const res = await callFunction('no-such-function', { token: await signToken(user) });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'function_not_found', message: 'Requested function was not found', help: helpFor('function_not_found'), retryable: false },
      requestId: expect.any(String),
    });
  });

  test('answers CORS preflight for a function without a token', async () => {
    const res = await callFunction('health', { method: 'OPTIONS', headers: { origin: 'http://app.example', 'access-control-request-method': 'GET' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  test('an unsupported method at the gateway gets a JSON 405', async () => {
    const res = await fetch(`${inject('gatewayUrl')}/functions/v1/health`, { method: 'PROPFIND' });
    expect(res.status).toBe(405);
    expect((await res.json()).error.code).toBe('method_not_allowed');
  });

  test('an unknown route gets a JSON 404', async () => {
    const res = await fetch(`${inject('gatewayUrl')}/nothing/here`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });

  test('serves the JWKS that verifies user tokens, without the private part', async () => {
    const res = await fetch(`${inject('gatewayUrl')}/auth/v1/.well-known/jwks.json`);
    const body = await res.json();
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(body.keys[0].d).toBeUndefined();
  });
});
