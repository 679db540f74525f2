// shared/http/auth.ts under Node (the same module the functions run on Deno): which verifier each token
// reaches, and what every refusal looks like. Keys are real; the Auth server is a recorded `fetch`
// (the integration tests in tests/integration/gateway/ ask a real one).
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { createCallerAuth } from '../../../shared/http/auth.ts';

const url = 'https://ref.supabase.example';
const issuer = `${url}/auth/v1`;
const sub = randomUUID();
let es256: { privateKey: CryptoKey; jwk: JWK };
let rs256: { privateKey: CryptoKey; jwk: JWK };

beforeAll(async () => {
  const ec = await generateKeyPair('ES256', { extractable: true });
  es256 = { privateKey: ec.privateKey, jwk: { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256' } };
  const rsa = await generateKeyPair('RS256', { extractable: true });
  rs256 = { privateKey: rsa.privateKey, jwk: { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256' } };
});

type Call = { url: string; apikey: string | null; authorization: string | null };

function auth(answer: (call: Call) => Response | Promise<Response> = () => new Response('{}', { status: 500 })) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const call = { url: String(input), apikey: headers.get('apikey'), authorization: headers.get('authorization') };
    calls.push(call);
    return answer(call);
  }) as typeof fetch;
  const callerAuth = createCallerAuth(
    {
      supabaseUrl: url,
      jwks: { keys: [es256.jwk, rs256.jwk] as never },
      jwksUrl: `${issuer}/.well-known/jwks.json`,
      jwtIssuer: issuer,
      namedSecretKeys: { default: 'sb_secret_default', cron: 'sb_secret_cron', service_role: 'eyJ.service.role' },
      authApiKey: 'sb_publishable_x',
    },
    fetchImpl,
  );
  return { callerAuth, calls };
}

const claims = (extra: JWTPayload = {}): JWTPayload => ({ sub, role: 'authenticated', aud: 'authenticated', iss: issuer, email: 'a@b.test', ...extra });
const sign = (alg: 'ES256' | 'RS256', payload: JWTPayload, withExp = true) => {
  const jwt = new SignJWT(payload).setProtectedHeader({ alg, kid: alg === 'ES256' ? 'ec-1' : 'rsa-1', typ: 'JWT' }).setIssuedAt();
  return (withExp ? jwt.setExpirationTime('1h') : jwt).sign(alg === 'ES256' ? es256.privateKey : rs256.privateKey);
};
const legacy = (payload: JWTPayload) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('s'.repeat(32)));
const bearer = (token: string, headers: Record<string, string> = {}) => new Request(`${url}/functions/v1/health`, { headers: { authorization: `Bearer ${token}`, ...headers } });

async function refusal(p: Promise<unknown>): Promise<{ code: string; status: number; message: string }> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  const { code, status, message } = err as AppError;
  return { code, status, message };
}

describe('user tokens of the signing keys go to @supabase/server', () => {
  test.each(['ES256', 'RS256'] as const)('a valid %s token is the user', async (alg) => {
    const { callerAuth, calls } = auth();
    expect(await callerAuth.authenticateUser(bearer(await sign(alg, claims())))).toEqual({ userId: sub, email: 'a@b.test' });
    expect(calls).toEqual([]);
  });

  test.each([
    ['no exp', () => sign('ES256', claims(), false), 'The access token is not a user token'],
    ['expired', () => sign('ES256', claims({ exp: Math.floor(Date.now() / 1000) - 10 }), false), 'The access token has expired'],
    ['another audience', () => sign('ES256', claims({ aud: 'anon' })), 'The access token is not valid'],
    ['another issuer', () => sign('ES256', claims({ iss: 'https://other.example/auth/v1' })), 'The access token is not valid'],
    ['role anon', () => sign('ES256', claims({ role: 'anon' })), 'The access token is not a user token'],
    ['a sub that is no user id', () => sign('ES256', claims({ sub: 'service' })), 'The access token is not a user token'],
  ])('%s → 401 invalid_jwt', async (_name, make, message) => {
    const { callerAuth } = auth();
    expect(await refusal(callerAuth.authenticateUser(bearer(await make())))).toEqual({ code: 'invalid_jwt', status: 401, message });
  });

  test('no Authorization header, or a non-Bearer one → 401 invalid_jwt', async () => {
    const { callerAuth } = auth();
    for (const headers of [{}, { authorization: 'Basic abc' }, { apikey: 'sb_publishable_x' }] as Record<string, string>[]) {
      const req = new Request(`${url}/functions/v1/health`, { headers });
      expect(await refusal(callerAuth.authenticateUser(req))).toEqual({ code: 'invalid_jwt', status: 401, message: 'Missing bearer token' });
    }
  });
});

describe('without SUPABASE_JWKS the keys are fetched from the project, over https only', () => {
  test('a JWKS URL over plain http to another host is not trusted: 500, never a pass', async () => {
    const callerAuth = createCallerAuth({
      supabaseUrl: 'http://kong:8000',
      jwks: undefined,
      jwksUrl: 'http://kong:8000/auth/v1/.well-known/jwks.json',
      jwtIssuer: issuer,
      namedSecretKeys: {},
      authApiKey: undefined,
    });
    expect(await refusal(callerAuth.authenticateUser(bearer(await sign('ES256', claims()))))).toMatchObject({ code: 'internal_error', status: 500 });
  });
});

describe('algorithms outside the list are refused unread', () => {
  test.each([
    ['none', `${Buffer.from('{"alg":"none","kid":"ec-1"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims({ exp: 9e9 }))).toString('base64url')}.`],
    ['HS512', `${Buffer.from('{"alg":"HS512"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims({ exp: 9e9 }))).toString('base64url')}.c2ln`],
    ['not a JWT', 'not-a-jwt'],
  ])('alg %s → 401 invalid_jwt, the Auth server not asked', async (_name, token) => {
    const { callerAuth, calls } = auth();
    expect((await refusal(callerAuth.authenticateUser(bearer(token)))).code).toBe('invalid_jwt');
    expect(calls).toEqual([]);
  });
});

describe('legacy HS256 tokens go to the Auth server (supabase-js getClaims → GET /auth/v1/user)', () => {
  test('the Auth server accepts: the user, asked once with the publishable key', async () => {
    const token = await legacy(claims());
    const { callerAuth, calls } = auth(() => Response.json({ id: sub, aud: 'authenticated', role: 'authenticated' }));
    expect(await callerAuth.authenticateUser(bearer(token))).toEqual({ userId: sub, email: 'a@b.test' });
    expect(calls).toEqual([{ url: `${issuer}/user`, apikey: 'sb_publishable_x', authorization: `Bearer ${token}` }]);
  });

  test('the Auth server refuses → 401 invalid_jwt', async () => {
    const { callerAuth } = auth(() => Response.json({ code: 403, error_code: 'bad_jwt', msg: 'invalid JWT' }, { status: 403 }));
    expect(await refusal(callerAuth.authenticateUser(bearer(await legacy(claims()))))).toMatchObject({ code: 'invalid_jwt', status: 401 });
  });

  test('the Auth server cannot be reached → 500, not a verdict on the token', async () => {
    const { callerAuth } = auth(() => {
      throw new TypeError('fetch failed');
    });
    expect(await refusal(callerAuth.authenticateUser(bearer(await legacy(claims()))))).toMatchObject({ code: 'internal_error', status: 500 });
  });

  test('without exp it is refused before the Auth server is asked', async () => {
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('s'.repeat(32)));
    const { callerAuth, calls } = auth(() => Response.json({ id: sub }));
    expect((await refusal(callerAuth.authenticateUser(bearer(token)))).code).toBe('invalid_jwt');
    expect(calls).toEqual([]);
  });
});

describe('secret keys', () => {
  test.each(['sb_secret_default', 'sb_secret_cron', 'eyJ.service.role'])('apikey %s is accepted', async (key) => {
    await expect(auth().callerAuth.authenticateSecretKey(new Request(url, { headers: { apikey: key } }))).resolves.toBeUndefined();
  });

  test.each<Record<string, string>>([{}, { apikey: 'sb_secret_other' }, { apikey: '' }, { authorization: 'Bearer sb_secret_default' }])('%o → 401 unauthorized', async (headers) => {
    expect(await refusal(auth().callerAuth.authenticateSecretKey(new Request(url, { headers })))).toEqual({
      code: 'unauthorized',
      status: 401,
      message: 'A valid secret key is required',
    });
  });
});
