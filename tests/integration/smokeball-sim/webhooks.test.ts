import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  api, CLIENT_ID, createVisibleContact, eventually, startReceiver, startTestSim, uniqueName, visible, type TestSim,
} from './helpers.ts';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let t: TestSim;
let receiver: Receiver;

beforeAll(async () => {
  // These tests check what one delivery looks like; duplication and lateness have their own tests below.
  t = await startTestSim({ writeVisibilityDelayMs: 30, webhooks: { duplicateRate: 0, lateRate: 0 } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await t.sim.close();
  await receiver.close();
});
beforeEach(() => {
  receiver.received.length = 0;
});

const ALL_TYPES = ['contact.created', 'contact.updated', 'matter.created', 'matter.updated', 'error', 'files.updated'];

async function firmWithSubscription(key: string | null = 'firm-secret-key', eventTypes = ALL_TYPES) {
  const account = await t.control.createAccount(uniqueName('wh'));
  const created = await api(t.url, account.accessToken, 'POST', '/webhooks', {
    name: 'CaseHug', eventTypes, eventNotificationUrl: receiver.url, ...(key ? { key } : {}),
  });
  expect(created.status).toBe(200);
  return { ...account, subscriptionId: created.body.id as string };
}

const deliveriesFor = (accountId: string, type?: string) =>
  receiver.received.filter((d) => d.body.accountId === accountId && (!type || d.body.type === type));

const waitForDeliveries = (accountId: string, type: string, count = 1) =>
  eventually(async () => (deliveriesFor(accountId, type).length >= count ? deliveriesFor(accountId, type) : undefined), `${count} ${type}`);

async function matterTypeId(token: string) {
  return (await api(t.url, token, 'GET', '/mattertypes?Location=IL&Name=Asylum')).body.value[0].id as string;
}

describe('subscription management', () => {
  it('lists the event types as {value}', async () => {
    const account = await t.control.createAccount(uniqueName('types'));
    const response = await api(t.url, account.accessToken, 'GET', '/webhooks/types');
    expect(response.status).toBe(200);
    expect(response.body.value).toEqual(expect.arrayContaining(['matter.created', 'matter.updated', 'contact.created', 'contact.updated', 'error']));
  });

  it('creates (200), lists, gets, updates and deletes a subscription', async () => {
    const account = await t.control.createAccount(uniqueName('crud'));
    const token = account.accessToken;
    const created = await api(t.url, token, 'POST', '/webhooks', { name: 'one', eventTypes: ['matter.updated'], eventNotificationUrl: receiver.url, key: 'k' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: expect.any(String), accountId: account.accountId, name: 'one', eventTypes: ['matter.updated'], eventNotificationUrl: receiver.url,
      createdDateUtc: expect.any(String), updatedDateUtc: expect.any(String), lastUpdated: expect.any(Number),
    });
    expect(created.body.key).toBeUndefined();
    const id = created.body.id;
    const list = await api(t.url, token, 'GET', '/webhooks');
    expect(list.body).toMatchObject({ size: 1, value: [{ id }] });
    expect((await api(t.url, token, 'GET', `/webhooks/${id}`)).body.name).toBe('one');
    const updated = await api(t.url, token, 'PUT', `/webhooks/${id}`, { name: 'two', eventTypes: ['matter.created'], eventNotificationUrl: receiver.url });
    expect(updated).toMatchObject({ status: 200, body: { name: 'two', eventTypes: ['matter.created'] } });
    const deleted = await api(t.url, token, 'DELETE', `/webhooks/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.text).toBe('');
    expect((await api(t.url, token, 'GET', `/webhooks/${id}`)).status).toBe(404);
    expect((await api(t.url, token, 'DELETE', `/webhooks/${id}`)).status).toBe(404);
  });

  it('answers 400 for a bad URL or an unknown event type', async () => {
    const account = await t.control.createAccount(uniqueName('bad'));
    const bad = await api(t.url, account.accessToken, 'POST', '/webhooks', { eventTypes: ['matter.exploded'], eventNotificationUrl: 'not a url' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual(['eventNotificationUrl', 'eventTypes']);
  });

  it('notify sends a noop delivery to that subscription', async () => {
    const firm = await firmWithSubscription();
    const response = await api(t.url, firm.accessToken, 'POST', `/webhooks/${firm.subscriptionId}/notify`, undefined, { RequestId: 'notify-1' });
    expect(response.status).toBe(200);
    const [noop] = await waitForDeliveries(firm.accountId, 'noop');
    expect(noop.body.subscriptionId).toBe(firm.subscriptionId);
    expect(noop.headers.requestid).toBe('notify-1');
  });
});

describe('deliveries for API writes', () => {
  it('sends contact.created once visible, signed over Timestamp|RequestId|ClientId, with the call’s RequestId and source API', async () => {
    const firm = await firmWithSubscription('s3cr3t');
    const created = await api(t.url, firm.accessToken, 'POST', '/contacts', { person: { firstName: 'W', lastName: 'Hook' } }, { RequestId: 'casehug-req-1' });
    const [delivery] = await waitForDeliveries(firm.accountId, 'contact.created');
    const { headers, body, raw } = delivery;
    expect(headers.requestid).toBe('casehug-req-1');
    expect(headers.timestamp).toMatch(/^\d{18}$/);
    const expected = createHmac('sha256', 's3cr3t').update(`${headers.timestamp}|${headers.requestid}|${CLIENT_ID}`).digest('hex');
    expect(headers.signature).toBe(expected);
    expect(body).toMatchObject({ accountId: firm.accountId, subscriptionId: firm.subscriptionId, type: 'contact.created', source: 'API' });
    expect(body.payload).toMatchObject({ id: created.body.id, person: { lastName: 'Hook' } });
    expect(body.payload.href).toBeUndefined();
    // The body's timestamp is the same int64 as the header, written as a JSON number.
    expect(raw).toContain(`"timestamp":${headers.timestamp}`);
  });

  it('sends matter.created and matter.updated with {id, rel} links in the payload', async () => {
    const firm = await firmWithSubscription();
    const contactId = await createVisibleContact(t.url, firm.accessToken, { lastName: 'Client' });
    const typeId = await matterTypeId(firm.accessToken);
    const created = await api(t.url, firm.accessToken, 'POST', '/matters', { matterTypeId: typeId, clientIds: [contactId], status: 'Open', externalSystemId: 'casehug:1' });
    const [mc] = await waitForDeliveries(firm.accountId, 'matter.created');
    expect(mc.body.payload).toMatchObject({
      id: created.body.id, externalSystemId: 'casehug:1', status: 'Open', matterType: { id: typeId, rel: 'MatterTypes' }, clients: [{ id: contactId, rel: 'Contacts' }],
    });
    expect(mc.body.payload.matterType.href).toBeUndefined();
    await api(t.url, firm.accessToken, 'PATCH', `/matters/${created.body.id}`, { status: 'Pending' }, { RequestId: 'patch-1' });
    const [mu] = await waitForDeliveries(firm.accountId, 'matter.updated');
    expect(mu.headers.requestid).toBe('patch-1');
    expect(mu.body.payload.status).toBe('Pending');
  });

  it('sends no Signature header when the subscription has no key', async () => {
    const firm = await firmWithSubscription(null);
    await api(t.url, firm.accessToken, 'POST', '/contacts', { person: { lastName: 'Unsigned' } });
    const [delivery] = await waitForDeliveries(firm.accountId, 'contact.created');
    expect(delivery.headers.signature).toBeUndefined();
    expect(delivery.headers.timestamp).toBeDefined();
  });

  it('sends only the subscribed event types', async () => {
    const firm = await firmWithSubscription('k', ['matter.updated']);
    await createVisibleContact(t.url, firm.accessToken, { lastName: 'Quiet' });
    await firmWithSubscription('k2', ['contact.created']).then(async (other) => {
      await api(t.url, other.accessToken, 'POST', '/contacts', { person: { lastName: 'Loud' } });
      await waitForDeliveries(other.accountId, 'contact.created');
    });
    expect(deliveriesFor(firm.accountId)).toEqual([]);
  });

  it('logs deliveries with url, type, status code, duration, requestId and duplicate flag', async () => {
    const firm = await firmWithSubscription();
    await api(t.url, firm.accessToken, 'POST', '/contacts', { person: { lastName: 'Logged' } }, { RequestId: 'log-me' });
    await waitForDeliveries(firm.accountId, 'contact.created');
    const entry = await eventually(async () => (await t.control.deliveries()).find((d) => d.requestId === 'log-me'), 'the delivery log entry');
    expect(entry).toMatchObject({ url: receiver.url, type: 'contact.created', statusCode: 200, duplicate: false, accountId: firm.accountId });
    expect(typeof entry.durationMs).toBe('number');
  });
});

describe('asynchronous failures', () => {
  it('answer 202, never create the resource, and send an error webhook carrying the RequestId', async () => {
    const firm = await firmWithSubscription();
    await t.control.addFault({ endpoint: 'POST /contacts', count: 1, asyncFailure: { message: 'Contact could not be created' } });
    const created = await api(t.url, firm.accessToken, 'POST', '/contacts', { person: { lastName: 'Doomed' } }, { RequestId: 'doomed-1' });
    expect(created.status).toBe(202);
    const [error] = await waitForDeliveries(firm.accountId, 'error');
    expect(error.headers.requestid).toBe('doomed-1');
    // Lowercase, as the docs' sample (`shapes.lowercaseResourceName`).
    expect(error.body.payload).toEqual({ message: 'Contact could not be created', resourceName: 'contact', resourceId: created.body.id });
    expect((await api(t.url, firm.accessToken, 'GET', `/contacts/${created.body.id}`)).status).toBe(404);
    expect(deliveriesFor(firm.accountId, 'contact.created')).toEqual([]);
  });
});

describe('admin edits (a firm user in Smokeball)', () => {
  it('a matter edit applies at once and emits matter.updated with source Smokeball and no RequestId (none was sent)', async () => {
    const firm = await firmWithSubscription();
    const contactId = await createVisibleContact(t.url, firm.accessToken, { lastName: 'Edited' });
    const created = await api(t.url, firm.accessToken, 'POST', '/matters', { matterTypeId: await matterTypeId(firm.accessToken), clientIds: [contactId], status: 'Open' }, { RequestId: 'api-create' });
    const before = await visible(t.url, firm.accessToken, `/matters/${created.body.id}`);
    const edited = await t.control.editMatter(firm.username, created.body.id, { status: 'Closed', description: 'closed in Smokeball' });
    expect(edited).toMatchObject({ status: 'Closed', description: 'closed in Smokeball' });
    expect(BigInt(edited.versionId as string)).toBeGreaterThan(BigInt(before.versionId));
    const after = (await api(t.url, firm.accessToken, 'GET', `/matters/${created.body.id}`)).body;
    expect(after.status).toBe('Closed');
    const [delivery] = await waitForDeliveries(firm.accountId, 'matter.updated');
    expect(delivery.body.source).toBe('Smokeball');
    expect(delivery.body.payload).toMatchObject({ id: created.body.id, status: 'Closed', versionId: edited.versionId });
    // An edit made in Smokeball came from no API call, so its delivery carries no RequestId
    // (`shapes.noRequestIdForSmokeballEdits`); it is signed over `Timestamp||ClientId`.
    expect(delivery.headers.requestid).toBeUndefined();
  });

  it('a contact edit merges the fields and emits contact.updated with source Smokeball', async () => {
    const firm = await firmWithSubscription();
    const contactId = await createVisibleContact(t.url, firm.accessToken, { firstName: 'Old', lastName: 'Name', email: 'old@example.com' });
    await t.control.editContact(firm.accountId, contactId, { person: { email: 'new@example.com' } });
    const contact = (await api(t.url, firm.accessToken, 'GET', `/contacts/${contactId}`)).body;
    expect(contact.person).toMatchObject({ firstName: 'Old', email: 'new@example.com' });
    const [delivery] = await waitForDeliveries(firm.accountId, 'contact.updated');
    expect(delivery.body).toMatchObject({ source: 'Smokeball', payload: { id: contactId, person: { email: 'new@example.com' } } });
  });
});

describe('duplicates and reordering knobs', () => {
  it('duplicateRate 1 delivers every event twice and flags the copy in the log', async () => {
    const s = await startTestSim({ writeVisibilityDelayMs: 0, webhooks: { duplicateRate: 1, lateRate: 0 } });
    try {
      const account = await s.control.createAccount('dups');
      await api(s.url, account.accessToken, 'POST', '/webhooks', { eventTypes: ['contact.created'], eventNotificationUrl: receiver.url, key: 'k' });
      await api(s.url, account.accessToken, 'POST', '/contacts', { person: { lastName: 'Twice' } }, { RequestId: 'dup-1' });
      const both = await waitForDeliveries(account.accountId, 'contact.created', 2);
      expect(both.map((d) => d.headers.requestid)).toEqual(['dup-1', 'dup-1']);
      const log = await eventually(async () => {
        const entries = await s.control.deliveries();
        return entries.length === 2 ? entries : undefined;
      }, 'two log entries');
      expect(log.map((d) => d.duplicate).sort()).toEqual([false, true]);
    } finally {
      await s.sim.close();
    }
  });

  it('reorderWindowMs holds the deliveries of a window and sends them newest first', async () => {
    const s = await startTestSim({ writeVisibilityDelayMs: 0, webhooks: { reorderWindowMs: 300, duplicateRate: 0, lateRate: 0 } });
    try {
      const account = await s.control.createAccount('reorder');
      await api(s.url, account.accessToken, 'POST', '/webhooks', { eventTypes: ['contact.created'], eventNotificationUrl: receiver.url });
      for (const name of ['First', 'Second', 'Third']) {
        await api(s.url, account.accessToken, 'POST', '/contacts', { person: { lastName: name } });
      }
      const deliveries = await waitForDeliveries(account.accountId, 'contact.created', 3);
      expect(deliveries.map((d) => d.body.payload.person.lastName)).toEqual(['Third', 'Second', 'First']);
    } finally {
      await s.sim.close();
    }
  });

  it('gives up on a receiver after webhooks.timeoutMs and logs the timeout', async () => {
    const s = await startTestSim({ writeVisibilityDelayMs: 0, webhooks: { timeoutMs: 200, duplicateRate: 0, lateRate: 0 } });
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const account = await s.control.createAccount('slow');
      const port = (silent.address() as { port: number }).port;
      await api(s.url, account.accessToken, 'POST', '/webhooks', { eventTypes: ['contact.created'], eventNotificationUrl: `http://127.0.0.1:${port}/slow` });
      const created = await api(s.url, account.accessToken, 'POST', '/contacts', { person: { lastName: 'Slow' } });
      expect(created.status).toBe(202);
      const [entry] = await eventually(async () => {
        const entries = await s.control.deliveries();
        return entries.length > 0 ? entries : undefined;
      }, 'the timed-out delivery');
      expect(entry).toMatchObject({ statusCode: null, error: 'timeout' });
      expect(entry.durationMs).toBeGreaterThanOrEqual(150);
    } finally {
      silent.closeAllConnections();
      silent.close();
      await s.sim.close();
    }
  });
});
