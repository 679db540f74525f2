// What importing and reconciling need of the simulator, pessimistic where the spec is silent
// (docs/smokeball.md §2–§5): `POST /contacts/batch` (≤ 500 ids, request order, unresolvable ids left out —
// deleted and not-yet-visible ones too), deletions (a contact kept with isDeleted; a matter and a file
// vanish without a webhook), cursor paging of a matter's files, seeded existing data, and lost webhooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createVisibleContact, eventually, startReceiver, startTestSim, uniqueName, visible, withVisibilityDelay, type TestSim } from './helpers.ts';

let t: TestSim;
let token: string;
let username: string;

beforeAll(async () => {
  t = await startTestSim({ writeVisibilityDelayMs: 50 });
  username = uniqueName('recon');
  token = (await t.control.createAccount(username)).accessToken;
});
afterAll(() => t.sim.close());

const batch = (ids: unknown) => api(t.url, token, 'POST', '/contacts/batch', { ids });

describe('POST /contacts/batch', () => {
  it('answers the contacts in the order asked, leaving out unknown and other accounts\' ids', async () => {
    const a = await createVisibleContact(t.url, token, { firstName: 'A', lastName: 'One' });
    const b = await createVisibleContact(t.url, token, { firstName: 'B', lastName: 'Two' });
    const otherToken = (await t.control.createAccount(uniqueName('other'))).accessToken;
    const foreign = await createVisibleContact(t.url, otherToken, { firstName: 'F', lastName: 'Oreign' });
    const res = await batch([b, 'no-such-contact', foreign, a]);
    expect(res.status).toBe(200);
    expect(res.body.value.map((c: { id: string }) => c.id)).toEqual([b, a]);
    expect(res.body.value[0]).toMatchObject({ person: { firstName: 'B', lastName: 'Two' }, isDeleted: false, lastUpdated: expect.any(Number) });
  });

  it('refuses more than 500 ids, and a body without an ids array, with 400 ProblemDetails', async () => {
    const tooMany = await batch(Array.from({ length: 501 }, (_, i) => `id-${i}`));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ status: 400, errors: [{ field: 'ids' }] });
    expect((await batch(Array.from({ length: 500 }, (_, i) => `id-${i}`))).status).toBe(200);
    expect((await api(t.url, token, 'POST', '/contacts/batch', { id: 'x' })).status).toBe(400);
  });

  it('leaves out a contact accepted moments ago until it is visible', async () => {
    await withVisibilityDelay(t, 2000, async () => {
      const { body } = await api(t.url, token, 'POST', '/contacts', { person: { firstName: 'Not', lastName: 'Yet' } });
      expect((await batch([body.id])).body.value).toEqual([]);
      await visible(t.url, token, `/contacts/${body.id}`);
      expect((await batch([body.id])).body.value).toHaveLength(1);
    });
  });
});

describe('deletions', () => {
  it('DELETE /contacts/{id}: 202, then the contact reads isDeleted and the batch leaves it out', async () => {
    const id = await createVisibleContact(t.url, token, { firstName: 'Gone', lastName: 'Soon' });
    expect((await api(t.url, token, 'DELETE', `/contacts/${id}`)).status).toBe(202);
    const got = await eventually(async () => {
      const r = await api(t.url, token, 'GET', `/contacts/${id}`);
      return r.body.isDeleted === true && r;
    }, 'the contact to read deleted');
    expect(got.status).toBe(200);
    expect((await batch([id])).body.value).toEqual([]);
  });

  it('a matter deleted (API or by a firm user) vanishes: GET 404, not listed, its files gone', async () => {
    const seeded = await t.control.seed(username, {
      matters: [0, 1].map((i) => ({ matterTypeName: 'Probate', location: 'IL', number: `DEL-${i}`, clients: [{ firstName: 'D', lastName: `El ${i}` }], files: ['x.pdf'] })),
    });
    const [viaApi, viaUser] = seeded.matters.map((m) => m.id);
    const fileOf = (i: number) => `/matters/${seeded.matters[i].id}/documents/files/${seeded.matters[i].fileIds[0]}`;
    for (const i of [0, 1]) expect((await api(t.url, token, 'GET', fileOf(i))).status).toBe(200);
    expect((await api(t.url, token, 'DELETE', `/matters/${viaApi}`)).status).toBe(202);
    await eventually(async () => (await api(t.url, token, 'GET', `/matters/${viaApi}`)).status === 404, 'the matter to vanish');
    await t.control.deleteMatter(username, viaUser);
    expect((await api(t.url, token, 'GET', `/matters/${viaUser}`)).status).toBe(404);
    const listed = (await api(t.url, token, 'GET', '/matters')).body.value.map((m: { id: string }) => m.id);
    expect(listed).not.toContain(viaApi);
    expect(listed).not.toContain(viaUser);
    // Their files went with them: neither matter's files can be listed or read any more.
    for (const i of [0, 1]) {
      expect((await api(t.url, token, 'GET', `/matters/${seeded.matters[i].id}/documents/files`)).status).toBe(404);
      expect((await api(t.url, token, 'GET', fileOf(i))).status).toBe(404);
    }
  });

  it('a file deleted vanishes from the matter\'s files', async () => {
    const [matter] = (await t.control.seed(username, { matters: [{ matterTypeName: 'Probate', location: 'IL', clients: [{ firstName: 'F', lastName: 'Iles' }] }] })).matters;
    const created = await Promise.all(['a.pdf', 'b.pdf'].map(async (fileName) => (await api(t.url, token, 'POST', `/matters/${matter.id}/documents/files`, { fileName })).body.fileId as string));
    await eventually(async () => (await api(t.url, token, 'GET', `/matters/${matter.id}/documents/files`)).body.value.length === 2, 'both files');
    expect((await api(t.url, token, 'DELETE', `/matters/${matter.id}/documents/files/${created[0]}`)).status).toBe(202);
    await eventually(async () => (await api(t.url, token, 'GET', `/matters/${matter.id}/documents/files/${created[0]}`)).status === 404, 'the file to vanish');
    await t.control.deleteFile(username, created[1]);
    expect((await api(t.url, token, 'GET', `/matters/${matter.id}/documents/files`)).body.value).toEqual([]);
  });
});

describe('cursor paging of a matter\'s files', () => {
  it('walks every file once by the cursor in the next link, and refuses a cursor it did not issue', async () => {
    const [matter] = (await t.control.seed(username, { matters: [{ matterTypeName: 'Probate', location: 'IL', clients: [{ firstName: 'C', lastName: 'Ursor' }] }] })).matters;
    for (let i = 0; i < 5; i++) await api(t.url, token, 'POST', `/matters/${matter.id}/documents/files`, { fileName: `f${i}.pdf` });
    await eventually(async () => (await api(t.url, token, 'GET', `/matters/${matter.id}/documents/files`)).body.value.length === 5, 'five files');
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const res = await api(t.url, token, 'GET', `/matters/${matter.id}/documents/files?cursor=${encodeURIComponent(cursor)}&limit=2`);
      expect(res.status).toBe(200);
      seen.push(...res.body.value.map((f: { id: string }) => f.id));
      const next = res.body.next?.href ? new URL(res.body.next.href).searchParams.get('cursor') : null;
      if (!next) break;
      cursor = next;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const bad = await api(t.url, token, 'GET', `/matters/${matter.id}/documents/files?cursor=bm90LW91cnM`);
    expect(bad.status).toBe(400);
  });
});

describe('test controls', () => {
  it('seed creates visible matters with their clients at once, reusing a named contact', async () => {
    const { matters } = await t.control.seed(username, {
      matters: [{ matterTypeName: 'Divorce', location: 'IL', number: 'S-1', description: 'Seeded', status: 'Pending', clients: [{ firstName: 'S', lastName: 'Eed', email: 's@example.com' }] }],
    });
    const again = await t.control.seed(username, { matters: [{ matterTypeName: 'Divorce', location: 'IL', clients: [{ id: matters[0].clientIds[0] }] }] });
    expect(again.matters[0].clientIds).toEqual(matters[0].clientIds);
    const got = await api(t.url, token, 'GET', `/matters/${matters[0].id}`);
    expect(got.body).toMatchObject({ number: 'S-1', description: 'Seeded', status: 'Pending', clients: [{ id: matters[0].clientIds[0] }] });
    await expect(t.control.seed(username, { matters: [{ matterTypeName: 'No Such Type', location: 'IL', clients: [{ firstName: 'x', lastName: 'y' }] }] })).rejects.toThrow(/400/);
  });

  it('webhook-drop loses the account\'s deliveries until turned off', async () => {
    const receiver = await startReceiver();
    try {
      const sub = await api(t.url, token, 'POST', '/webhooks', { name: 'drop', eventTypes: ['contact.created'], eventNotificationUrl: receiver.url });
      expect(sub.status).toBe(200);
      await t.control.dropWebhooks(username, true);
      const before = (await t.control.stats()).webhooksDropped;
      await createVisibleContact(t.url, token, { firstName: 'Lost', lastName: 'Delivery' });
      expect((await t.control.stats()).webhooksDropped).toBe(before + 1);
      await t.control.dropWebhooks(username, false);
      await createVisibleContact(t.url, token, { firstName: 'Heard', lastName: 'Delivery' });
      await eventually(async () => receiver.received.some((w) => w.body.payload?.person?.firstName === 'Heard'), 'the delivery after the drop');
      expect(receiver.received.some((w) => w.body.payload?.person?.firstName === 'Lost')).toBe(false);
      // And a subscription Smokeball deleted is gone from the list.
      await t.control.deleteSubscription(username, sub.body.id);
      expect((await api(t.url, token, 'GET', '/webhooks')).body.value).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
