import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, startTestSim, tokenRequest, uniqueName, type TestSim } from './helpers.ts';

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

  it('counts injected faults', async () => {
    const before = (await t.control.stats()).faultsInjected;
    await t.control.addFault({ endpoint: 'GET /matters', status: 503, count: 1 });
    await api(t.url, token, 'GET', '/matters');
    expect((await t.control.stats()).faultsInjected).toBe(before + 1);
  });
});
