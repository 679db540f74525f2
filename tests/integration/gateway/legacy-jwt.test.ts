// A project still on the legacy JWT secret: its users' access tokens are HS256 without a `kid`, its JWKS
// has no keys, and @supabase/server refuses such tokens. The functions then ask the project's Auth server
// (supabase-js `auth.getClaims()` → GET /auth/v1/user), which knows the secret. Here that project is a
// second gateway (the real dev/gateway code) configured as legacy, in front of a real health function.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FunctionProcess } from '../../../dev/gateway/function-process.ts';
import { startGateway } from '../../../dev/gateway/server.ts';
import { freePort } from '../../../dev/net.ts';
import { signLegacyToken, signStackToken, startFunction } from '../../helpers/auth.ts';
import { helpFor } from '../../../shared/error-help.ts';
import { conformingAnswer } from '../../helpers/contract.ts';

const legacySecret = randomBytes(32).toString('base64url');
const user = { sub: randomUUID(), email: 'legacy@example.test' };

let gateway: Server;
let gatewayUrl: string;
let issuer: string;
let anonKey: string;
let fn: Awaited<ReturnType<typeof startFunction>>;

beforeAll(async () => {
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  issuer = `${gatewayUrl}/auth/v1`;
  // The legacy anon key: a JWT signed with the legacy secret, role anon, no subject.
  anonKey = await signLegacyToken(legacySecret, 'supabase', { sub: '', role: 'anon', aud: 'anon' });
  fn = await startFunction('health', {
    env: {
      SUPABASE_URL: gatewayUrl,
      SUPABASE_JWKS: JSON.stringify({ keys: [] }),
      SUPABASE_ANON_KEY: anonKey,
      SUPABASE_PUBLISHABLE_KEY: undefined,
    },
  });
  const target = { process: fn.process as FunctionProcess };
  gateway = await startGateway({
    port,
    jwks: { keys: [] },
    legacyJwtSecret: legacySecret,
    apiKeys: [anonKey],
    functions: new Map([
      ['health', { ...target, verifyJwt: false }],
      // The same function behind the gateway's own verify_jwt gate, which no function sets today.
      ['health-gated', { ...target, verifyJwt: true }],
    ]),
    storage: async (_req, res) => void res.writeHead(404).end(),
  });
});
afterAll(async () => {
  await fn?.stop();
  await new Promise<void>((r) => (gateway ? gateway.close(() => r()) : r()));
});

const health = async (token?: string, name = 'health') => {
  const url = `${gatewayUrl}/functions/v1/${name}`;
  return conformingAnswer(await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }), new URL(url), 'GET');
};

describe('a project on the legacy JWT secret', () => {
  test('a user token signed with the legacy secret gets 200', async () => {
    const res = await health(await signLegacyToken(legacySecret, issuer, user));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: 'ok' });
  });

  test.each([
    ['forged (signed with another secret)', () => signLegacyToken(randomBytes(32).toString('base64url'), issuer, user)],
    ['expired', () => signLegacyToken(legacySecret, issuer, { ...user, expiresInS: -60 })],
    ['without exp', () => signLegacyToken(legacySecret, issuer, { ...user, expiresInS: null })],
    ['for another audience', () => signLegacyToken(legacySecret, issuer, { ...user, aud: 'anon' })],
    ['from another issuer', () => signLegacyToken(legacySecret, 'https://elsewhere.example/auth/v1', user)],
    // Tokens of a project on signing keys mean nothing here: this project's JWKS is empty.
    ['ES256 from another project', () => signStackToken(user)],
  ])('a %s token gets 401 invalid_jwt', async (_name, makeToken) => {
    const res = await health(await makeToken());
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('invalid_jwt');
  });

  test('no token gets 401 invalid_jwt', async () => {
    const res = await health();
    expect(res.status).toBe(401);
    expect((await res.json()).error).toEqual({ code: 'invalid_jwt', message: 'Missing bearer token', help: helpFor('invalid_jwt'), retryable: false });
  });

  test("the Auth server stand-in answers GET /auth/v1/user in Supabase Auth's shape", async () => {
    const token = await signLegacyToken(legacySecret, issuer, user);
    const ok = await fetch(`${issuer}/user`, { headers: { authorization: `Bearer ${token}`, apikey: anonKey } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id: user.sub, email: user.email, aud: 'authenticated', role: 'authenticated' });
    const forged = await fetch(`${issuer}/user`, {
      headers: { authorization: `Bearer ${await signLegacyToken('x'.repeat(40), issuer, user)}`, apikey: anonKey },
    });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error_code: 'bad_jwt' });
    const noApiKey = await fetch(`${issuer}/user`, { headers: { authorization: `Bearer ${token}` } });
    expect(noApiKey.status).toBe(401);
  });

  test("the gateway's verify_jwt gate, when a function sets it, lets a legacy token through and stops a forged one", async () => {
    const ok = await health(await signLegacyToken(legacySecret, issuer, user), 'health-gated');
    expect(ok.status).toBe(200);
    const forged = await health(await signLegacyToken(randomBytes(32).toString('base64url'), issuer, user), 'health-gated');
    expect(forged.status).toBe(401);
    // Refused by the gate itself, in the same envelope as the functions' own errors.
    expect(await forged.json()).toEqual({
      error: { code: 'invalid_jwt', message: 'Invalid or missing JWT', help: helpFor('invalid_jwt'), retryable: false },
      requestId: expect.any(String),
    });
  });
});
