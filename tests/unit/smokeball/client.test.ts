import { describe, expect, test } from 'vitest';
import { createSmokeballClient } from '../../../shared/smokeball/client.ts';
import { createMatterTypeCache } from '../../../shared/smokeball/matter-type-cache.ts';
import { fakeDeps, json, readFixture, scriptedFetch } from './fakes.ts';

const page = (value: unknown[], offset: number, size: number, next: boolean) => ({
  offset,
  limit: 2,
  size,
  first: { href: 'https://api.example.test/x?offset=0', rel: 'collection' },
  ...(next ? { next: { href: `https://api.example.test/x?offset=${offset + value.length}`, rel: 'collection' } } : {}),
  value,
});

describe('createSmokeballClient()', () => {
  test('contacts.searchByEmail() searches email:<address> among persons only on GET /contacts', async () => {
    const { fetch, requests } = scriptedFetch(json(200, readFixture('contacts-page-single.json')));
    const { deps, limiter } = fakeDeps(fetch);
    const result = await createSmokeballClient(deps).contacts.searchByEmail('Jane.Citizen@example.com');
    const url = new URL(requests[0].request.url);
    expect(url.pathname).toBe('/contacts');
    expect(url.searchParams.getAll('search')).toEqual(['email:Jane.Citizen@example.com']);
    expect(url.searchParams.getAll('type')).toEqual(['Person']);
    expect(result.data).toHaveLength(1);
    expect(limiter.buckets).toEqual(['client-1:GET /contacts']);
  });

  test('contacts.createPerson() posts a person wrapper and returns the 202 id', async () => {
    const { fetch, requests } = scriptedFetch(json(202, { id: 'c-9', href: 'https://api.example.test/contacts/c-9' }));
    const { deps } = fakeDeps(fetch);
    const result = await createSmokeballClient(deps).contacts.createPerson(
      { firstName: 'Jane', lastName: 'Citizen', email: 'jane@example.com' },
      { externalSystemId: 'casehug:1' },
    );
    expect(result).toEqual({ data: { id: 'c-9', href: 'https://api.example.test/contacts/c-9' }, requestId: 'req-1' });
    expect(JSON.parse(requests[0].body)).toEqual({
      person: { firstName: 'Jane', lastName: 'Citizen', email: 'jane@example.com' },
      externalSystemId: 'casehug:1',
    });
  });


  test('matters.list() pages with offset/limit until there is no next link', async () => {
    const { fetch, requests } = scriptedFetch(
      json(200, page([{ id: 'm1' }, { id: 'm2' }], 0, 3, true)),
      json(200, page([{ id: 'm3' }], 2, 3, false)),
    );
    const { deps } = fakeDeps(fetch);
    const ids: string[] = [];
    for await (const matter of createSmokeballClient(deps).matters.list({ contactId: 'c-1', status: ['Open', 'Pending'] })) ids.push(matter.id);
    expect(ids).toEqual(['m1', 'm2', 'm3']);
    const urls = requests.map(({ request }) => new URL(request.url));
    expect(urls.map((url) => url.searchParams.get('offset'))).toEqual(['0', '2']);
    expect(urls[1].searchParams.getAll('status')).toEqual(['Open', 'Pending']);
    expect(urls[1].searchParams.get('contactId')).toBe('c-1');
  });

  test('matters.create() does not retry a 503 (duplicate risk); get(justCreated) rides out a 404', async () => {
    const { fetch } = scriptedFetch(json(503, {}));
    const { deps } = fakeDeps(fetch);
    await expect(
      createSmokeballClient(deps).matters.create({ matterTypeId: 't_IL', clientIds: ['c-1'], status: 'Open' }),
    ).rejects.toMatchObject({ maybeDelivered: true, attempts: 1 });

    const scripted = scriptedFetch(json(404, {}), json(200, { id: 'm-1', status: 'Open' }));
    const second = fakeDeps(scripted.fetch);
    const result = await createSmokeballClient(second.deps).matters.get('m-1', { justCreated: true });
    expect(result.data.id).toBe('m-1');
    expect(second.limiter.buckets).toEqual(['client-1:GET /matters/{id}', 'client-1:GET /matters/{id}']);
  });


  test('matterTypes.listCached() lists a location once per TTL and drops deleted types', async () => {
    const { fetch, requests } = scriptedFetch(json(200, readFixture('matter-types-page.json')));
    const { deps, clock } = fakeDeps(fetch);
    const matterTypeCache = createMatterTypeCache({ now: clock.now });
    const client = createSmokeballClient({ ...deps, matterTypeCache });
    const first = await client.matterTypes.listCached({ accountId: 'acc', location: 'IL' });
    const second = await createSmokeballClient({ ...deps, matterTypeCache }).matterTypes.listCached({ accountId: 'acc', location: 'IL' });
    expect(first.map((type) => type.name)).toEqual(['Divorce', 'Family Law - General']);
    expect(second).toBe(first);
    expect(requests).toHaveLength(1);
    expect(new URL(requests[0].request.url).searchParams.get('location')).toBe('IL');
  });

  test('files.create() and files.list() use /matters/{id}/documents/files', async () => {
    const { fetch, requests } = scriptedFetch(
      json(202, readFixture('upload-file-info.json')),
      json(200, page([{ id: 'f-1', name: 'Letter', fileExtension: '.pdf', isUploaded: true }], 0, 1, false)),
    );
    const { deps, limiter } = fakeDeps(fetch);
    const client = createSmokeballClient(deps);
    const info = await client.files.create('m-1', { fileName: 'Letter.pdf' });
    expect(info.data.fileId).toBe('6e5d4c3b-2a19-4087-b6a5-948372615a0b');
    const files = [];
    for await (const file of client.files.list('m-1')) files.push(file);
    expect(files.map((file) => file.id)).toEqual(['f-1']);
    expect(new URL(requests[0].request.url).pathname).toBe('/matters/m-1/documents/files');
    expect(limiter.buckets).toEqual(['client-1:POST /matters/{id}/documents/files', 'client-1:GET /matters/{id}/documents/files']);
  });

  test('files.createBulk() posts the array to …/files/bulk on its own rate-limit endpoint and answers one upload info per file', async () => {
    const info = (n: number) => ({ fileId: `f-${n}`, uploadUrl: `https://s3.example.test/${n}`, expiry: '2030-01-01T00:00:00Z' });
    const { fetch, requests } = scriptedFetch(json(202, [info(1), info(2)]));
    const { deps, limiter } = fakeDeps(fetch);
    const inputs = [{ fileName: 'a.pdf', fileAdditionalData: { casehugDocumentId: 'd-1' } }, { fileName: 'b.pdf' }];
    const result = await createSmokeballClient(deps).files.createBulk('m-1', inputs);
    expect(result.data.map((i) => i.fileId)).toEqual(['f-1', 'f-2']);
    expect(requests[0].request.method).toBe('POST');
    expect(new URL(requests[0].request.url).pathname).toBe('/matters/m-1/documents/files/bulk');
    expect(JSON.parse(requests[0].body)).toEqual(inputs);
    expect(limiter.buckets).toEqual(['client-1:POST /matters/{id}/documents/files/bulk']);
  });

  test('files.createBulk(): a 404 on a just-created matter is retried; an answer of the wrong length is refused as possibly delivered', async () => {
    const info = { fileId: 'f-1', uploadUrl: 'https://s3.example.test/1', expiry: null };
    const notYet = () => json(404, { type: 'about:blank', title: 'Not Found', status: 404 });
    const { fetch, requests } = scriptedFetch(notYet(), json(202, [info]), json(202, [info]));
    const client = createSmokeballClient(fakeDeps(fetch).deps);
    const ok = await client.files.createBulk('m-1', [{ fileName: 'a.pdf' }], { justCreated: true });
    expect(ok.data).toHaveLength(1);
    expect(requests).toHaveLength(2);
    const short = await client.files.createBulk('m-1', [{ fileName: 'a.pdf' }, { fileName: 'b.pdf' }]).catch((err) => err);
    expect(short).toMatchObject({ code: 'smokeball_invalid_response', maybeDelivered: true });
  });

  test('webhooks: types, list, create and an idempotent delete', async () => {
    const subscription = readFixture('webhook-subscription.json');
    const { fetch, requests } = scriptedFetch(
      json(200, { value: ['matter.created', 'contact.updated'] }),
      json(200, page([subscription], 0, 1, false)),
      json(200, subscription),
      new Response(null, { status: 200 }),
      json(404, {}),
    );
    const { deps } = fakeDeps(fetch);
    const { webhooks } = createSmokeballClient(deps);
    expect((await webhooks.types()).data).toEqual(['matter.created', 'contact.updated']);
    expect((await webhooks.list()).data).toHaveLength(1);
    const created = await webhooks.create({
      name: 'CaseHug',
      eventTypes: ['matter.created'],
      eventNotificationUrl: 'https://project.supabase.co/functions/v1/smokeball-webhook',
      key: 'k',
    });
    expect(created.data.id).toBe('1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f');
    expect((await webhooks.delete('w-1')).data).toEqual({ existed: true });
    expect((await webhooks.delete('w-1')).data).toEqual({ existed: false });
    expect(requests.map(({ request }) => `${request.method} ${new URL(request.url).pathname}`)).toEqual([
      'GET /webhooks/types',
      'GET /webhooks',
      'POST /webhooks',
      'DELETE /webhooks/w-1',
      'DELETE /webhooks/w-1',
    ]);
  });
});
