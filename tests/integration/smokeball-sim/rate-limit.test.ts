import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointOf } from '../../../dev/smokeball-sim/routes.ts';
import { defaultOptions } from '../../../dev/smokeball-sim/options.ts';
import { api, startTestSim, uniqueName, type TestSim } from './helpers.ts';

describe('endpointOf()', () => {
  it.each([
    ['GET', '/contacts', 'GET /contacts'],
    ['POST', '/matters', 'POST /matters'],
    ['GET', '/matters/6f1c1f2e-1111-4222-8333-944444444444', 'GET /matters/{id}'],
    ['PATCH', '/matters/abc', 'PATCH /matters/{id}'],
    ['POST', '/matters/6f1c1f2e-1111-4222-8333-944444444444/documents/files', 'POST /matters/{id}/documents/files'],
    ['GET', '/matters/m1/documents/files/f1', 'GET /matters/{id}/documents/files/{id}'],
    ['GET', '/mattertypes/categories', 'GET /mattertypes/categories'],
    ['GET', '/mattertypes/8aca3574-0000-4000-8000-000000000000_IL', 'GET /mattertypes/{id}'],
    ['POST', '/webhooks/w1/notify', 'POST /webhooks/{id}/notify'],
    ['GET', '/webhooks/types', 'GET /webhooks/types'],
    ['POST', '/oauth2/token', 'POST /oauth2/token'],
  ])('%s %s → %s', (method, path, endpoint) => {
    expect(endpointOf(method, path)).toBe(endpoint);
  });
});

describe('rate limit defaults', () => {
  it('is on at 5 requests/s with a burst of 5 and no Retry-After', () => {
    expect(defaultOptions().rateLimit).toEqual({ enabled: true, rps: 5, burst: 5, retryAfter: false });
  });
});

describe('the token bucket per client id and endpoint', () => {
  let t: TestSim;
  // A slow refill (one token every 10 s) so the burst, not the request timing, decides.
  beforeAll(async () => {
    t = await startTestSim({
      rateLimit: { enabled: true, rps: 0.1, burst: 5, retryAfter: false },
      additionalClients: [{ clientId: 'second-app', clientSecret: 's', apiKey: 'second-key', redirectUris: [] }],
    });
  });
  afterAll(() => t.sim.close());

  it('allows a burst of 5, then answers 429 {"message":"Too Many Requests"} without Retry-After, and counts it', async () => {
    const firm = await t.control.createAccount(uniqueName('burst'));
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await api(t.url, firm.accessToken, 'GET', '/contacts')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const throttled = await api(t.url, firm.accessToken, 'GET', '/contacts');
    expect(throttled.status).toBe(429);
    expect(throttled.body).toEqual({ message: 'Too Many Requests' });
    expect(throttled.headers.get('retry-after')).toBeNull();
    expect((await t.control.stats()).throttled).toBe(1);
    const log = await t.control.requests({ endpoint: 'GET /contacts' });
    expect(log.at(-1)).toMatchObject({ status: 429, throttled: true, clientId: 'casehug-local', accountId: firm.accountId });
  });

  it('is shared by every firm of the same client id, but separate per endpoint and per client id', async () => {
    const otherFirm = await t.control.createAccount(uniqueName('firm-b'));
    expect((await api(t.url, otherFirm.accessToken, 'GET', '/contacts')).status).toBe(429);
    expect((await api(t.url, otherFirm.accessToken, 'GET', '/matters')).status).toBe(200);
    expect((await api(t.url, otherFirm.accessToken, 'GET', '/contacts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const secondApp = await t.control.createAccount(uniqueName('firm-c'), 'second-app');
    const response = await api(t.url, secondApp.accessToken, 'GET', '/contacts', undefined, { 'x-api-key': 'second-key' });
    expect(response.status).toBe(200);
  });

  it('sends Retry-After when configured', async () => {
    await t.control.config({ rateLimit: { retryAfter: true } });
    const firm = await t.control.createAccount(uniqueName('retry'));
    const response = await api(t.url, firm.accessToken, 'GET', '/contacts');
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('does not limit /oauth2/token', async () => {
    const statuses = [];
    for (let i = 0; i < 8; i++) {
      const response = await fetch(`${t.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password' });
      statuses.push(response.status);
    }
    expect(statuses.every((s) => s === 400)).toBe(true);
  });

  it('can be switched off at runtime', async () => {
    await t.control.config({ rateLimit: { enabled: false } });
    const firm = await t.control.createAccount(uniqueName('off'));
    const statuses = await Promise.all(Array.from({ length: 12 }, () => api(t.url, firm.accessToken, 'GET', '/contacts').then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
});
