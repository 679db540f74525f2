// The retry policy against the simulator over HTTP: 5xx are ridden out on reads (and on
// creates only when the caller opts in), a 400 is final, a just-created id's 404 is eventual consistency,
// Retry-After is honoured, and a 401 costs exactly one real token refresh and one retry. Each block has its
// own simulator (fault rules, clock and rate limit are per instance), with faults scoped to one account.
import { createFreshResources } from '../../../shared/smokeball/fresh-resources.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl, RequestLogEntry } from '../../../dev/smokeball-sim/sim-client.ts';
import type { SmokeballSim } from '../../../dev/smokeball-sim/server.ts';
import type { SmokeballClient } from '../../../shared/smokeball/client.ts';
import { SmokeballHttpError } from '../../../shared/smokeball/errors.ts';
import { startTestSim, uniqueName } from '../smokeball-sim/helpers.ts';
import { createSimClient, fixedToken, refreshingTokens } from '../../helpers/smokeball-client.ts';


/** The log entries after `since` that belong to `accountId`. */
async function logOf(control: SimControl, accountId: string, since = 0): Promise<RequestLogEntry[]> {
  return (await control.requests({ since })).filter((e) => e.accountId === accountId);
}
const lastSeq = async (control: SimControl) => (await control.requests()).reduce((max, e) => Math.max(max, e.seq), 0);

/** The rejection of `promise` (fails the test when it resolves). */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

async function seedContacts(client: SmokeballClient, tag: string, count: number) {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const { data } = await client.contacts.createPerson({ firstName: `Retry${n}`, lastName: tag, email: `${tag}-${n}@example.test` });
    await client.contacts.get(data.id, { justCreated: true });
    ids.push(data.id);
  }
  return ids;
}

describe('5xx: reads ride out 30% of 503s; creates are retried only when the caller opts in', () => {
  let sim: SmokeballSim;
  let control: SimControl;
  beforeAll(async () => ({ sim, control } = await startTestSim({ writeVisibilityDelayMs: 0 })));
  afterAll(() => sim.close());

  // With p = 0.3 and the default 5 attempts a call fails with probability 0.3^5 ≈ 0.24 %, so 40 calls
  // would fail the test about 1 run in 10 by design. 10 attempts (0.3^10 ≈ 6·10⁻⁶ per call) keep the
  // test about the loop, not about luck; the attempt count itself is unit-tested in retry.test.ts.
  const RETRY = { maxAttempts: 10 };

  it('every read succeeds, each 503 was followed by another attempt, and nothing else was sent', async () => {
    const account = await control.createAccount(uniqueName('reads-503'));
    const { client, calls } = createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken), retry: RETRY });
    const contactIds = await seedContacts(client, account.username, 2);
    const { data: types } = await client.matterTypes.list('IL');
    const { data: matter } = await client.matters.create({ matterTypeId: types[0].id, clientIds: [contactIds[0]], status: 'Open' });
    await client.matters.get(matter.id, { justCreated: true });

    const since = await lastSeq(control);
    calls.length = 0;
    await control.addFault({ account: account.accountId, status: 503, rate: 0.3 });
    const reads = Array.from({ length: 8 }, (_, i) => [
      client.contacts.searchByEmail(`${account.username}-${i % 2}@example.test`).then((r) => expect(r.data).toHaveLength(1)),
      client.contacts.get(contactIds[i % 2]).then((r) => expect(r.data.id).toBe(contactIds[i % 2])),
      client.matterTypes.list('IL').then((r) => expect(r.data.length).toBe(types.length)),
      client.matters.get(matter.id).then((r) => expect(r.data.id).toBe(matter.id)),
      (async () => {
        const ids = [];
        for await (const m of client.matters.list({ contactId: contactIds[0] })) ids.push(m.id);
        expect(ids).toEqual([matter.id]);
      })(),
    ]).flat();
    await Promise.all(reads);

    const log = await logOf(control, account.accountId, since);
    const statuses = log.map((e) => e.status);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(reads.length);
    // P(no 503 in ≥ 40 attempts at 30%) < 10⁻⁶: the faults really happened and were retried.
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(calls).toHaveLength(log.length);
  });

  it('a create that gets a 503 is not repeated by default (maybe delivered), and nothing was created', async () => {
    const account = await control.createAccount(uniqueName('create-503'));
    const { client } = createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken) });
    await control.addFault({ account: account.accountId, endpoint: 'POST /contacts', status: 503, count: 1 });
    const since = await lastSeq(control);

    const error = await failureOf(client.contacts.createPerson({ firstName: 'Once', lastName: account.username }));

    expect(error).toBeInstanceOf(SmokeballHttpError);
    expect(error).toMatchObject({ upstreamStatus: 503, stopReason: 'unsafe_to_retry', maybeDelivered: true, attempts: 1 });
    expect((await logOf(control, account.accountId, since)).map((e) => `${e.endpoint} ${e.status}`)).toEqual(['POST /contacts 503']);
    const [state] = (await control.state(account.accountId)).accounts;
    expect([...state.contacts, ...state.pendingContactIds]).toEqual([]);
  });
});

describe('final answers: a 400 is never retried; a 404 is retried only for a just-created id', () => {
  let sim: SmokeballSim;
  let control: SimControl;
  // Writes become readable 300 ms after their 202, so an immediate read of the new id is a 404.
  beforeAll(async () => ({ sim, control } = await startTestSim({ writeVisibilityDelayMs: 300 })));
  afterAll(() => sim.close());

  it('a 400 from the API is final: one request', async () => {
    const account = await control.createAccount(uniqueName('bad-request'));
    const { client } = createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken) });
    const since = await lastSeq(control);

    // A person needs a first or last name (docs/smokeball.md §2): the simulator answers 400 ProblemDetails.
    const error = await failureOf(client.contacts.createPerson({ email: 'nameless@example.test' }));

    expect(error).toMatchObject({ upstreamStatus: 400, stopReason: 'client_error', attempts: 1 });
    expect((await logOf(control, account.accountId, since)).map((e) => `${e.endpoint} ${e.status}`)).toEqual(['POST /contacts 400']);
  });

  it('a 400 on a read (idempotent) is final too: one request', async () => {
    const account = await control.createAccount(uniqueName('bad-read'));
    const { client } = createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken) });
    await control.addFault({ account: account.accountId, endpoint: 'GET /contacts', status: 400 });
    const since = await lastSeq(control);

    const error = await failureOf(client.contacts.searchByEmail('anyone@example.test'));

    expect(error).toMatchObject({ upstreamStatus: 400, stopReason: 'client_error', attempts: 1 });
    expect((await logOf(control, account.accountId, since)).map((e) => e.status)).toEqual([400]);
  });

  it('get(id, { justCreated }) right after the 202 retries the 404s and returns the contact', async () => {
    const account = await control.createAccount(uniqueName('just-created'));
    const { client } = createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken) });

    const { data: link } = await client.contacts.createPerson({ firstName: 'Fresh', lastName: account.username });
    const { data: contact } = await client.contacts.get(link.id, { justCreated: true });

    expect(contact.id).toBe(link.id);
    const reads = (await logOf(control, account.accountId)).filter((e) => e.path === `/contacts/${link.id}`).map((e) => e.status);
    expect(reads.at(-1)).toBe(200);
    expect(reads.slice(0, -1).length).toBeGreaterThanOrEqual(1);
    expect(reads.slice(0, -1).every((s) => s === 404)).toBe(true);
  });

  it('without justCreated, the same 404 is final: one request', async () => {
    const account = await control.createAccount(uniqueName('not-yet'));
    const { client } = createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken) });
    // Another instance, which did not create the contact and so does not know it is fresh.
    const other = createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken), freshResources: createFreshResources(() => Date.now()) }).client;

    const { data: link } = await client.contacts.createPerson({ firstName: 'Fresh', lastName: account.username });
    const error = await failureOf(other.contacts.get(link.id));

    expect(error).toMatchObject({ upstreamStatus: 404, stopReason: 'not_found', attempts: 1 });
    const reads = (await logOf(control, account.accountId)).filter((e) => e.path === `/contacts/${link.id}`);
    expect(reads.map((e) => e.status)).toEqual([404]);
  });
});

describe('429: Retry-After is honoured', () => {
  let sim: SmokeballSim;
  let control: SimControl;
  // One request per second and no burst, with Retry-After; the client has no limiter of its own, so
  // concurrent calls are throttled by the simulator.
  beforeAll(async () => ({ sim, control } = await startTestSim({ rateLimit: { enabled: true, rps: 1, burst: 1, retryAfter: true } })));
  afterAll(() => sim.close());

  it('a throttled call waits at least Retry-After before its next attempt, then succeeds', async () => {
    const account = await control.createAccount(uniqueName('retry-after'));
    // One client per call, so each call's attempts are its own sequence of responses.
    const callers = Array.from({ length: 3 }, () => createSimClient({ simUrl: sim.url, tokens: fixedToken(account.accessToken) }));

    const results = await Promise.all(callers.map(({ client }) => client.matterTypes.list('IL')));

    expect(results.every((r) => r.data.length > 0)).toBe(true);
    const log = new Map((await logOf(control, account.accountId)).map((e) => [e.requestId, e]));
    const waits: { retryAfterMs: number; waitedMs: number }[] = [];
    for (const { responses } of callers) {
      expect(responses.at(-1)?.status).toBe(200);
      for (let i = 0; i + 1 < responses.length; i++) {
        const [throttled, next] = [responses[i], responses[i + 1]];
        expect(throttled.status).toBe(429);
        expect(throttled.retryAfter).toMatch(/^\d+$/);
        const [sent, resent] = [log.get(throttled.requestId), log.get(next.requestId)];
        expect(sent?.throttled).toBe(true);
        waits.push({ retryAfterMs: Number(throttled.retryAfter) * 1000, waitedMs: resent!.timeMs - sent!.timeMs });
      }
    }
    // Burst 1 and three calls at once: at least two were throttled (at 1 rps, more follow).
    expect(waits.length).toBeGreaterThanOrEqual(2);
    // The backoff alone would have waited < 250 ms (BACKOFF_BASE_MS); Retry-After says ≥ 1 s.
    for (const { retryAfterMs, waitedMs } of waits) expect(waitedMs).toBeGreaterThanOrEqual(retryAfterMs);
  });
});

describe('401: one token refresh, one retry', () => {
  let sim: SmokeballSim;
  let control: SimControl;
  // Own simulator: the test moves its clock, which expires every access token in it.
  beforeAll(async () => ({ sim, control } = await startTestSim()));
  afterAll(() => sim.close());

  it('an expired access token costs exactly one refresh_token grant and one retry, which succeeds', async () => {
    const account = await control.createAccount(uniqueName('expired'));
    const tokens = refreshingTokens({ simUrl: sim.url, accessToken: account.accessToken, refreshToken: account.refreshToken });
    const { client, calls } = createSimClient({ simUrl: sim.url, tokens });
    // Past the access token's hour (accessTokenTtlS), well inside the refresh token's 30 days.
    await control.advanceClock((account.expiresIn + 60) * 1000);
    const since = await lastSeq(control);

    const result = await client.contacts.searchByEmail('nobody@example.test');

    expect(result.data).toEqual([]);
    expect(tokens.refreshes()).toBe(1);
    expect(calls.map((c) => c.status)).toEqual([401, 200]);
    const log = (await control.requests({ since })).map((e) => `${e.endpoint} ${e.status}${e.grantType ? ` ${e.grantType}` : ''}`);
    expect(log).toEqual(['GET /contacts 401', 'POST /oauth2/token 200 refresh_token', 'GET /contacts 200']);
  });

  it('a 401 after the refresh is final: still one refresh, two API attempts', async () => {
    const account = await control.createAccount(uniqueName('refused'));
    const tokens = refreshingTokens({ simUrl: sim.url, accessToken: account.accessToken, refreshToken: account.refreshToken });
    const { client } = createSimClient({ simUrl: sim.url, tokens });
    await control.addFault({ account: account.accountId, endpoint: 'GET /contacts', status: 401, count: 2 });
    const since = await lastSeq(control);

    const error = await failureOf(client.contacts.searchByEmail('nobody@example.test'));

    expect(error).toMatchObject({ upstreamStatus: 401, stopReason: 'unauthorized_after_refresh', attempts: 2 });
    expect(tokens.refreshes()).toBe(1);
    const log = (await control.requests({ since })).map((e) => `${e.endpoint} ${e.status}`);
    expect(log).toEqual(['GET /contacts 401', 'POST /oauth2/token 200', 'GET /contacts 401']);
  });
});
