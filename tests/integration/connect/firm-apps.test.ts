// Per-firm Smokeball apps. A firm with its own app (set by an operator with `npm run smokeball:app`) connects,
// calls, refreshes and is verified with that app; a firm without one uses the deployment's default app; a
// firm with neither, on a deployment without a default, is told "not configured" and what to do — and only
// that firm. The simulator serves every app at once and checks each call's `x-api-key` against the client
// id its token was issued to.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createPostgresRateLimiter } from '../../../shared/smokeball/postgres-rate-limiter.ts';
import { rateLimitBucket } from '../../../shared/smokeball/rate-limiter.ts';
import { appApiKeyContext, appSecretContext } from '../../../shared/sync/smokeball-app.ts';
import { connectFirm, sim, stackKeys, stackSealer, startUnconfiguredFunction } from '../../helpers/connect.ts';
import { createClient, createMatter, createMember } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { createFirmAdmin } from '../../helpers/firm-users.ts';
import { findSecretsInLog, readFunctionLog, SecretCollector } from '../../helpers/logs.ts';
import { SIM_APP } from '../../helpers/smokeball-client.ts';
import { callFunction, signToken } from '../../helpers/stack.ts';
import { deliver, signedDelivery, signerFor, type Delivery } from '../../helpers/webhooks.ts';
import { signWebhook } from '../../../dev/smokeball-sim/signature.ts';
import { conformingAnswer } from '../../helpers/contract.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SUPPORT_EMAIL = `help-${randomUUID().slice(0, 8)}@casehug.test`;

type App = { clientId: string; clientSecret: string; apiKey: string };
const newApp = (): App => {
  const id = randomUUID();
  return { clientId: `firm-app-${id}`, clientSecret: `firm-secret-${id}`, apiKey: `firm-api-key-${id}` };
};

const sql = useSuperuserSql();
const seen = new SecretCollector();
/** Functions without the default app (SMOKEBALL_CLIENT_ID/SECRET/API_KEY unset), on the stack's database. */
const noDefault: Record<string, Awaited<ReturnType<typeof startUnconfiguredFunction>>> = {};

beforeAll(async () => {
  const env = { SMOKEBALL_API_URL: inject('simUrl'), SMOKEBALL_AUTH_URL: inject('simUrl'), SUPPORT_EMAIL };
  const [start, health, sync] = await Promise.all(['oauth-start', 'health', 'sync-matter'].map((name) => startUnconfiguredFunction(name, env)));
  Object.assign(noDefault, { 'oauth-start': start, health, 'sync-matter': sync });
}, 120_000);

afterAll(() => Promise.all(Object.values(noDefault).map((fn) => fn.stop())));

/** `npm run smokeball:app -- …` as an operator runs it, against the stack's database and keys. */
async function smokeballApp(args: string[], options: { env?: Record<string, string>; stdin?: string } = {}) {
  const keys = await stackKeys();
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/smokeball-app/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SUPABASE_DB_URL: inject('dbUrl'), TOKEN_ENCRYPTION_KEYS: keys.tokenEncryptionKeys, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(options.stdin ?? '');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

/** Registers the app with the simulator (as Smokeball would when granting API access) and sets it for the firm. */
async function giveFirmApp(firmId: string, app: App, region = 'US') {
  await sim().addClient({ ...app, redirectUris: [`${inject('gatewayUrl')}/functions/v1/oauth-callback`] });
  seen.addApp(app);
  // The secret from the environment, the API key from standard input: both ways an operator may use.
  return smokeballApp(['set', '--firm', firmId, '--client-id', app.clientId, '--region', region], {
    env: { SMOKEBALL_APP_CLIENT_SECRET: app.clientSecret },
    stdin: `${app.apiKey}\n`,
  });
}

async function postOAuthStart(url: string, token: string) {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
  return conformingAnswer(res, new URL(url), 'POST');
}

/** The simulator's log of one account's API calls (never a token): which app's client id each came with. */
async function apiCallsOf(accountId: string) {
  return (await sim().requests()).filter((e) => e.accountId === accountId && !e.endpoint.includes('/oauth2/'));
}

async function accountIdOf(username: string) {
  return (await sim().state(username)).accounts[0].accountId;
}

function resign(d: Delivery, key: string, clientId: string): Delivery {
  return { ...d, headers: { ...d.headers, Signature: signWebhook(key, d.headers.Timestamp, d.headers.RequestId, clientId) } };
}

describe('per-firm Smokeball apps', () => {
  const own = newApp();
  let ownFirm: Awaited<ReturnType<typeof createFirmAdmin>>;
  let defaultFirm: Awaited<ReturnType<typeof createFirmAdmin>>;
  let ownUsername = '';
  let defaultUsername = '';

  test('the operator command sets an app without printing or storing a secret in the clear, and refuses secrets as arguments', async () => {
    ownFirm = await createFirmAdmin(sql);
    const set = await giveFirmApp(ownFirm.firm.id, own);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(own.clientId);

    const list = await smokeballApp(['list']);
    expect(list.code).toBe(0);
    const line = list.stdout.split('\n').find((l) => l.startsWith(ownFirm.firm.id));
    expect(line?.split('\t')).toEqual([ownFirm.firm.id, own.clientId, 'production', 'US', expect.any(String)]);
    for (const output of [set.stdout, set.stderr, list.stdout, list.stderr]) {
      expect(output).not.toContain(own.clientSecret);
      expect(output).not.toContain(own.apiKey);
    }

    // Sealed at rest, each bound to its firm, app and column.
    const [row] = await sql`select * from private.smokeball_apps where firm_id = ${ownFirm.firm.id}`;
    expect(JSON.stringify(row)).not.toContain(own.clientSecret);
    expect(JSON.stringify(row)).not.toContain(own.apiKey);
    const sealer = await stackSealer();
    expect(await sealer.open(row.sealed_client_secret, appSecretContext(ownFirm.firm.id, own.clientId))).toBe(own.clientSecret);
    expect(await sealer.open(row.sealed_api_key, appApiKeyContext(ownFirm.firm.id, own.clientId))).toBe(own.apiKey);
    await expect(sealer.open(row.sealed_api_key, appSecretContext(ownFirm.firm.id, own.clientId))).rejects.toThrow();

    const refused = await smokeballApp(['set', '--firm', ownFirm.firm.id, '--client-id', own.clientId, '--region', 'US', '--client-secret', 'x']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('never from arguments');
  }, 60_000);

  test('nobody but the service role can read the table or call the functions', async () => {
    for (const role of ['authenticated', 'anon']) {
      const denied = await sql
        .begin(async (tx) => {
          await tx.unsafe(`set local role ${role}`);
          await tx`select 1 from private.smokeball_apps`;
        })
        .then(() => 'allowed', (e: { code: string }) => e.code);
      expect(denied).toBe('42501');
      const call = await sql
        .begin(async (tx) => {
          await tx.unsafe(`set local role ${role}`);
          await tx`select * from private.smokeball_app_list()`;
        })
        .then(() => 'allowed', (e: { code: string }) => e.code);
      expect(call).toBe('42501');
    }
  });

  test('a firm with its own app connects with it; a firm without one uses the default app', async () => {
    defaultFirm = await createFirmAdmin(sql);
    [ownUsername, defaultUsername] = await Promise.all([
      connectFirm(ownFirm.token, `own-app-${ownFirm.firm.id}`),
      connectFirm(defaultFirm.token, `default-app-${defaultFirm.firm.id}`),
    ]);
    const [ownAccount, defaultAccount] = await Promise.all([accountIdOf(ownUsername), accountIdOf(defaultUsername)]);
    const tokenCalls = (await sim().requests({ endpoint: 'POST /oauth2/token' })).filter((e) => e.grantType === 'authorization_code');
    expect(tokenCalls.filter((e) => e.accountId === ownAccount).map((e) => e.clientId)).toEqual([own.clientId]);
    expect(tokenCalls.filter((e) => e.accountId === defaultAccount).map((e) => e.clientId)).toEqual([SIM_APP.clientId]);
    // The webhook subscription each registered after connecting belongs to its firm's app.
    expect((await sim().state(ownUsername)).accounts[0].subscriptions.map((s) => s.clientId)).toEqual([own.clientId]);
    expect((await sim().state(defaultUsername)).accounts[0].subscriptions.map((s) => s.clientId)).toEqual([SIM_APP.clientId]);
  }, 60_000);

  test("each firm's calls carry its own app's API key and client id", async () => {
    const [ownRes, defaultRes] = await Promise.all([
      callFunction('smokeball-matters', { token: ownFirm.token }),
      callFunction('smokeball-matters', { token: defaultFirm.token }),
    ]);
    // The simulator's gateway answers 403 to an API key that is not the token's app's.
    expect(ownRes.status).toBe(200);
    expect(defaultRes.status).toBe(200);
    const ownCalls = await apiCallsOf(await accountIdOf(ownUsername));
    const defaultCalls = await apiCallsOf(await accountIdOf(defaultUsername));
    expect(ownCalls.filter((e) => e.endpoint === 'GET /matters').length).toBeGreaterThan(0);
    expect(new Set(ownCalls.map((e) => e.clientId))).toEqual(new Set([own.clientId]));
    expect(new Set(defaultCalls.map((e) => e.clientId))).toEqual(new Set([SIM_APP.clientId]));
    expect([...ownCalls, ...defaultCalls].every((e) => e.status !== 403)).toBe(true);
  }, 60_000);

  test("an expired token is refreshed with the firm's own app", async () => {
    const accountId = await accountIdOf(ownUsername);
    const mark = (await sim().requests({ endpoint: 'POST /oauth2/token' })).reduce((max, e) => Math.max(max, e.seq), 0);
    await sql`update private.smokeball_credentials set access_token_expires_at = now() where firm_id = ${ownFirm.firm.id}`;
    expect((await callFunction('smokeball-matters', { token: ownFirm.token })).status).toBe(200);
    const refreshes = (await sim().requests({ since: mark, endpoint: 'POST /oauth2/token' })).filter(
      (e) => e.grantType === 'refresh_token' && e.accountId === accountId,
    );
    expect(refreshes.map((e) => e.clientId)).toEqual([own.clientId]);
  }, 30_000);

  test("a webhook is verified with the firm's app's client id: the default app's is refused", async () => {
    const signer = await signerFor(sql, { id: ownFirm.firm.id, username: ownUsername, accountId: await accountIdOf(ownUsername) });
    const wrongApp = resign(signedDelivery(signer), signer.key, SIM_APP.clientId);
    expect((await deliver(wrongApp)).status).toBe(401);
    const rightApp = resign(signedDelivery(signer), signer.key, own.clientId);
    const accepted = await deliver(rightApp);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ received: true });
  }, 30_000);

  test('a firm with neither its own app nor a default is not configured, and only that firm', async () => {
    const bare = await createFirmAdmin(sql);
    const refused = await postOAuthStart(noDefault['oauth-start'].url, bare.token);
    expect(refused.status).toBe(503);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('smokeball_not_configured');
    expect(error.message).toContain('Smokeball integration is not configured');
    expect(error.message).toContain("API credentials haven't been set up on our server for your connection");
    expect(error.message).toContain(`Contact ${SUPPORT_EMAIL} and we'll help coordinate with the Smokeball partnership team`);
    expect(await sql`select 1 from private.oauth_states where firm_id = ${bare.firm.id}`).toHaveLength(0);

    // The firm with its own app starts a connect on the same deployment, with its app.
    const started = await postOAuthStart(noDefault['oauth-start'].url, ownFirm.token);
    expect(started.status).toBe(200);
    const authorize = new URL(((await started.json()) as { url: string }).url);
    expect(authorize.searchParams.get('client_id')).toBe(own.clientId);

    // health tells each firm of the caller whether it is configured and with which app; no secret.
    const member = await createMember(sql, bare.firm.id, 'member');
    await sql`insert into public.firm_members (firm_id, user_id, role) values (${ownFirm.firm.id}, ${member.id}, 'member')`;
    const token = await signToken({ sub: member.id, email: member.email });
    const health = await conformingAnswer(await fetch(noDefault.health.url, { headers: { authorization: `Bearer ${token}` } }), new URL(noDefault.health.url), 'GET');
    const body = (await health.json()) as { smokeball: { configured: boolean; firms: unknown[] } };
    expect(body.smokeball.configured).toBe(false);
    expect(body.smokeball.firms).toEqual(
      expect.arrayContaining([
        { firmId: bare.firm.id, configured: false, app: null },
        { firmId: ownFirm.firm.id, configured: true, app: 'own', clientId: own.clientId, environment: 'production', region: 'US' },
      ]),
    );
    expect(JSON.stringify(body)).not.toContain(own.apiKey);
    const stack = await callFunction('health', { token });
    expect(((await stack.json()) as { smokeball: { firms: unknown[] } }).smokeball.firms).toEqual(
      expect.arrayContaining([{ firmId: bare.firm.id, configured: true, app: 'default', clientId: SIM_APP.clientId, environment: 'production' }]),
    );
  }, 60_000);

  test('a sync for a firm left without an app fails in its sync history with what to do', async () => {
    const client = await createClient(sql, defaultFirm.firm.id);
    const matter = await createMatter(sql, defaultFirm.firm.id, client.id);
    const res = await conformingAnswer(
      await fetch(noDefault['sync-matter'].url, {
        method: 'POST',
        headers: { authorization: `Bearer ${defaultFirm.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ matterId: matter.id }),
      }),
      new URL(noDefault['sync-matter'].url),
      'POST',
    );
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('smokeball_not_configured');
    const runs = await sql`select status, error_code, error_message from public.sync_runs where firm_id = ${defaultFirm.firm.id} and matter_id = ${matter.id}`;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'failed', error_code: 'smokeball_not_configured' });
    expect(runs[0].error_message).toContain(`Contact ${SUPPORT_EMAIL}`);
  }, 60_000);

  test('the rate limits are separate: a firm whose app has used up its budget does not slow the default app', async () => {
    // Fill the shared limiter's bucket of the firm's app for GET /matters far beyond its horizon.
    const limiter = createPostgresRateLimiter(sql, { rps: 5, burst: 5, sleep: async () => undefined, maxWaitMs: 10 * 60_000 });
    for (let i = 0; i < 250; i++) await limiter.acquire(rateLimitBucket(own.clientId, 'GET /matters'));
    const [ownRes, defaultRes] = await Promise.all([
      callFunction('smokeball-matters', { token: ownFirm.token }),
      callFunction('smokeball-matters', { token: defaultFirm.token }),
    ]);
    expect(ownRes.status).toBe(503);
    expect(((await ownRes.json()) as { error: { code: string } }).error.code).toBe('smokeball_rate_limited');
    expect(defaultRes.status).toBe(200);
  }, 60_000);

  test("changing a connected firm's app invalidates its connection and keeps its queued work; remove leaves it not configured", async () => {
    const client = await createClient(sql, ownFirm.firm.id);
    const matter = await createMatter(sql, ownFirm.firm.id, client.id);
    // A queued job that is not due yet, so nothing claims it meanwhile.
    const [job] = await sql`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, run_after)
      values (${ownFirm.firm.id}, 'sync_matter', ${matter.id}, 'manual', now() + interval '1 hour') returning id`;

    const next = newApp();
    expect((await giveFirmApp(ownFirm.firm.id, next)).stdout).toContain('an admin must connect Smokeball again');
    const [connection] = await sql`select status, last_error_code, last_error_message from public.smokeball_connections where firm_id = ${ownFirm.firm.id}`;
    expect(connection).toMatchObject({ status: 'needs_reauth', last_error_code: 'smokeball_reauth_required' });
    expect(connection.last_error_message).toContain('app credentials changed');
    const matters = await callFunction('smokeball-matters', { token: ownFirm.token });
    expect(matters.status).toBe(409);
    expect(((await matters.json()) as { error: { code: string } }).error.code).toBe('smokeball_reauth_required');
    expect(await sql`select status from public.sync_jobs where id = ${job.id}`).toEqual([{ status: 'queued' }]);

    // Reconnecting with the new app works; then the operator removes it.
    const username = await connectFirm(ownFirm.token, `own-app-next-${ownFirm.firm.id}`);
    const nextAccount = await accountIdOf(username);
    const exchanges = (await sim().requests({ endpoint: 'POST /oauth2/token' })).filter((e) => e.grantType === 'authorization_code');
    expect(exchanges.filter((e) => e.accountId === nextAccount).map((e) => e.clientId)).toEqual([next.clientId]);
    expect((await sim().state(username)).accounts[0].subscriptions.map((s) => s.clientId)).toEqual([next.clientId]);

    const removed = await smokeballApp(['remove', '--firm', ownFirm.firm.id]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('removed');
    expect((await smokeballApp(['list'])).stdout).not.toContain(ownFirm.firm.id);
    const refused = await postOAuthStart(noDefault['oauth-start'].url, ownFirm.token);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('smokeball_not_configured');
  }, 90_000);

  test('no app secret reached a log', async () => {
    const log = [await readFunctionLog(), ...Object.values(noDefault).flatMap((fn) => fn.lines)].join('\n');
    expect(findSecretsInLog(log, seen.secrets)).toEqual([]);
  });
});
