import { describe, expect, test } from 'vitest';
import { SmokeballInvalidResponseError } from '../../../shared/smokeball/errors.ts';
import { parseBody, parseValue } from '../../../shared/smokeball/request.ts';
import { CreatedLink, parseSmokeballJson } from '../../../shared/smokeball/schemas/common.ts';
import { Contact } from '../../../shared/smokeball/schemas/contact.ts';
import { MatterFile, UploadFileInfo } from '../../../shared/smokeball/schemas/file.ts';
import { Matter } from '../../../shared/smokeball/schemas/matter.ts';
import { MatterTypeInfo } from '../../../shared/smokeball/schemas/matter-type.ts';
import { pagedCollection } from '../../../shared/smokeball/schemas/paging.ts';
import { ProblemDetails } from '../../../shared/smokeball/schemas/problem-details.ts';
import { TokenErrorBody, TokenResponse } from '../../../shared/smokeball/schemas/token.ts';
import { WebhookSubscription } from '../../../shared/smokeball/schemas/webhook.ts';
import { readFixtureText } from './fakes.ts';

const context = { endpoint: 'GET /test', requestId: 'req-1' };
const parseFixture = (name: string, schema: Parameters<typeof parseValue>[1]) =>
  parseValue(parseSmokeballJson(readFixtureText(name)), schema, context);

describe('recorded Smokeball payloads parse', () => {
  test.each([
    { fixture: 'contact-person-au-staging.json', schema: Contact },
    { fixture: 'contact-company.json', schema: Contact },
    { fixture: 'contacts-page-single.json', schema: pagedCollection(Contact) },
    { fixture: 'matters-page-with-next.json', schema: pagedCollection(Matter) },
    { fixture: 'matter-types-page.json', schema: pagedCollection(MatterTypeInfo) },
    { fixture: 'problem-details-validation.json', schema: ProblemDetails },
    { fixture: 'upload-file-info.json', schema: UploadFileInfo },
    { fixture: 'webhook-subscription.json', schema: WebhookSubscription },
    { fixture: 'token-response-code.json', schema: TokenResponse },
    { fixture: 'token-response-refresh.json', schema: TokenResponse },
    { fixture: 'token-error-invalid-grant.json', schema: TokenErrorBody },
  ])('$fixture matches its schema', ({ fixture, schema }) => {
    expect(() => parseFixture(fixture, schema)).not.toThrow();
  });

  test.each([
    { fixture: 'invalid-contact-without-id.json', schema: Contact, path: 'id' },
    { fixture: 'invalid-page-value-not-array.json', schema: pagedCollection(Contact), path: 'value' },
    { fixture: 'invalid-upload-file-info.json', schema: UploadFileInfo, path: 'uploadUrl' },
  ])('$fixture is rejected as smokeball_invalid_response naming $path', ({ fixture, schema, path }) => {
    let caught: unknown;
    try {
      parseFixture(fixture, schema);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SmokeballInvalidResponseError);
    const error = caught as SmokeballInvalidResponseError;
    expect(error.code).toBe('smokeball_invalid_response');
    expect(error.status).toBe(502);
    expect(error.requestId).toBe('req-1');
    expect(error.issues.some((issue) => issue.startsWith(`${path}:`))).toBe(true);
    // The message is safe to show: endpoint only, no payload values.
    expect(error.message).toContain('GET /test');
    expect(error.message).not.toContain('No');
  });

  test('a 2xx body that is not JSON is smokeball_invalid_response', async () => {
    const response = new Response('<html>gateway</html>', { status: 200 });
    await expect(parseBody(response, Contact, context)).rejects.toMatchObject({
      code: 'smokeball_invalid_response',
      issues: ['body: not JSON'],
    });
  });
});

describe('documented quirks', () => {
  test('a real person contact keeps names, email, phone and exact lastUpdated ticks, and drops what the code never reads', () => {
    const contact = parseFixture('contact-person-au-staging.json', Contact) as Contact;
    expect(contact.person).toEqual({
      firstName: 'Jane',
      lastName: 'Citizen',
      email: 'jane.citizen@example.com',
      phone: { areaCode: '02', number: '9876 5432' },
    });
    // 639074233716654123 is above 2^53: JSON.parse alone would round it to ...654144.
    expect(contact.lastUpdated).toBe(639074233716654123n);
  });

  test('a company contact parses, without a person', () => {
    const contact = parseFixture('contact-company.json', Contact) as Contact;
    expect(contact.id).toBe('8d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f');
    expect(contact.person).toBeUndefined();
  });

  test('a single page has no next link; links keep rel', () => {
    const page = parseFixture('contacts-page-single.json', pagedCollection(Contact)) as {
      next?: unknown;
      first?: { rel?: string };
      size?: number;
      value: Contact[];
    };
    expect(page.next).toBeUndefined();
    expect(page.first?.rel).toBe('collection');
    expect(page.size).toBe(1);
    expect(page.value).toHaveLength(1);
  });

  test('links spelled with `relation` (the OAS name) are read as rel', () => {
    const page = parseFixture('matters-page-with-next.json', pagedCollection(Matter)) as {
      next?: { rel?: string };
      value: Matter[];
    };
    expect(page.next?.rel).toBe('collection');
    expect(page.value[1].matterType).toEqual({ id: '5b6c7d8e-1111-4222-8333-444455556666_IL', rel: 'MatterTypes' });
    expect(page.value[0].clients?.[0].rel).toBe('Contacts');
  });

  test('matter types read both `isDeleted` and the docs example spelling `deleted`', () => {
    const page = parseFixture('matter-types-page.json', pagedCollection(MatterTypeInfo)) as { value: MatterTypeInfo[] };
    expect(page.value.map((type) => type.isDeleted)).toEqual([false, false, true]);
  });

  test('ProblemDetails keeps the errors array in order', () => {
    const problem = parseFixture('problem-details-validation.json', ProblemDetails) as ProblemDetails;
    expect(problem.errors?.map((error) => error.field ?? error.propertyName)).toEqual(['matterTypeId', 'status', 'clientIds']);
  });

  test('a 202 Link needs an id', () => {
    expect(CreatedLink.safeParse({ href: 'https://api.smokeball.com/contacts/' }).success).toBe(false);
    expect(CreatedLink.parse({ id: 'abc' })).toEqual({ id: 'abc' });
  });

  test('tick keys inside string values are left alone', () => {
    const parsed = parseSmokeballJson('{"notes":"\\"lastUpdated\\": 1234567890123456789","lastUpdated":1234567890123456789}') as Record<string, unknown>;
    expect(parsed.notes).toBe('"lastUpdated": 1234567890123456789');
    expect(parsed.lastUpdated).toBe('1234567890123456789');
  });
});
