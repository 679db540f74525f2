// Responses Smokeball's OpenAPI spec (smokeballdev/docs `openapi.json`) and its docs allow, each from their
// own examples (docs/smokeball.md §2–§7): none may fail a sync. One test per place where the client once
// assumed a narrower shape than the spec.
import { describe, expect, test } from 'vitest';
import { createSmokeballClient } from '../../../shared/smokeball/client.ts';
import { decideRetry } from '../../../shared/smokeball/retry.ts';
import { parseValue } from '../../../shared/smokeball/request.ts';
import { parseSmokeballJson } from '../../../shared/smokeball/schemas/common.ts';
import { Contact } from '../../../shared/smokeball/schemas/contact.ts';
import { MatterFile } from '../../../shared/smokeball/schemas/file.ts';
import { MatterTypeInfo } from '../../../shared/smokeball/schemas/matter-type.ts';
import { pagedCollection } from '../../../shared/smokeball/schemas/paging.ts';
import { ProblemDetails } from '../../../shared/smokeball/schemas/problem-details.ts';
import { findGeneralType } from '../../../shared/sync/mapping/general-type.ts';
import { findMatterTypeByName } from '../../../shared/sync/mapping/match-name.ts';
import { groupMatterTypes } from '../../../shared/sync/mapping/list-matter-types.ts';
import { readAsyncFailure } from '../../../shared/sync/webhooks/error-payload.ts';
import { fakeDeps, json, readFixture, readFixtureText, scriptedFetch } from './fakes.ts';

const context = { endpoint: 'GET /test', requestId: 'req-1' };
const parse = <S extends Parameters<typeof parseValue>[1]>(name: string, schema: S) =>
  parseValue(parseSmokeballJson(readFixtureText(name)), schema, context);

describe('Address.poBox is an AU PoBoxAddress object', () => {
  test('a contact with a PO box (the OAS example values) parses, keeping names, email and phone', () => {
    const contact = parse('contact-person-au-po-box.json', Contact) as Contact;
    expect(contact.person).toEqual({ firstName: 'John', lastName: 'Smith', email: 'john.smith@example.com', phone: { areaCode: '555', number: '1234567' } });
  });

  test('a search page holding such a contact parses too (dedupe by email reads it)', () => {
    const text = `{"offset":0,"limit":500,"size":1,"value":[${readFixtureText('contact-person-au-po-box.json')}]}`;
    const page = parseValue(parseSmokeballJson(text), pagedCollection(Contact), context) as { value: Contact[] };
    expect(page.value.map((contact) => contact.id)).toEqual(['7d0c1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f']);
  });
});

describe('error webhook resourceName', () => {
  test('the docs sample names the resource in lower case ("contact") and is read as a contact', () => {
    const event = readFixture('webhook-error-event.json') as { payload: unknown };
    expect(readAsyncFailure(event.payload)).toEqual({
      message: 'Contact does not belong to account 1e53979d-9269-4159-b104-2e603670f59d.',
      resource: 'contact',
      resourceId: 'fbd61c97-ee92-49b7-ba8e-84e0ed857078',
    });
  });

  test.each([['Contact', 'contact'], ['MATTER', 'matter'], [' file ', 'file'], ['Invoice', null], [null, null]])(
    'resourceName %j is %j',
    (resourceName, resource) => {
      expect(readAsyncFailure({ message: 'x', resourceName, resourceId: 'r1' })?.resource).toBe(resource);
    },
  );
});

describe('file additionalData holds any JSON, or null', () => {
  test('numbers, booleans, arrays, objects and null values parse; a null map parses', () => {
    const page = parse('matter-files-page-any-metadata.json', pagedCollection(MatterFile)) as { value: MatterFile[] };
    expect(page.value.map((file) => file.id)).toHaveLength(3);
    expect(page.value[0].additionalData).toMatchObject({ casehugDocumentId: 'doc-1', pageCount: 3, reviewed: true, note: null });
    expect(page.value[1].additionalData).toBeNull();
  });
});

describe('matter type name is nullable', () => {
  const page = parse('matter-types-page-unnamed.json', pagedCollection(MatterTypeInfo)) as { value: MatterTypeInfo[] };

  test('an unnamed type does not fail the list', () => {
    expect(page.value.map((type) => type.name)).toEqual(['Federal Litigation', null]);
  });

  test('it is skipped for name matching and in the picker, and the named one still matches', () => {
    expect(findMatterTypeByName(page.value, 'Federal Litigation')?.id).toBe('009f778f-83df-454a-b344-768a862a7e55_IL');
    expect(findMatterTypeByName(page.value, '')).toBeUndefined();
    expect(findGeneralType(page.value, 'Litigation')).toBeUndefined();
    const groups = groupMatterTypes(page.value, { jurisdiction: 'IL', kind: 'matter' });
    expect(groups.flatMap((group) => group.matterTypes.map((type) => type.id))).toEqual(['009f778f-83df-454a-b344-768a862a7e55_IL']);
  });
});

describe('files of a just-created matter may answer 403', () => {
  const at = (status: number, justCreated: boolean) =>
    decideRetry({
      outcome: { kind: 'status', status },
      attempt: 1,
      elapsedMs: 0,
      policy: { maxAttempts: 5, budgetMs: 30_000 },
      idempotent: true,
      justCreated,
      refreshed: false,
      random: () => 0.5,
    });

  test('a 403 on a call about an id Smokeball gave moments ago is "not visible yet", like a 404', () => {
    expect(at(403, true)).toMatchObject({ verdict: 'retry', reason: 'not_yet_visible' });
    expect(at(404, true)).toMatchObject({ verdict: 'retry', reason: 'not_yet_visible' });
  });

  test('any other 403 stays final', () => {
    expect(at(403, false)).toMatchObject({ verdict: 'stop', reason: 'client_error' });
  });
});

describe('paging value and link href are nullable', () => {
  test('`value: null` is an empty page and links without href parse', () => {
    const page = parse('contacts-page-value-null.json', pagedCollection(Contact)) as { value: Contact[]; first?: { href?: string | null } };
    expect(page.value).toEqual([]);
    expect(page.first?.href).toBeNull();
  });

  test('searchByEmail over such a page finds nothing rather than failing', async () => {
    const { fetch } = scriptedFetch(json(200, readFixture('contacts-page-value-null.json')));
    const { deps } = fakeDeps(fetch);
    expect((await createSmokeballClient(deps).contacts.searchByEmail('nobody@example.com')).data).toEqual([]);
  });

  test('a `next` link whose href is null ends the listing', async () => {
    const { fetch, requests } = scriptedFetch(json(200, { offset: 0, limit: 500, size: 9, next: { href: null, relation: 'collection' }, value: [{ id: 'f1' }] }));
    const { deps } = fakeDeps(fetch);
    const ids: string[] = [];
    for await (const file of createSmokeballClient(deps).files.list('m1')) ids.push(file.id);
    expect(ids).toEqual(['f1']);
    expect(requests).toHaveLength(1);
  });
});

describe('problem details errors[] are objects', () => {
  test('each keeps its title (and whatever else it carries)', () => {
    const problem = parse('problem-details-error-objects.json', ProblemDetails) as ProblemDetails;
    expect(problem.errors?.map((error) => error.title)).toEqual([
      'The MatterTypeId field is required.',
      'Status must be one of Open, Pending, Closed, Deleted, Cancelled.',
    ]);
    expect(problem.errors?.[1]).toMatchObject({ propertyName: 'status', attemptedValue: 'Active' });
  });

  test('an errors member of another form (the ASP.NET dictionary) is dropped, the problem still reads', () => {
    const problem = ProblemDetails.parse({ title: 'Bad', status: 400, errors: { status: ['Status is required.'] } });
    expect(problem).toMatchObject({ title: 'Bad', status: 400, errors: null });
  });
});
