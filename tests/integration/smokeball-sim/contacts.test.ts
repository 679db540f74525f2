import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, withVisibilityDelay, createVisibleContact, eventually, startTestSim, uniqueName, visible, type TestSim } from './helpers.ts';

let t: TestSim;
let token: string;
beforeAll(async () => {
  t = await startTestSim({ writeVisibilityDelayMs: 150 });
  token = (await t.control.createAccount(uniqueName('contacts'))).accessToken;
  await createVisibleContact(t.url, token, { firstName: 'Jane', lastName: 'Steele', email: 'Jane.Steele@Search.test', phone: { areaCode: '312', number: '555-0101' } });
  await createVisibleContact(t.url, token, { firstName: 'John', lastName: 'Steeler', email: 'john@other.org' });
  await createVisibleContact(t.url, token, { firstName: 'Ann', lastName: 'Brown', email: 'ann.brown@search.test' });
});
afterAll(() => t.sim.close());

const search = async (query: string) => {
  const response = await api(t.url, token, 'GET', `/contacts?${query}`);
  expect(response.status).toBe(200);
  return (response.body.value as any[]).map((c) => c.person.lastName).sort();
};

describe('POST /contacts and eventual consistency', () => {
  it('answers 202 {id, href}; a read before the write is visible is 404, then 200', async () => {
    await withVisibilityDelay(t, 2000, async () => {
      const created = await api(t.url, token, 'POST', '/contacts', { person: { firstName: 'Eve', lastName: 'Later', email: 'eve@example.com' } });
      expect(created.status).toBe(202);
      expect(created.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), href: `${t.url}/contacts/${created.body.id}` });
      expect((await api(t.url, token, 'GET', `/contacts/${created.body.id}`)).status).toBe(404);
      const contact = await visible(t.url, token, `/contacts/${created.body.id}`);
      expect(contact).toMatchObject({ id: created.body.id, person: { firstName: 'Eve', lastName: 'Later', email: 'eve@example.com' }, isDeleted: false });
      expect(typeof contact.lastUpdated).toBe('number');
      expect(contact.versionId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  it('creates a company', async () => {
    const created = await api(t.url, token, 'POST', '/contacts', { company: { name: 'Acme LLC', email: 'info@acme.test' } });
    expect(created.status).toBe(202);
    const contact = await visible(t.url, token, `/contacts/${created.body.id}`);
    expect(contact.company).toMatchObject({ name: 'Acme LLC', email: 'info@acme.test' });
    expect(contact.person).toBeUndefined();
  });

  it.each([
    ['no typed sub-object', {}],
    ['both person and company', { person: { lastName: 'A' }, company: { name: 'B' } }],
    ['a person without a name', { person: { email: 'x@y.z' } }],
    ['an email array', { person: { lastName: 'A', email: ['x@y.z'] } }],
  ])('answers 400 ProblemDetails for %s', async (_name, body) => {
    const response = await api(t.url, token, 'POST', '/contacts', body);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 400, instance: '/contacts', title: expect.any(String), type: expect.any(String) });
    expect(response.body.errors[0]).toMatchObject({ message: expect.any(String) });
  });
});

describe('PUT /contacts/{id}', () => {
  it('replaces the whole contact (omitted fields are cleared) after the visibility delay', async () => {
    const id = await createVisibleContact(t.url, token, { firstName: 'Pat', lastName: 'Old', email: 'pat@example.com', occupation: 'Chef' });
    const before = await visible(t.url, token, `/contacts/${id}`);
    const put = await api(t.url, token, 'PUT', `/contacts/${id}`, { person: { firstName: 'Pat', lastName: 'New' } });
    expect(put.status).toBe(202);
    const after = await eventually(async () => {
      const r = await api(t.url, token, 'GET', `/contacts/${id}`);
      return r.body.person.lastName === 'New' ? r.body : undefined;
    }, 'the PUT to land');
    expect(after.person.email).toBeUndefined();
    expect(after.person.occupation).toBeUndefined();
    expect(after.versionId).not.toBe(before.versionId);
  });

  it('answers 404 for an unknown contact', async () => {
    expect((await api(t.url, token, 'PUT', '/contacts/00000000-0000-4000-8000-000000000000', { person: { lastName: 'X' } })).status).toBe(404);
  });
});

describe('GET /contacts search', () => {
  it('matches email equality case-insensitively', async () => {
    expect(await search('search=email:jane.steele@search.test')).toEqual(['Steele']);
  });

  it('accepts PascalCase and lowercase parameter names', async () => {
    expect(await search('Search=email:JANE.STEELE@SEARCH.TEST')).toEqual(['Steele']);
    expect(await search('SEARCH=email:jane.steele@search.test&Limit=10&Offset=0')).toEqual(['Steele']);
  });

  it('supports * wildcards (starts-with, ends-with, contains)', async () => {
    expect(await search('search=name:Steel*')).toEqual(['Steele', 'Steeler']);
    expect(await search('search=email:*@search.test')).toEqual(['Brown', 'Steele']);
    expect(await search('search=name:*teel*')).toEqual(['Steele', 'Steeler']);
  });

  it('AND-s repeated search terms', async () => {
    expect(await search('search=name:Steel*&search=email:*@other.org')).toEqual(['Steeler']);
  });

  it('supports :! and comparison operators', async () => {
    expect(await search('search=name:Steel*&search=email:!john@other.org')).toEqual(['Steele']);
    expect(await search('search=name:>=Steele&search=name:<Steelf')).toEqual(['Steele', 'Steeler']);
  });

  it('searches phone digits', async () => {
    expect(await search('search=phone:*5550101*')).toEqual(['Steele']);
  });

  it('answers 400 ProblemDetails for an unknown search field', async () => {
    const response = await api(t.url, token, 'GET', '/contacts?search=colour:blue');
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('Search');
  });

  it('pages with the documented envelope', async () => {
    const response = await api(t.url, token, 'GET', '/contacts?limit=2&offset=0&search=email:*search.test');
    expect(response.body).toMatchObject({ offset: 0, limit: 2, size: expect.any(Number), first: { rel: 'collection' }, last: { rel: 'collection' } });
    expect(response.body.value.length).toBeLessThanOrEqual(2);
  });
});

describe('accounts are isolated', () => {
  it('another firm neither lists nor reads this firm’s contacts (403 on read)', async () => {
    const other = await t.control.createAccount(uniqueName('other'));
    const mine = await api(t.url, token, 'GET', '/contacts?search=email:jane.steele@search.test');
    const id = mine.body.value[0].id;
    expect((await api(t.url, other.accessToken, 'GET', '/contacts')).body.size).toBe(0);
    expect((await api(t.url, other.accessToken, 'GET', `/contacts/${id}`)).status).toBe(403);
  });
});
