import { describe, expect, test } from 'vitest';
import { ContactForUpdate } from '../../../../shared/smokeball/schemas/contact-update.ts';
import { contactWithCaseHugValues } from '../../../../shared/sync/push/contact-body.ts';

// A contact as GET answers it (docs/smokeball.md §2 "Get"), with fields CaseHug does not own.
const read = ContactForUpdate.parse({
  href: 'https://api.example/contacts/c1',
  id: 'c1',
  externalSystemId: 'casehug:client-1',
  versionId: '0b6c…',
  lastUpdated: '639074233716654000',
  isDeleted: false,
  person: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    phone: { areaCode: '312', number: '555 0100' },
    cell: { areaCode: '312', number: '555 0199' },
    residentialAddress: { addressLine1: '1 Main St', city: 'Chicago', state: 'IL', zipCode: '60601' },
    notes: 'Prefers email',
    birthDate: '1990-01-01',
  },
});

describe('contactWithCaseHugValues()', () => {
  test('changes only the pushed fields and passes every other person field through', () => {
    const body = contactWithCaseHugValues(read, { email: 'new@example.com' }, 'US')!;
    expect(body).toEqual({
      externalSystemId: 'casehug:client-1',
      isDeleted: false,
      person: { ...read.person, email: 'new@example.com' },
    });
  });

  test('leaves out what a ContactDto does not take (href, id, versionId, lastUpdated)', () => {
    const body = contactWithCaseHugValues(read, { first_name: 'Augusta' }, 'US')!;
    expect(Object.keys(body).sort()).toEqual(['externalSystemId', 'isDeleted', 'person']);
    expect(body.person.firstName).toBe('Augusta');
  });

  test('a pushed phone is split in the firm\'s country and keeps other parts of the phone object', () => {
    const withExtension = ContactForUpdate.parse({ ...read, lastUpdated: 1, person: { ...read.person, phone: { areaCode: '', number: '', extension: '12' } } });
    const body = contactWithCaseHugValues(withExtension, { phone: '(312) 555-0142' }, 'US')!;
    expect(body.person.phone).toEqual({ areaCode: '312', number: '555-0142', extension: '12' });
    expect(body.person.cell).toEqual({ areaCode: '312', number: '555 0199' });
  });

  test('a contact that is not a person cannot take a client\'s fields', () => {
    expect(contactWithCaseHugValues(ContactForUpdate.parse({ id: 'c2', company: { name: 'Acme' } }), { email: 'x@example.com' }, 'US')).toBeUndefined();
  });
});
