import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, withVisibilityDelay, createVisibleContact, eventually, startTestSim, uniqueName, visible, type TestSim } from './helpers.ts';

let t: TestSim;
let token: string;
let clientId: string;
let otherClientId: string;
let divorceTypeId: string;
let leadTypeId: string;

beforeAll(async () => {
  t = await startTestSim({ writeVisibilityDelayMs: 100 });
  token = (await t.control.createAccount(uniqueName('matters'))).accessToken;
  clientId = await createVisibleContact(t.url, token, { firstName: 'Maria', lastName: 'Lopez', email: 'maria@example.com' });
  otherClientId = await createVisibleContact(t.url, token, { firstName: 'Omar', lastName: 'Khan', email: 'omar@example.com' });
  const types = await api(t.url, token, 'GET', '/mattertypes?Location=IL&Name=Divorce&Type=0');
  divorceTypeId = types.body.value.find((m: any) => m.name === 'Divorce').id;
  leadTypeId = (await api(t.url, token, 'GET', '/mattertypes?location=IL&type=1')).body.value[0].id;
});
afterAll(() => t.sim.close());

const newMatter = (overrides: Record<string, unknown> = {}) => ({
  matterTypeId: divorceTypeId,
  clientIds: [clientId],
  status: 'Open',
  number: 'CH-001',
  description: 'Divorce for Maria',
  externalSystemId: `casehug:${uniqueName('m')}`,
  ...overrides,
});

describe('POST /matters', () => {
  it('answers 202 {id, href}; 404 until visible; then the GET matter shape', async () => {
    await withVisibilityDelay(t, 2000, async () => {
      const body = newMatter();
      const created = await api(t.url, token, 'POST', '/matters', body);
      expect(created.status).toBe(202);
      expect(created.body).toEqual({ id: expect.any(String), href: `${t.url}/matters/${created.body.id}` });
      expect((await api(t.url, token, 'GET', `/matters/${created.body.id}`)).status).toBe(404);
      const matter = await visible(t.url, token, `/matters/${created.body.id}`);
      expect(matter).toMatchObject({
        id: created.body.id,
        externalSystemId: body.externalSystemId,
        number: 'CH-001',
        status: 'Open',
        description: 'Divorce for Maria',
        isLead: false,
        clientRole: 'Petitioner',
        otherSideRole: 'Respondent',
        matterType: { id: divorceTypeId, href: `${t.url}/mattertypes/${divorceTypeId}`, rel: 'MatterTypes' },
        clients: [{ id: clientId, href: `${t.url}/contacts/${clientId}`, rel: 'Contacts' }],
      });
      expect(matter.title).toBe('CH-001 - Lopez - Divorce');
      expect(matter.versionId).toMatch(/^\d{18}$/);
    });
  });

  it('refuses a client contact that was accepted but is not yet visible (404 or 400 naming clientIds), then accepts it', async () => {
    const contact = await api(t.url, token, 'POST', '/contacts', { person: { lastName: 'Fresh' } });
    const refused = await api(t.url, token, 'POST', '/matters', newMatter({ clientIds: [contact.body.id] }));
    expect([404, 400]).toContain(refused.status);
    if (refused.status === 400) expect(refused.body.errors.map((e: any) => e.field)).toContain('clientIds');
    await visible(t.url, token, `/contacts/${contact.body.id}`);
    const created = await api(t.url, token, 'POST', '/matters', newMatter({ clientIds: [contact.body.id] }));
    expect(created.status).toBe(202);
  });

  it('accepts a client that is not yet visible in lenient mode', async () => {
    const lenient = await startTestSim({ lenient: true });
    try {
      const own = (await lenient.control.createAccount(uniqueName('lenient'))).accessToken;
      const contact = await api(lenient.url, own, 'POST', '/contacts', { person: { lastName: 'Fresh' } });
      const created = await api(lenient.url, own, 'POST', '/matters', newMatter({ clientIds: [contact.body.id] }));
      expect(created.status).toBe(202);
      const unknown = await api(lenient.url, own, 'POST', '/matters', newMatter({ clientIds: ['00000000-0000-4000-8000-000000000000'] }));
      expect(unknown.status).toBe(400);
    } finally {
      await lenient.sim.close();
    }
  });

  it('accepts an unknown client with 202, then fails the write asynchronously (error webhook, never visible)', async () => {
    const before = (await t.control.stats()).asyncFailures;
    const created = await api(t.url, token, 'POST', '/matters', newMatter({ clientIds: ['00000000-0000-4000-8000-000000000000'] }));
    expect(created.status).toBe(202);
    await eventually(async () => (await t.control.stats()).asyncFailures > before, 'the asynchronous failure');
    expect((await api(t.url, token, 'GET', `/matters/${created.body.id}`)).status).toBe(404);
  });

  it.each([
    ['a missing matterTypeId', { matterTypeId: undefined }, 'matterTypeId'],
    ['an unknown matterTypeId', { matterTypeId: '11111111-1111-5111-8111-111111111111_IL' }, 'matterTypeId'],
    ['a matterTypeId with an invalid location', { matterTypeId: 'abc_ZZ' }, 'matterTypeId'],
    ['no clientIds', { clientIds: [] }, 'clientIds'],
    ['a missing status', { status: undefined }, 'status'],
    ['an invalid status', { status: 'Active' }, 'status'],
    ['a clientRole not in representativeOptions', { clientRole: 'Plaintiff' }, 'clientRole'],
    ['a lead type for a matter', { matterTypeId: 'LEAD' }, 'matterTypeId'],
  ])('answers 400 ProblemDetails for %s', async (_name, overrides, field) => {
    const body = newMatter(overrides as Record<string, unknown>);
    if (body.matterTypeId === 'LEAD') body.matterTypeId = leadTypeId;
    const response = await api(t.url, token, 'POST', '/matters', body);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 400, instance: '/matters', detail: expect.any(String) });
    expect(response.body.errors.map((e: any) => e.field)).toContain(field);
  });

  it('creates a lead with a lead type and isLead', async () => {
    const created = await api(t.url, token, 'POST', '/matters', newMatter({ matterTypeId: leadTypeId, isLead: true, clientRole: undefined }));
    expect(created.status).toBe(202);
    const lead = await visible(t.url, token, `/matters/${created.body.id}`);
    expect(lead.isLead).toBe(true);
  });
});

describe('GET /matters', () => {
  let ids: string[];
  beforeAll(async () => {
    const bodies = [
      newMatter({ number: 'L-1', status: 'Open', clientIds: [otherClientId] }),
      newMatter({ number: 'L-2', status: 'Closed', clientIds: [otherClientId] }),
      newMatter({ number: 'L-3', status: 'Pending', clientIds: [otherClientId], description: 'needle in haystack' }),
    ];
    ids = [];
    for (const body of bodies) ids.push((await api(t.url, token, 'POST', '/matters', body)).body.id);
    for (const id of ids) await visible(t.url, token, `/matters/${id}`);
  });

  const list = async (query: string) => {
    const response = await api(t.url, token, 'GET', `/matters?${query}`);
    expect(response.status).toBe(200);
    return response.body;
  };

  it('filters by ContactId', async () => {
    const page = await list(`ContactId=${otherClientId}`);
    expect(page.value.map((m: any) => m.number).sort()).toEqual(['L-1', 'L-2', 'L-3']);
  });

  it('filters by repeated Status (PascalCase or lowercase)', async () => {
    expect((await list(`contactId=${otherClientId}&Status=Open&status=Closed`)).value.map((m: any) => m.number).sort()).toEqual(['L-1', 'L-2']);
  });

  it('matches Search over description and number', async () => {
    expect((await list('Search=needle')).value.map((m: any) => m.number)).toEqual(['L-3']);
    expect((await list('search=L-2')).value.map((m: any) => m.number)).toEqual(['L-2']);
  });

  it('lists matters by default, leads with Type=Leads, both with Type=Matters,Leads', async () => {
    const matters = await list('Limit=500');
    expect(matters.value.every((m: any) => m.isLead === false)).toBe(true);
    const leads = await list('Type=Leads');
    expect(leads.value.length).toBeGreaterThan(0);
    expect(leads.value.every((m: any) => m.isLead === true)).toBe(true);
    expect((await list('Type=Matters,Leads')).size).toBe(matters.size + leads.size);
  });

  it('pages: size is the total, rel links, next absent on the last page', async () => {
    const first = await list(`ContactId=${otherClientId}&Limit=2&Offset=0`);
    expect(first).toMatchObject({ offset: 0, limit: 2, size: 3 });
    expect(first.value).toHaveLength(2);
    expect(first.next).toEqual({ href: expect.stringContaining('offset=2'), rel: 'collection' });
    expect(first.next.href).toContain(`ContactId=${otherClientId}`);
    expect(first.previous).toBeUndefined();
    const second = await list(`ContactId=${otherClientId}&limit=2&offset=2`);
    expect(second.value).toHaveLength(1);
    expect(second.next).toBeUndefined();
    expect(second.previous.rel).toBe('collection');
    expect(second.last.href).toContain('offset=2');
  });

  it('answers 400 for a limit above 500', async () => {
    expect((await api(t.url, token, 'GET', '/matters?limit=501')).status).toBe(400);
  });
});

describe('PATCH /matters/{id}', () => {
  it('applies a partial update after the delay and bumps versionId and lastUpdated', async () => {
    const created = await api(t.url, token, 'POST', '/matters', newMatter());
    const before = await visible(t.url, token, `/matters/${created.body.id}`);
    const patch = await api(t.url, token, 'PATCH', `/matters/${created.body.id}`, { status: 'Closed', description: 'done' });
    expect(patch.status).toBe(202);
    const after = await eventually(async () => {
      const r = await api(t.url, token, 'GET', `/matters/${created.body.id}`);
      return r.body.status === 'Closed' ? r.body : undefined;
    }, 'the PATCH to land');
    expect(after.description).toBe('done');
    expect(after.number).toBe(before.number);
    expect(BigInt(after.versionId)).toBeGreaterThan(BigInt(before.versionId));
    expect(after.lastUpdated).toBeGreaterThanOrEqual(before.lastUpdated);
  });

  it('answers 400 for an invalid status and 404 for an unknown matter', async () => {
    const created = await api(t.url, token, 'POST', '/matters', newMatter());
    await visible(t.url, token, `/matters/${created.body.id}`);
    expect((await api(t.url, token, 'PATCH', `/matters/${created.body.id}`, { status: 'Nope' })).status).toBe(400);
    expect((await api(t.url, token, 'PATCH', '/matters/00000000-0000-4000-8000-000000000000', { status: 'Open' })).status).toBe(404);
  });
});
