import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, API_KEY, startTestSim, uniqueName, type TestSim } from './helpers.ts';

let t: TestSim;
let token: string;
beforeAll(async () => {
  t = await startTestSim();
  token = (await t.control.createAccount(uniqueName('gw'))).accessToken;
});
afterAll(() => t.sim.close());

describe('API gateway', () => {
  it('answers 403 {"message":"Forbidden"} without or with a wrong x-api-key', async () => {
    for (const key of [undefined, 'wrong-key']) {
      const response = await fetch(`${t.url}/contacts`, {
        headers: { authorization: `Bearer ${token}`, ...(key ? { 'x-api-key': key } : {}) },
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: 'Forbidden' });
    }
  });

  it('answers 401 {"message":"Unauthorized"} without or with an unknown bearer token', async () => {
    const missing = await api(t.url, undefined, 'GET', '/contacts');
    expect(missing).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    const bogus = await api(t.url, 'not-a-token', 'GET', '/contacts');
    expect(bogus).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
  });

  it('answers 403 when the token was issued to another app than the API key names', async () => {
    const s = await startTestSim({
      additionalClients: [{ clientId: 'other-app', clientSecret: 'other-secret', apiKey: 'other-key', redirectUris: [] }],
    });
    try {
      const other = await s.control.createAccount('firm', 'other-app');
      const response = await fetch(`${s.url}/contacts`, { headers: { authorization: `Bearer ${other.accessToken}`, 'x-api-key': API_KEY } });
      expect(response.status).toBe(403);
      const own = await fetch(`${s.url}/contacts`, { headers: { authorization: `Bearer ${other.accessToken}`, 'x-api-key': 'other-key' } });
      expect(own.status).toBe(200);
    } finally {
      await s.sim.close();
    }
  });

  it('echoes the RequestId header, and makes one when none is sent', async () => {
    const echoed = await api(t.url, token, 'GET', '/contacts', undefined, { RequestId: 'req-abc-123' });
    expect(echoed.headers.get('requestid')).toBe('req-abc-123');
    const made = await api(t.url, token, 'GET', '/contacts');
    expect(made.headers.get('requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const unauthorized = await api(t.url, undefined, 'GET', '/contacts', undefined, { RequestId: 'req-401' });
    expect(unauthorized.headers.get('requestid')).toBe('req-401');
  });

  it('answers 404 for an unknown route and ignores Api-Version', async () => {
    expect((await api(t.url, token, 'GET', '/v2/contacts')).status).toBe(404);
    expect((await api(t.url, token, 'GET', '/matters', undefined, { 'Api-Version': '2.0' })).status).toBe(200);
  });
});
