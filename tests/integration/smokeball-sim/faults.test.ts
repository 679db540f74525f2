import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, createVisibleContact, visible, eventually, startTestSim, tokenRequest, uniqueName, type TestSim } from './helpers.ts';

let t: TestSim;
let token: string;
beforeAll(async () => {
  t = await startTestSim();
  token = (await t.control.createAccount(uniqueName('faults'))).accessToken;
});
afterAll(() => t.sim.close());
afterEach(() => t.control.clearFaults());

describe('fault injection', () => {
  it('fails the next N matching requests, then removes the rule', async () => {
    await t.control.addFault({ endpoint: 'GET /matters', status: 503, count: 2 });
    const first = await api(t.url, token, 'GET', '/matters');
    expect(first).toMatchObject({ status: 503, body: { message: 'Service Unavailable' } });
    expect((await api(t.url, token, 'GET', '/matters')).status).toBe(503);
    expect((await api(t.url, token, 'GET', '/matters')).status).toBe(200);
    expect(await t.control.faults()).toEqual([]);
  });

  it('only hits the matching method and endpoint', async () => {
    await t.control.addFault({ method: 'POST', endpoint: 'POST /contacts', status: 500 });
    expect((await api(t.url, token, 'GET', '/contacts')).status).toBe(200);
    const failed = await api(t.url, token, 'POST', '/contacts', { person: { lastName: 'X' } });
    expect(failed).toMatchObject({ status: 500, body: { message: 'Internal server error' } });
  });

  it('applies a rate: 1 always hits, 0 never does', async () => {
    await t.control.addFault({ endpoint: 'GET /contacts', status: 502, rate: 1 });
    for (let i = 0; i < 5; i++) expect((await api(t.url, token, 'GET', '/contacts')).status).toBe(502);
    await t.control.clearFaults();
    await t.control.addFault({ endpoint: 'GET /contacts', status: 502, rate: 0 });
    for (let i = 0; i < 5; i++) expect((await api(t.url, token, 'GET', '/contacts')).status).toBe(200);
  });

  it('matches by path prefix, including the auth server', async () => {
    await t.control.addFault({ pathPrefix: '/oauth2/token', status: 500, count: 1 });
    const failed = await tokenRequest(t.url, { grant_type: 'client_credentials', client_id: 'casehug-local' });
    expect(failed.status).toBe(500);
    expect((await tokenRequest(t.url, { grant_type: 'client_credentials', client_id: 'casehug-local' })).status).toBe(200);
  });

  it('resets the connection', async () => {
    await t.control.addFault({ endpoint: 'GET /mattertypes', reset: true, count: 1 });
    await expect(api(t.url, token, 'GET', '/mattertypes')).rejects.toThrow();
    expect((await api(t.url, token, 'GET', '/mattertypes')).status).toBe(200);
    const stats = await t.control.stats();
    expect(stats.connectionResets).toBe(1);
    const entry = await eventually(async () => (await t.control.requests({ endpoint: 'GET /mattertypes' })).find((e) => e.status === 0), 'the reset in the log');
    expect(entry.fault).toBeDefined();
  });

  it('adds latency to matching requests', async () => {
    await t.control.addFault({ endpoint: 'GET /webhooks', latencyMs: 250 });
    const started = performance.now();
    expect((await api(t.url, token, 'GET', '/webhooks')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('adds the configured global latency to every API request', async () => {
    await t.control.config({ latencyMs: { min: 200, max: 220 } });
    try {
      const started = performance.now();
      await api(t.url, token, 'GET', '/contacts');
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    } finally {
      await t.control.config({ latencyMs: { min: 0, max: 0 } });
    }
  });

  it('rejects a rule that does nothing', async () => {
    await expect(t.control.addFault({ endpoint: 'GET /contacts' })).rejects.toThrow(/400/);
  });

  it('scopes a rule to one account, by id or by username; a rule without account hits everyone', async () => {
    const a = await t.control.createAccount(uniqueName('scoped-a'));
    const b = await t.control.createAccount(uniqueName('scoped-b'));
    await t.control.addFault({ endpoint: 'GET /matters', account: a.accountId, status: 503 });
    await t.control.addFault({ endpoint: 'GET /contacts', account: a.username.toUpperCase(), status: 502 });
    expect((await api(t.url, a.accessToken, 'GET', '/matters')).status).toBe(503);
    expect((await api(t.url, a.accessToken, 'GET', '/contacts')).status).toBe(502);
    expect((await api(t.url, b.accessToken, 'GET', '/matters')).status).toBe(200);
    expect((await api(t.url, b.accessToken, 'GET', '/contacts')).status).toBe(200);
    // The shared-simulator case: another test's unscoped rule still reaches both accounts.
    await t.control.addFault({ endpoint: 'GET /webhooks', status: 500, count: 2 });
    expect((await api(t.url, b.accessToken, 'GET', '/webhooks')).status).toBe(500);
    expect((await api(t.url, a.accessToken, 'GET', '/webhooks')).status).toBe(500);
  });

  it('does not use up a scoped "next N" rule on other accounts\' requests', async () => {
    const a = await t.control.createAccount(uniqueName('count-a'));
    const b = await t.control.createAccount(uniqueName('count-b'));
    const rule = await t.control.addFault({ endpoint: 'GET /mattertypes', account: a.username, status: 504, count: 1 });
    for (let i = 0; i < 3; i++) expect((await api(t.url, b.accessToken, 'GET', '/mattertypes')).status).toBe(200);
    expect(await t.control.faults()).toEqual([expect.objectContaining({ id: rule.id, account: a.username, hits: 0 })]);
    expect((await api(t.url, a.accessToken, 'GET', '/mattertypes')).status).toBe(504);
    expect((await api(t.url, a.accessToken, 'GET', '/mattertypes')).status).toBe(200);
  });

  it('never matches an account-scoped rule on the auth server (no access token)', async () => {
    const a = await t.control.createAccount(uniqueName('auth-a'));
    await t.control.addFault({ pathPrefix: '/oauth2/token', account: a.accountId, status: 500 });
    const refreshed = await tokenRequest(t.url, { grant_type: 'refresh_token', client_id: 'casehug-local', refresh_token: a.refreshToken });
    expect(refreshed.status).toBe(200);
  });

  it('scopes S3 upload faults by the account that owns the upload URL', async () => {
    const a = await t.control.createAccount(uniqueName('s3-a'));
    const b = await t.control.createAccount(uniqueName('s3-b'));
    const uploadUrlOf = async (token: string) => {
      const contactId = await createVisibleContact(t.url, token, { firstName: 'Up', lastName: 'Loader' });
      const [type] = (await api(t.url, token, 'GET', '/mattertypes?location=IL&type=0&limit=1')).body.value;
      const matter = await api(t.url, token, 'POST', '/matters', { matterTypeId: type.id, clientIds: [contactId], status: 'Open' });
      // A file on a matter that is not visible yet is refused (pessimistic default): wait for the matter.
      await visible(t.url, token, `/matters/${matter.body.id}`);
      const file = await api(t.url, token, 'POST', `/matters/${matter.body.id}/documents/files`, { fileName: 'a.txt' });
      expect(file.status).toBe(202);
      return file.body.uploadUrl as string;
    };
    const [urlA, urlB] = [await uploadUrlOf(a.accessToken), await uploadUrlOf(b.accessToken)];
    await t.control.addFault({ pathPrefix: '/s3/', account: a.accountId, status: 503 });
    const put = (url: string) => fetch(url, { method: 'PUT', body: 'hello', headers: { 'content-length': '5' } }).then((r) => r.status);
    expect(await put(urlA)).toBe(503);
    expect(await put(urlB)).toBe(200);
  });

  it('DELETE /__sim/faults/{id} removes only that rule, and answers 404 for a rule that is gone', async () => {
    const a = await t.control.createAccount(uniqueName('remove-a'));
    const mine = await t.control.addFault({ endpoint: 'GET /matters', account: a.accountId, status: 503 });
    const theirs = await t.control.addFault({ endpoint: 'GET /contacts', status: 500, rate: 0 });
    await t.control.removeFault(mine.id);
    expect((await t.control.faults()).map((r) => r.id)).toEqual([theirs.id]);
    expect((await api(t.url, a.accessToken, 'GET', '/matters')).status).toBe(200);
    await expect(t.control.removeFault(mine.id)).rejects.toMatchObject({ status: 404 });
    await expect(t.control.removeFault(9_999_999)).rejects.toMatchObject({ status: 404 });
  });

  it('rejects an empty account in a rule', async () => {
    await expect(t.control.addFault({ endpoint: 'GET /contacts', account: ' ', status: 500 })).rejects.toMatchObject({ status: 400 });
  });

  it('counts injected faults', async () => {
    const before = (await t.control.stats()).faultsInjected;
    await t.control.addFault({ endpoint: 'GET /matters', status: 503, count: 1 });
    await api(t.url, token, 'GET', '/matters');
    expect((await t.control.stats()).faultsInjected).toBe(before + 1);
  });
});
