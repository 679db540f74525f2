import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestSim, uniqueName, visible, type TestSim } from './helpers.ts';

let t: TestSim;
beforeAll(async () => {
  t = await startTestSim({ writeVisibilityDelayMs: 0 });
});
afterAll(() => t.sim.close());

describe('/__sim/ controls', () => {
  it('creates an account with working tokens; each username is one account', async () => {
    const name = uniqueName('Firm');
    const account = await t.control.createAccount(name);
    expect(account).toMatchObject({ accountId: expect.any(String), username: name, accessToken: expect.any(String), refreshToken: expect.any(String) });
    expect((await api(t.url, account.accessToken, 'GET', '/contacts')).status).toBe(200);
    const again = await t.control.createAccount(name.toUpperCase());
    expect(again.accountId).toBe(account.accountId);
  });

  it('logs each API request with endpoint, status, requestId, account and client, without query secrets', async () => {
    const account = await t.control.createAccount(uniqueName('log'));
    await api(t.url, account.accessToken, 'GET', '/contacts?search=email:a@b.c', undefined, { RequestId: 'logged-1' });
    const [entry] = (await t.control.requests()).filter((e) => e.requestId === 'logged-1');
    expect(entry).toMatchObject({
      method: 'GET', path: '/contacts?search=email%3Aa%40b.c', endpoint: 'GET /contacts', status: 200,
      accountId: account.accountId, clientId: 'casehug-local', timeMs: expect.any(Number), seq: expect.any(Number),
    });
    const contact = (await api(t.url, account.accessToken, 'POST', '/contacts', { person: { lastName: 'L' } })).body.id;
    const type = (await api(t.url, account.accessToken, 'GET', '/mattertypes?location=IL&name=Will')).body.value[0].id;
    const matter = (await api(t.url, account.accessToken, 'POST', '/matters', { matterTypeId: type, clientIds: [contact], status: 'Open' })).body.id;
    const file = (await api(t.url, account.accessToken, 'POST', `/matters/${matter}/documents/files`, { fileName: 'x.txt' })).body;
    await fetch(file.uploadUrl, { method: 'PUT', body: 'abc' });
    const log = JSON.stringify(await t.control.requests());
    expect(log).not.toContain(new URL(file.uploadUrl).searchParams.get('X-Amz-Signature'));
    expect(log).not.toContain(account.accessToken);
  });

  it('registers apps one by one (POST /__sim/clients), each served with its own API key beside the others', async () => {
    const first = { clientId: uniqueName('app-a'), clientSecret: 'a-secret', apiKey: uniqueName('a-key'), redirectUris: [] };
    const second = { clientId: uniqueName('app-b'), clientSecret: 'b-secret', apiKey: uniqueName('b-key'), redirectUris: [] };
    await t.control.addClient(first);
    await t.control.addClient(second);
    // Registering again replaces that app only.
    await t.control.addClient({ ...first, apiKey: `${first.apiKey}-2` });
    const ids = (await t.control.getConfig()).additionalClients.map((c) => c.clientId);
    expect(ids.filter((id) => id === first.clientId || id === second.clientId).sort()).toEqual([first.clientId, second.clientId].sort());
    const a = await t.control.createAccount(uniqueName('firm-a'), first.clientId);
    const b = await t.control.createAccount(uniqueName('firm-b'), second.clientId);
    const call = (token: string, apiKey: string) => fetch(`${t.url}/contacts`, { headers: { authorization: `Bearer ${token}`, 'x-api-key': apiKey } });
    expect((await call(a.accessToken, `${first.apiKey}-2`)).status).toBe(200);
    expect((await call(a.accessToken, first.apiKey)).status).toBe(403);
    expect((await call(b.accessToken, second.apiKey)).status).toBe(200);
    expect((await call(b.accessToken, `${first.apiKey}-2`)).status).toBe(403);
    const refused = await fetch(`${t.url}/__sim/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'casehug-local', clientSecret: 'x', apiKey: 'y', redirectUris: [] }),
    });
    expect(refused.status).toBe(409);
  });

  it('counts requests by status and endpoint', async () => {
    const account = await t.control.createAccount(uniqueName('stats'));
    const before = await t.control.stats();
    await api(t.url, account.accessToken, 'GET', '/matters');
    await api(t.url, undefined, 'GET', '/matters');
    const after = await t.control.stats();
    expect(after.requests - before.requests).toBe(2);
    expect(after.byEndpoint['GET /matters'] - (before.byEndpoint['GET /matters'] ?? 0)).toBe(2);
    expect(after.byStatus['401'] - (before.byStatus['401'] ?? 0)).toBe(1);
  });

  it('shows the state of every account', async () => {
    const account = await t.control.createAccount(uniqueName('state'));
    const created = await api(t.url, account.accessToken, 'POST', '/contacts', { person: { lastName: 'Stateful' } });
    await visible(t.url, account.accessToken, `/contacts/${created.body.id}`);
    const state = await t.control.state(account.accountId);
    expect(state.accounts).toHaveLength(1);
    expect(state.accounts[0].contacts.map((c: any) => c.id)).toEqual([created.body.id]);
    expect(typeof state.nowMs).toBe('number');
  });

  it('changes options at runtime and rejects unknown options', async () => {
    const config = await t.control.config({ writeVisibilityDelayMs: 5, webhooks: { duplicateRate: 0.5 } });
    expect(config.writeVisibilityDelayMs).toBe(5);
    expect(config.webhooks).toEqual({ duplicateRate: 0.5, reorderWindowMs: 0, timeoutMs: 10_000, lateRate: 0.2, lateMs: { min: 100, max: 800 } });
    await expect(t.control.config({ port: 1 } as never)).rejects.toThrow(/400/);
    await expect(t.control.config({ rateLimit: { rps: -1 } })).rejects.toThrow(/400/);
    await t.control.config({ writeVisibilityDelayMs: 0, webhooks: { duplicateRate: 0 } });
  });

  it('advances the clock', async () => {
    const before = await t.control.clock();
    const after = await t.control.advanceClock(60_000);
    expect(after.offsetMs - before.offsetMs).toBe(60_000);
    expect(after.nowMs - before.nowMs).toBeGreaterThanOrEqual(60_000);
  });

  it('answers 404 for an unknown control or account', async () => {
    expect((await fetch(`${t.url}/__sim/nothing`)).status).toBe(404);
    expect((await fetch(`${t.url}/__sim/accounts/nobody/revoke`, { method: 'POST' })).status).toBe(404);
  });

  it('reset clears data, tokens and logs, and keeps the configuration', async () => {
    const s = await startTestSim({ writeVisibilityDelayMs: 0, accessTokenTtlS: 120 });
    try {
      const account = await s.control.createAccount('to-reset');
      await api(s.url, account.accessToken, 'POST', '/contacts', { person: { lastName: 'Gone' } });
      await s.control.addFault({ endpoint: 'GET /contacts', status: 500 });
      await s.control.reset();
      expect((await s.control.state()).accounts).toEqual([]);
      expect(await s.control.requests()).toEqual([]);
      expect(await s.control.faults()).toEqual([]);
      expect((await s.control.stats()).requests).toBe(0);
      expect((await api(s.url, account.accessToken, 'GET', '/contacts')).status).toBe(401);
      expect((await s.control.getConfig()).accessTokenTtlS).toBe(120);
    } finally {
      await s.sim.close();
    }
  });
});
