// clientFieldsOf(): a Smokeball contact as the CaseHug client an import creates, with values CaseHug's
// columns would refuse left out instead of failing the import.
import { describe, expect, test } from 'vitest';
import { clientFieldsOf } from '../../../../shared/sync/import/client-fields.ts';

describe('clientFieldsOf', () => {
  test('a person: names, email, phone digits, and lastUpdated as the version', () => {
    const { fields, note } = clientFieldsOf({
      id: 'c-1',
      lastUpdated: 639074233716654000n,
      person: { firstName: ' Jane ', lastName: 'Doe', email: 'jane@example.com', phone: { areaCode: '312', number: '5550100' } },
    });
    expect(fields).toEqual({ smokeballContactId: 'c-1', version: 639074233716654000n, firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com', phone: '3125550100' });
    expect(note).toBeNull();
  });

  test('an email that is not one address and an over-long phone are left empty', () => {
    const { fields } = clientFieldsOf({ id: 'c-2', person: { firstName: 'A', lastName: 'B', email: 'a@b.com; c@d.com', phone: { areaCode: '', number: '1'.repeat(51) } } });
    expect(fields).toMatchObject({ email: null, phone: null, version: 0n });
  });

  test('a contact that is not a person is named for its id, and the note says so', () => {
    const { fields, note } = clientFieldsOf({ id: 'abcdef12-3456', person: null });
    expect(fields).toMatchObject({ firstName: '', lastName: 'Smokeball contact abcdef12' });
    expect(note).toMatch(/not a person/);
  });
});
