// disconnect: admin only; deletes the account's webhook subscriptions at Smokeball (best effort), the
// credentials and pending connects; keeps the connection row (as `disconnected`, with its auto_sync choice
// and account), the queued jobs (parked) and every link id; a second call has nothing to do; a reconnect
// afterwards works. The last test scans the function log for this file's secrets.
import { describe, expect, inject, test } from 'vitest';
import { WEBHOOK_CLEANUP_BUDGET_MS } from '../../../shared/sync/connection/disconnect.ts';
import { accessTokenContext, refreshTokenContext } from '../../../shared/sync/connection/tokens.ts';
import { approveAt, completeConnect, followCallback, handleFrom, sim, simAccountId, stackSealer, startConnectUrl } from '../../helpers/connect.ts';
import { createClient, createDocument, createFirm, createMatter, createMember, createUser } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { createFirmAdmin } from '../../helpers/firm-users.ts';
import { findSecretsInLog, readFunctionLog, SecretCollector, waitForRequestLogged } from '../../helpers/logs.ts';
import { callFunction, signToken } from '../../helpers/stack.ts';
import { helpFor } from '../../../shared/error-help.ts';

const sql = useSuperuserSql();
const seen = new SecretCollector();
let lastRequestId = '';

type DisconnectBody = {
  disconnected?: boolean;
  webhooks?: { deleted: number; failed: number };
  jobsParked?: number;
  error?: { code: string; message: string };
};

async function disconnect(token?: string): Promise<{ status: number; body: DisconnectBody }> {
  const res = await callFunction('disconnect', { method: 'POST', token });
  lastRequestId = res.headers.get('x-request-id') ?? lastRequestId;
  return { status: res.status, body: (await res.json()) as DisconnectBody };
}

/** A firm whose admin connected it to its own simulator account; its tokens are remembered as secrets. */
async function connectedFirm() {
  const { firm, admin, token } = await createFirmAdmin(sql);
  const username = `firm-${firm.id}`;
  const { url, state } = await startConnectUrl(token);
  seen.add('state', state);
  const callbackUrl = await approveAt(url, username);
  seen.add('authorization code', new URL(callbackUrl).searchParams.get('code'));
  const { location } = await followCallback(callbackUrl);
  expect((await completeConnect(token, { handle: handleFrom(location) })).status).toBe(200);
  const [row] = await sql`select sealed_access_token, sealed_refresh_token from private.smokeball_credentials where firm_id = ${firm.id}`;
  const sealer = await stackSealer();
  const accessToken = await sealer.open(row.sealed_access_token, accessTokenContext(firm.id));
  seen.add('access token', accessToken);
  seen.add('refresh token', await sealer.open(row.sealed_refresh_token, refreshTokenContext(firm.id)));
  return { firm, admin, token, username, accessToken };
}

/** The subscription connecting registered for the firm (exactly one). */
async function registeredSubscription(firmId: string): Promise<string> {
  const rows = await sql<{ id: string }[]>`select smokeball_subscription_id as id from public.webhook_subscriptions where firm_id = ${firmId}`;
  expect(rows).toHaveLength(1);
  return rows[0].id;
}

async function insertJob(firmId: string, subjectId: string, status: string): Promise<string> {
  const [row] = await sql`
    insert into public.sync_jobs (firm_id, kind, subject_id, trigger, status, run_after)
    values (${firmId}, 'sync_matter', ${subjectId}, 'manual', ${status}, now() + interval '1 hour') returning id`;
  // Due in an hour: the stack's sweep must not run the queued one before the disconnect parks it.
  return row.id;
}

describe('who may disconnect', () => {
  test('without a JWT: 401', async () => {
    const { status, body } = await disconnect();
    expect(status).toBe(401);
    expect(body.error?.code).toBe('invalid_jwt');
  });

  test('a member gets 403 and the connection stays', async () => {
    const { firm } = await connectedFirm();
    const member = await createMember(sql, firm.id, 'member');
    const { status, body } = await disconnect(await signToken({ sub: member.id }));
    expect(status).toBe(403);
    expect(body.error).toEqual({ code: 'forbidden', message: expect.any(String), help: helpFor('forbidden'), retryable: false });
    expect(await sql`select 1 from private.smokeball_credentials where firm_id = ${firm.id}`).toHaveLength(1);
  });

  test('a user of no firm gets 403', async () => {
    const user = await createUser(sql);
    const { status, body } = await disconnect(await signToken({ sub: user.id }));
    expect(status).toBe(403);
    expect(body.error?.code).toBe('forbidden');
  });
});

describe('disconnect', () => {
  test('deletes the subscriptions at Smokeball, the credentials and pending connects; keeps the connection row, its auto_sync choice, link ids and every job (queued ones parked)', async () => {
    const { firm, token, username, accessToken } = await connectedFirm();
    const accountId = await simAccountId(username);
    // Connecting registered the firm's one subscription (oauth-callback → register-webhooks).
    const subscriptionId = await registeredSubscription(firm.id);
    expect((await sim().state(accountId)).accounts[0].subscriptions.map((s) => s.id)).toEqual([subscriptionId]);

    const client = await createClient(sql, firm.id, { smokeballContactId: `contact-${firm.id}` });
    const matter = await createMatter(sql, firm.id, client.id, { smokeballMatterId: `matter-${firm.id}` });
    const document = await createDocument(sql, firm.id, matter.id, { smokeballFileId: `file-${firm.id}` });
    const queued = await insertJob(firm.id, matter.id, 'queued');
    const running = await insertJob(firm.id, crypto.randomUUID(), 'running');
    const succeeded = await insertJob(firm.id, crypto.randomUUID(), 'succeeded');
    await startConnectUrl(token); // a pending connect
    // The admin had turned auto-sync off: that choice is the firm's, not the connection's.
    await sql`update public.smokeball_connections set auto_sync = false where firm_id = ${firm.id}`;

    const { status, body } = await disconnect(token);
    expect(status).toBe(200);
    expect(body).toEqual({ disconnected: true, webhooks: { deleted: 1, failed: 0 }, jobsParked: 1 });

    expect((await sim().state(accountId)).accounts[0].subscriptions).toEqual([]);
    const [connection] = await sql`select status, auto_sync, account_id, disconnected_at from public.smokeball_connections where firm_id = ${firm.id}`;
    expect(connection).toMatchObject({ status: 'disconnected', auto_sync: false, account_id: accountId });
    expect(connection.disconnected_at).toBeInstanceOf(Date);
    expect(await sql`select 1 from private.smokeball_credentials where firm_id = ${firm.id}`).toHaveLength(0);
    expect(await sql`select 1 from private.oauth_states where firm_id = ${firm.id}`).toHaveLength(0);
    expect(await sql`select 1 from public.webhook_subscriptions where firm_id = ${firm.id}`).toHaveLength(0);
    const jobs = await sql`select id, status, last_error_code from public.sync_jobs where firm_id = ${firm.id}`;
    expect(Object.fromEntries(jobs.map((j) => [j.id, [j.status, j.last_error_code]]))).toEqual({
      [queued]: ['queued', 'disconnected'],
      [running]: ['running', null],
      [succeeded]: ['succeeded', null],
    });

    const [links] = await sql`
      select c.smokeball_contact_id, m.smokeball_matter_id, d.smokeball_file_id
      from public.clients c join public.matters m on m.client_id = c.id join public.documents d on d.matter_id = m.id
      where d.id = ${document.id}`;
    expect(links).toEqual({ smokeball_contact_id: `contact-${firm.id}`, smokeball_matter_id: `matter-${firm.id}`, smokeball_file_id: `file-${firm.id}` });

    // A second call has nothing to do.
    const again = await disconnect(token);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ disconnected: false, webhooks: { deleted: 0, failed: 0 }, jobsParked: 0 });
  });

  test('a Smokeball that does not answer the webhook delete holds the disconnect for a bounded time only', async () => {
    const { firm, token } = await connectedFirm();
    const subscriptionId = await registeredSubscription(firm.id);
    // Only this subscription's path is slowed (the simulator is shared), once, longer than the budget.
    await sim().addFault({ method: 'DELETE', pathPrefix: `/webhooks/${subscriptionId}`, latencyMs: WEBHOOK_CLEANUP_BUDGET_MS + 3_000, count: 1 });

    const started = Date.now();
    const { status, body } = await disconnect(token);
    const tookMs = Date.now() - started;
    expect(status).toBe(200);
    expect(body).toEqual({ disconnected: true, webhooks: { deleted: 0, failed: 1 }, jobsParked: 0 });
    expect(tookMs).toBeGreaterThanOrEqual(WEBHOOK_CLEANUP_BUDGET_MS - 100);
    expect(tookMs).toBeLessThan(WEBHOOK_CLEANUP_BUDGET_MS + 2_500);
    expect(await sql`select 1 from private.smokeball_credentials where firm_id = ${firm.id}`).toHaveLength(0);
  });

  test('a firm that never connected: 200 with nothing to do', async () => {
    const firm = await createFirm(sql);
    const admin = await createMember(sql, firm.id, 'admin');
    const { status, body } = await disconnect(await signToken({ sub: admin.id }));
    expect(status).toBe(200);
    expect(body).toEqual({ disconnected: false, webhooks: { deleted: 0, failed: 0 }, jobsParked: 0 });
  });

  test('a connection whose grant was revoked (needs_reauth) still disconnects', async () => {
    const { firm, token, username } = await connectedFirm();
    await sim().revoke(username);
    await sql`update public.smokeball_connections set status = 'needs_reauth' where firm_id = ${firm.id}`;
    // The subscription registered on connect is still recorded; deleting it at Smokeball cannot work now.
    expect(await registeredSubscription(firm.id)).toBeTruthy();
    const { status, body } = await disconnect(token);
    expect(status).toBe(200);
    expect(body).toEqual({ disconnected: true, webhooks: { deleted: 0, failed: 1 }, jobsParked: 0 });
    const [connection] = await sql`select status from public.smokeball_connections where firm_id = ${firm.id}`;
    expect(connection.status).toBe('disconnected');
    expect(await sql`select 1 from private.smokeball_credentials where firm_id = ${firm.id}`).toHaveLength(0);
  });

  test('a reconnect after a disconnect works and finds the link ids in place', async () => {
    const { firm, token, username } = await connectedFirm();
    const client = await createClient(sql, firm.id, { smokeballContactId: `contact-${firm.id}` });
    expect((await disconnect(token)).body.disconnected).toBe(true);

    const { url, state } = await startConnectUrl(token, { returnTo: '/settings' });
    seen.add('state', state);
    const callbackUrl = await approveAt(url, username);
    seen.add('authorization code', new URL(callbackUrl).searchParams.get('code'));
    const { location } = await followCallback(callbackUrl);
    const complete = await completeConnect(token, { handle: handleFrom(location) });
    expect(complete.status).toBe(200);
    expect(await complete.json()).toEqual({ connected: true, accountId: await simAccountId(username), switchedAccount: false });
    const [connection] = await sql`select status from public.smokeball_connections where firm_id = ${firm.id}`;
    expect(connection.status).toBe('connected');
    const [row] = await sql`select smokeball_contact_id from public.clients where id = ${client.id}`;
    expect(row.smokeball_contact_id).toBe(`contact-${firm.id}`);
  });
});

describe('logs', () => {
  test('the function logs contain none of the tokens, codes or states this file saw', async () => {
    seen.add('secret key', inject('secretKey'));
    seen.add('client secret', 'casehug-local-secret');
    await waitForRequestLogged(lastRequestId);
    expect(findSecretsInLog(await readFunctionLog(), seen.secrets)).toEqual([]);
  });
});
