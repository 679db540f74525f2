// Every function's handler.ts in process: its definition built over a fake runtime (no Postgres, no
// Smokeball, no Deno), called with a `Request`. What is decided before any dependency is asked — the
// method, who may call, CORS, the parsing of the body and the query — and the error shape of each refusal.
// The caller checks are the real ones (shared/http/auth.ts) over an in-memory JWKS and secret key; `sql`
// records every query and answers only those a test names, and every other dependency throws when touched,
// so a refusal here is proven to happen before the database or Smokeball is asked.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi, type MockInstance } from 'vitest';
import { parseConfig } from '../../../shared/config.ts';
import { ErrorEnvelope, isRetryableErrorCode } from '../../../shared/api/errors.ts';
import { helpFor } from '../../../shared/error-help.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import { createCallerAuth } from '../../../shared/http/auth.ts';
import { defineFunction, type FunctionHandler } from '../../../shared/http/define-function.ts';
import { createLogger } from '../../../shared/log.ts';
import type { Runtime } from '../../../shared/runtime/runtime.ts';
import { unixMsToTicks } from '../../../shared/sync/webhooks/verify-delivery.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const REQUEST_ID = 'req-handler-test';
const SECRET_KEY = 'sb_secret_handler_test';
const APP_URL = 'https://app.casehug.example';
const config = parseConfig({
  SUPABASE_URL: 'http://127.0.0.1:54321',
  SUPABASE_DB_URL: 'postgresql://postgres:postgres@127.0.0.1:54322/postgres',
  TOKEN_ENCRYPTION_KEYS: 'k1:AAAA',
  APP_URL,
});

// --- the fake runtime -------------------------------------------------------------------------------

/** Each query the handler sent (its SQL text), and the answer for the queries a test expects. */
let queries: string[] = [];
let answer: (text: string) => unknown[] | undefined = () => undefined;

/** A tagged-template `sql` that records and answers what `answer` knows; anything else throws. */
const sql = new Proxy(function fakeSql() {}, {
  apply(_target, _this, args: unknown[]) {
    const text = Array.isArray(args[0]) ? (args[0] as string[]).join('?') : String(args[0]);
    queries.push(text);
    const rows = answer(text);
    if (!rows) throw new Error(`unexpected query in a handler test: ${text.trim().slice(0, 80)}`);
    return Promise.resolve(rows);
  },
  get(_target, prop) {
    throw new Error(`sql.${String(prop)} used in a handler test`);
  },
});

/** A dependency no refusal may reach. */
const untouchable = (name: string) =>
  new Proxy({}, {
    get(_target, prop) {
      throw new Error(`${name}.${String(prop)} used in a handler test`);
    },
  });

let signingKey: CryptoKey;
let runtime: Runtime;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  signingKey = privateKey;
  const jwk = { ...(await exportJWK(publicKey)), kid: 'handler-test', alg: 'ES256' };
  const noNetwork = (async () => {
    throw new Error('no network in a handler test');
  }) as typeof fetch;
  runtime = {
    config,
    sql: sql as unknown as Runtime['sql'],
    auth: createCallerAuth({ ...config, jwks: { keys: [jwk] } as never, namedSecretKeys: { default: SECRET_KEY } }, noNetwork),
    sealer: untouchable('sealer') as Runtime['sealer'],
    smokeball: untouchable('smokeball') as Runtime['smokeball'],
    log: createLogger({ component: 'handler-test' }),
    now: () => NOW,
    random: () => 0.5,
    sleep: async () => undefined,
  };
});

let logSpy: MockInstance<typeof console.log>;
beforeEach(() => {
  queries = [];
  answer = () => undefined;
  logSpy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => logSpy.mockRestore());

const userToken = (sub = randomUUID()) =>
  new SignJWT({ sub, role: 'authenticated', aud: 'authenticated', email: 'admin@firm.test' })
    .setProtectedHeader({ alg: 'ES256', kid: 'handler-test', typ: 'JWT' })
    .setIssuer(config.jwtIssuer)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(signingKey);

// --- the functions ----------------------------------------------------------------------------------

type Auth = 'user' | 'secret-key' | 'user-or-secret-key' | 'none';
type Spec = { methods: string[]; auth: Auth; cors: boolean };

/** What each function declares; the table is checked against the definitions themselves. */
const FUNCTIONS: Record<string, Spec> = {
  disconnect: { methods: ['POST'], auth: 'user', cors: true },
  health: { methods: ['GET'], auth: 'user', cors: true },
  'import-smokeball-matters': { methods: ['POST', 'GET'], auth: 'user', cors: true },
  'oauth-callback': { methods: ['GET'], auth: 'none', cors: false },
  'oauth-complete': { methods: ['POST'], auth: 'user', cors: true },
  'oauth-start': { methods: ['POST'], auth: 'user', cors: true },
  'on-document-approved': { methods: ['POST'], auth: 'secret-key', cors: false },
  reconcile: { methods: ['POST', 'GET'], auth: 'user-or-secret-key', cors: true },
  'register-webhooks': { methods: ['POST'], auth: 'user', cors: true },
  'smokeball-matter-types': { methods: ['GET'], auth: 'user', cors: true },
  'smokeball-matters': { methods: ['GET'], auth: 'user', cors: true },
  'smokeball-status': { methods: ['GET'], auth: 'user', cors: true },
  'smokeball-webhook': { methods: ['POST'], auth: 'none', cors: false },
  'sync-matter': { methods: ['POST', 'GET'], auth: 'user', cors: true },
  'sync-worker': { methods: ['POST'], auth: 'secret-key', cors: false },
};
const NAMES = Object.keys(FUNCTIONS);

/** The served handler of supabase/functions/<name>/ (importing it starts nothing: its runtime is lazy). */
async function served(name: string): Promise<FunctionHandler<Runtime>> {
  // A path built at run time: tsc does not follow it into Deno-only code (the handlers' `Deno.env`).
  const module = (await import(`../../../supabase/functions/${name}/handler.ts`)) as { default: FunctionHandler<Runtime> };
  return module.default;
}

/** The function as deployed, over the fake runtime. */
async function fn(name: string): Promise<(req: Request) => Promise<Response>> {
  return defineFunction((await served(name)).definition, () => runtime);
}

type Call = { method?: string; query?: string; headers?: Record<string, string>; body?: string };
async function call(name: string, c: Call = {}): Promise<Response> {
  const method = c.method ?? FUNCTIONS[name].methods[0];
  const req = new Request(`http://127.0.0.1:54321/functions/v1/${name}${c.query ?? ''}`, {
    method,
    headers: { 'x-request-id': REQUEST_ID, ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}), ...c.headers },
    body: c.body,
  });
  return (await fn(name))(req);
}
const asUser = async (c: Call = {}): Promise<Call> => ({ ...c, headers: { authorization: `Bearer ${await userToken()}`, ...c.headers } });
const withSecret = (c: Call = {}): Call => ({ ...c, headers: { apikey: SECRET_KEY, ...c.headers } });

/** The one error shape: status, `{ error: { code, message, help, retryable, details? }, requestId }`, the request id header, CORS where declared. */
async function expectError(name: string, res: Response, status: number, code: ErrorCode): Promise<string> {
  const body = await res.json();
  expect({ status: res.status, body }).toEqual({
    status,
    body: {
      error: { code, message: expect.any(String), help: helpFor(code), retryable: isRetryableErrorCode(code), ...(body.error?.details ? { details: body.error.details } : {}) },
      requestId: REQUEST_ID,
    },
  });
  ErrorEnvelope.parse(body);
  expect(res.headers.get('x-request-id')).toBe(REQUEST_ID);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('access-control-allow-origin')).toBe(FUNCTIONS[name].cors ? '*' : null);
  return body.error.message as string;
}

const membership = (role: 'admin' | 'member') => (text: string) =>
  /from public\.firm_members/.test(text) ? [{ firmId: randomUUID(), role, jurisdiction: 'US-IL' }] : undefined;

// --- every function ---------------------------------------------------------------------------------

describe.each(NAMES)('%s: what every function decides first', (name) => {
  const spec = FUNCTIONS[name];

  test('declares the methods, caller check and CORS the table says', async () => {
    const { definition } = await served(name);
    expect({ name: definition.name, methods: definition.methods, auth: definition.auth, cors: definition.cors ?? false }).toEqual({ name, ...spec });
  });

  test('a method it does not take is 405 method_not_allowed, before any caller check', async () => {
    const res = await call(name, { method: spec.methods.includes('GET') ? 'DELETE' : 'GET' });
    const message = await expectError(name, res, 405, 'method_not_allowed');
    expect(message).toBe(`Use ${spec.methods.join(' or ')}`);
    expect(queries).toEqual([]);
  });

  test(spec.cors ? 'OPTIONS is a 204 CORS preflight' : 'OPTIONS is not answered as a preflight (no CORS)', async () => {
    const res = await call(name, { method: 'OPTIONS' });
    if (spec.cors) {
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
    } else {
      await expectError(name, res, 405, 'method_not_allowed');
    }
    expect(queries).toEqual([]);
  });

  if (spec.auth === 'user') {
    test('without a bearer token: 401 invalid_jwt, nothing asked', async () => {
      await expectError(name, await call(name), 401, 'invalid_jwt');
      expect(queries).toEqual([]);
    });

    test('with a token not signed by the project: 401 invalid_jwt, and the token is not logged', async () => {
      const forged = await new SignJWT({ sub: randomUUID(), role: 'authenticated', aud: 'authenticated' })
        .setProtectedHeader({ alg: 'ES256', kid: 'handler-test' })
        .setIssuer(config.jwtIssuer)
        .setExpirationTime('1h')
        .sign((await generateKeyPair('ES256')).privateKey);
      await expectError(name, await call(name, { headers: { authorization: `Bearer ${forged}` } }), 401, 'invalid_jwt');
      expect(queries).toEqual([]);
      expect(JSON.stringify(logSpy.mock.calls)).not.toContain(forged);
    });
  }

  if (spec.auth === 'secret-key') {
    test.each([
      ['no apikey', {}],
      ['a wrong apikey', { apikey: 'sb_secret_wrong' }],
      ['a user token instead', { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.x' }],
    ])('with %s: 401 unauthorized, nothing asked', async (_what, headers) => {
      await expectError(name, await call(name, { headers, body: '{}' }), 401, 'unauthorized');
      expect(queries).toEqual([]);
    });
  }
});

// --- the firm check (shared/http/authorize.ts), before Smokeball is asked ------------------------------

/** A body each POST function accepts (the body is parsed first: it may name the firm as `firmId`). */
const validBody = (name: string): string | undefined =>
  FUNCTIONS[name].methods[0] !== 'POST' ? undefined
    : name === 'sync-matter' ? JSON.stringify({ matterId: randomUUID() })
    : name === 'import-smokeball-matters' ? JSON.stringify({ all: true })
    : '{}';

describe('the firm check comes before Smokeball', () => {
  const FIRM_SCOPED = [
    'disconnect', 'register-webhooks', 'oauth-start', 'sync-matter', 'smokeball-matters', 'smokeball-matter-types', 'smokeball-status',
    'import-smokeball-matters', 'reconcile',
  ];
  const ADMIN_ONLY: [string, string][] = [
    ['import-smokeball-matters', ''],
    ['reconcile', ''],
    ['disconnect', ''],
    ['register-webhooks', ''],
    ['oauth-start', ''],
    ['smokeball-matter-types', '?refresh=1'],
  ];

  test.each(FIRM_SCOPED)('%s: a user of no firm is 403 forbidden after one membership lookup', async (name) => {
    answer = (text) => (/from public\.firm_members/.test(text) ? [] : undefined);
    await expectError(name, await call(name, await asUser({ body: validBody(name) })), 403, 'forbidden');
    expect(queries).toHaveLength(1);
  });

  test.each(FIRM_SCOPED)('%s: a user of several firms who names none is 400 firm_required', async (name) => {
    const firm = () => ({ firmId: randomUUID(), role: 'admin', jurisdiction: 'US-IL' });
    answer = (text) => (/from public\.firm_members/.test(text) ? [firm(), firm()] : undefined);
    await expectError(name, await call(name, await asUser({ body: validBody(name) })), 400, 'firm_required');
    expect(queries).toHaveLength(1);
  });

  test.each(ADMIN_ONLY)('%s%s: a member who is not an admin is 403 forbidden', async (name, query) => {
    answer = membership('member');
    await expectError(name, await call(name, await asUser({ query, body: validBody(name) })), 403, 'forbidden');
    expect(queries).toHaveLength(1);
  });
});

// --- parsing, per function --------------------------------------------------------------------------

describe('parsing before the database', () => {
  const BIG = 'x'.repeat(64 * 1024 + 1);

  test.each(['disconnect', 'register-webhooks', 'oauth-start', 'sync-matter', 'smokeball-matters', 'smokeball-matter-types', 'smokeball-status'])(
    '%s: a firmId that is not a UUID is 400 invalid_query, before the membership lookup',
    async (name) => {
      await expectError(name, await call(name, await asUser({ query: '?firmId=firm-1', body: validBody(name) })), 400, 'invalid_query');
      expect(queries).toEqual([]);
    },
  );

  test.each([
    ['an unknown key', '?page=2'],
    ['a limit over 500', '?limit=501'],
    ['a negative offset', '?offset=-1'],
    ['a non-numeric limit', '?limit=ten'],
  ])('smokeball-matters: %s is 400 invalid_query', async (_what, query) => {
    await expectError('smokeball-matters', await call('smokeball-matters', await asUser({ query })), 400, 'invalid_query');
    expect(queries).toEqual([]);
  });

  test.each([
    ['an unknown key', '?kind=matter'],
    ['an unknown type', '?type=case'],
    ['a flag that is not one', '?refresh=yes'],
    ['preview with a picker filter', '?preview=1&type=lead'],
    ['an empty category', '?category=%20'],
  ])('smokeball-matter-types: %s is 400 invalid_query', async (_what, query) => {
    await expectError('smokeball-matter-types', await call('smokeball-matter-types', await asUser({ query })), 400, 'invalid_query');
    expect(queries).toEqual([]);
  });

  test.each([
    ['no body', 400, 'invalid_json', undefined],
    ['a body that is not JSON', 400, 'invalid_json', '{handle:'],
    ['a missing handle', 400, 'invalid_body', '{}'],
    ['a handle of the wrong form', 400, 'invalid_body', JSON.stringify({ handle: 'short' })],
    ['an unknown key', 400, 'invalid_body', JSON.stringify({ handle: 'h'.repeat(43), code: 'abc' })],
    ['a body over 64 KiB', 413, 'payload_too_large', BIG],
  ] as const)('oauth-complete: %s is %i %s, nothing asked', async (_what, status, code, body) => {
    await expectError('oauth-complete', await call('oauth-complete', await asUser({ body })), status, code);
    expect(queries).toEqual([]);
  });

  test.each([
    ['an unknown region', JSON.stringify({ region: 'MARS' })],
    ['an unknown key', JSON.stringify({ firm: 'x' })],
    ['a return path to another site', JSON.stringify({ returnTo: 'https://evil.example/' })],
  ])('oauth-start: %s is 400 invalid_body before the firm check (the body may name the firm), nothing asked', async (_what, body) => {
    answer = membership('admin');
    await expectError('oauth-start', await call('oauth-start', await asUser({ body })), 400, 'invalid_body');
    expect(queries).toEqual([]);
  });

  test.each([
    ['no body', 400, 'invalid_json', undefined],
    ['an empty object', 400, 'invalid_body', '{}'],
    ['a matterId that is not a UUID', 400, 'invalid_body', JSON.stringify({ matterId: 'm-1' })],
    ['an empty matterIds', 400, 'invalid_body', JSON.stringify({ matterIds: [] })],
    ['all: false', 400, 'invalid_body', JSON.stringify({ all: false })],
    ['a body over 64 KiB', 413, 'payload_too_large', BIG],
  ] as const)('sync-matter POST: %s is %i %s before the firm check (the body may name the firm), nothing asked', async (_what, status, code, body) => {
    answer = membership('member');
    await expectError('sync-matter', await call('sync-matter', await asUser({ body })), status, code);
    expect(queries).toEqual([]);
  });

  test.each([['no batchId', ''], ['a batchId that is not a UUID', '?batchId=b-1'], ['an unknown key', `?batchId=${randomUUID()}&x=1`]])(
    'sync-matter GET: %s is 400 invalid_query after the firm check',
    async (_what, query) => {
      answer = membership('member');
      await expectError('sync-matter', await call('sync-matter', await asUser({ method: 'GET', query })), 400, 'invalid_query');
      expect(queries).toHaveLength(1);
    },
  );

  test.each([
    ['no body', 400, 'invalid_json', undefined],
    ['a body that is not JSON', 400, 'invalid_json', 'approved'],
    ['another table', 400, 'invalid_body', JSON.stringify({ type: 'UPDATE', table: 'matters', schema: 'public', record: null })],
    ['a record without ids', 400, 'invalid_body', JSON.stringify({ type: 'UPDATE', table: 'documents', schema: 'public', record: { status: 'approved' } })],
    ['a body over 64 KiB', 413, 'payload_too_large', BIG],
  ] as const)('on-document-approved: %s is %i %s, nothing asked', async (_what, status, code, body) => {
    await expectError('on-document-approved', await call('on-document-approved', withSecret({ body })), status, code);
    expect(queries).toEqual([]);
  });

  test.each([
    ['a key in the body', 400, 'invalid_body', JSON.stringify({ budgetMs: 1 })],
    ['an array', 400, 'invalid_body', '[]'],
    ['a body that is not JSON', 400, 'invalid_json', 'sweep'],
  ] as const)('sync-worker: %s is %i %s, nothing drained', async (_what, status, code, body) => {
    await expectError('sync-worker', await call('sync-worker', withSecret({ body })), status, code);
    expect(queries).toEqual([]);
  });
});

// --- health -----------------------------------------------------------------------------------------

describe('health', () => {
  test('a database that fails is 503 { ok: false, database: "error" }, no firms listed', async () => {
    const res = await call('health', await asUser());
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, database: 'error', smokeball: { configured: false, firms: [] } });
    expect(res.headers.get('x-request-id')).toBe(REQUEST_ID);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(queries).toHaveLength(1);
  });
});

// --- the two functions a browser or Smokeball reaches without a JWT ---------------------------------

describe('oauth-callback: every refusal is a redirect to the app', () => {
  test.each([
    ['no state', ''],
    ['no state but an error from the provider (not trusted)', '?error=access_denied'],
    ['a state over 256 characters', `?state=${'s'.repeat(257)}&code=abc`],
  ])('%s: 302 to APP_URL with error=invalid_state, nothing asked', async (_what, query) => {
    const res = await call('oauth-callback', { query });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${APP_URL}/`);
    expect(Object.fromEntries(location.searchParams)).toEqual({ error: 'invalid_state' });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-request-id')).toBe(REQUEST_ID);
    expect(queries).toEqual([]);
  });
});

describe('smokeball-webhook: the delivery is checked before it is stored', () => {
  const subscriptionId = randomUUID();
  const notification = JSON.stringify({
    accountId: randomUUID(),
    subscriptionId,
    type: 'matter.updated',
    payload: { id: randomUUID() },
    timestamp: unixMsToTicks(NOW),
  });
  const signed = (timestampMs: number) => ({ timestamp: unixMsToTicks(timestampMs), requestid: 'req-1', signature: 'a'.repeat(64) });

  test.each([
    ['a body over 256 KiB', 413, 'payload_too_large', 'x'.repeat(256 * 1024 + 1), signed(NOW)],
    ['a body that is not JSON', 400, 'invalid_json', 'matter.updated', signed(NOW)],
    ['no Timestamp and Signature headers', 400, 'invalid_webhook', notification, {}],
    ['a signature that is not hex', 400, 'invalid_webhook', notification, { ...signed(NOW), signature: 'z'.repeat(64) }],
    ['a body that is not a notification', 400, 'invalid_webhook', JSON.stringify({ type: 'matter.updated' }), signed(NOW)],
    ['a timestamp six minutes old', 401, 'webhook_unverified', notification, signed(NOW - 6 * 60_000)],
  ] as const)('%s is %i %s, nothing asked', async (_what, status, code, body, headers) => {
    await expectError('smokeball-webhook', await call('smokeball-webhook', { body, headers }), status, code);
    expect(queries).toEqual([]);
  });

  test('a fresh, well-formed delivery for a subscription nobody has is 401 webhook_unverified, nothing stored', async () => {
    answer = (text) => (/from public\.webhook_subscriptions/.test(text) ? [] : undefined);
    await expectError('smokeball-webhook', await call('smokeball-webhook', { body: notification, headers: signed(NOW) }), 401, 'webhook_unverified');
    expect(queries).toHaveLength(1);
  });
});

// --- importing Smokeball matters and reconciling: bad input, before the database or Smokeball -------------

describe('import-smokeball-matters and reconcile refuse bad input clearly', () => {
  const ids = (n: number) => Array.from({ length: n }, () => randomUUID());

  test.each([
    ['no body', 400, 'invalid_json', undefined, /JSON/],
    ['a body that is not JSON', 400, 'invalid_json', '{smokeballMatterIds:', /JSON/],
    ['both smokeballMatterIds and all', 400, 'invalid_body', JSON.stringify({ smokeballMatterIds: ['a'], all: true }), /check body/],
    ['neither', 400, 'invalid_body', '{}', /check smokeballMatterIds/],
    ['501 ids (the limit is 500)', 400, 'invalid_body', JSON.stringify({ smokeballMatterIds: ids(501) }), /smokeballMatterIds/],
    ['an empty list', 400, 'invalid_body', JSON.stringify({ smokeballMatterIds: [] }), /smokeballMatterIds/],
    ['ids that are not strings', 400, 'invalid_body', JSON.stringify({ smokeballMatterIds: [42] }), /smokeballMatterIds/],
    // Only GUIDs (Smokeball's ids): `..` or `.` would walk the `matters/{id}` URL, and no raw text reaches a note.
    ['".." as an id', 400, 'invalid_body', JSON.stringify({ smokeballMatterIds: ['..'] }), /smokeballMatterIds/],
    ['"." as an id', 400, 'invalid_body', JSON.stringify({ smokeballMatterIds: [randomUUID(), '.'] }), /smokeballMatterIds/],
    ['a GUID with a path after it', 400, 'invalid_body', JSON.stringify({ smokeballMatterIds: [`${randomUUID()}/../contacts`] }), /smokeballMatterIds/],
    ['an id that is a name, not a GUID', 400, 'invalid_body', JSON.stringify({ smokeballMatterIds: ['sb-matter-1'] }), /smokeballMatterIds/],
    ['all: false', 400, 'invalid_body', JSON.stringify({ all: false }), /all/],
    ['an unknown key', 400, 'invalid_body', JSON.stringify({ all: true, dryRun: true }), /check body/],
    ['a firmId that is not a UUID', 400, 'invalid_body', JSON.stringify({ all: true, firmId: 'firm-1' }), /firmId/],
  ] as const)('import POST: %s is %i %s before the database (the body may name the firm)', async (_what, status, code, body, message) => {
    expect(await expectError('import-smokeball-matters', await call('import-smokeball-matters', await asUser({ body })), status, code)).toMatch(message);
    expect(queries).toEqual([]);
  });

  test.each([['no batchId', ''], ['a batchId that is not a UUID', '?batchId=b-1'], ['an unknown key', `?batchId=${randomUUID()}&x=1`]])(
    'import GET: %s is 400 invalid_query after the firm check',
    async (_what, query) => {
      answer = membership('member');
      await expectError('import-smokeball-matters', await call('import-smokeball-matters', await asUser({ method: 'GET', query })), 400, 'invalid_query');
      expect(queries).toHaveLength(1);
    },
  );

  test.each([
    ['no credentials at all', {}, 'invalid_jwt'],
    ['a wrong secret key', { apikey: 'sb_secret_wrong' }, 'unauthorized'],
    ['a token not signed by the project', { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.x' }, 'invalid_jwt'],
  ] as const)('reconcile POST with %s: 401 %s, nothing asked', async (_what, headers, code) => {
    await expectError('reconcile', await call('reconcile', { headers, body: '{}' }), 401, code);
    expect(queries).toEqual([]);
  });

  test('reconcile POST with the secret key and an unknown field: 400 invalid_body, nothing asked', async () => {
    await expectError('reconcile', await call('reconcile', withSecret({ body: JSON.stringify({ firmId: randomUUID() }) })), 400, 'invalid_body');
    expect(queries).toEqual([]);
  });

  test('reconcile POST with the secret key (the nightly call) queues one job per connected firm, no member lookup', async () => {
    answer = (text) =>
      /insert into public\.sync_jobs/.test(text) && /from public\.smokeball_connections/.test(text) ? [{ id: randomUUID() }, { id: randomUUID() }]
        : /select count\(\*\)::int as n from public\.sync_jobs/.test(text) ? [{ n: 2 }] : undefined;
    const res = await call('reconcile', withSecret({ body: '{}' }));
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 202, body: { firms: 2 } });
    expect(queries.some((q) => /firm_members/.test(q))).toBe(false);
  });

  test('reconcile GET with the secret key (no member to read for): 401 invalid_jwt, nothing asked', async () => {
    await expectError('reconcile', await call('reconcile', withSecret({ method: 'GET', query: `?jobId=${randomUUID()}` })), 401, 'invalid_jwt');
    expect(queries).toEqual([]);
  });

  test.each([['no jobId', ''], ['a jobId that is not a UUID', '?jobId=j-1']])('reconcile GET: %s is 400 invalid_query after the firm check', async (_what, query) => {
    answer = membership('member');
    await expectError('reconcile', await call('reconcile', await asUser({ method: 'GET', query })), 400, 'invalid_query');
    expect(queries).toHaveLength(1);
  });

  test('reconcile POST as a user with an unknown field: 400 invalid_body before the database (the body may name the firm)', async () => {
    await expectError('reconcile', await call('reconcile', await asUser({ body: JSON.stringify({ all: true }) })), 400, 'invalid_body');
    expect(queries).toEqual([]);
  });
});
