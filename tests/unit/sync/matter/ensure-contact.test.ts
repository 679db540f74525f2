import { describe, expect, test } from 'vitest';
import type { SyncSubject } from '../../../../shared/db/matter-sync.ts';
import { PersonInput } from '../../../../shared/smokeball/schemas/contact.ts';
import { contactExternalId, personFrom, phoneCountryOf } from '../../../../shared/sync/matter/ensure-contact.ts';
import { matterExternalId } from '../../../../shared/sync/matter/ensure-matter.ts';

const client = (overrides: Partial<SyncSubject['client']> = {}): SyncSubject['client'] => ({
  id: 'c1',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: null,
  phone: null,
  smokeballContactId: null,
  createStartedAgeMs: null,
  ...overrides,
});

describe('personFrom()', () => {
  test('names only when the client has no email or phone', () => {
    expect(personFrom(client(), 'US')).toEqual({ firstName: 'Ada', lastName: 'Lovelace' });
  });

  test('the email is trimmed; the phone is split in the firm country', () => {
    const person = personFrom(client({ email: ' ada@example.com ', phone: '(312) 555-0100' }), 'US');
    expect(person).toEqual({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: { areaCode: '312', number: '555-0100' },
    });
    expect(PersonInput.safeParse(person).success).toBe(true);
  });

  test('a phone without digits is left out rather than sent empty', () => {
    expect(personFrom(client({ phone: 'ask reception' }), 'AU')).not.toHaveProperty('phone');
  });
});

describe('phoneCountryOf()', () => {
  test.each([['US-WA', 'US'], ['AU-WA', 'AU'], ['AU-NSW', 'AU'], ['GB-ENG', 'GB'], [null, 'US']] as const)('%s reads local numbers in %s', (j, country) => {
    expect(phoneCountryOf(j)).toBe(country);
  });
});

describe('contactExternalId()', () => {
  test('names the CaseHug client, distinct from a matter’s id form', () => {
    expect(contactExternalId('2f1c')).toBe('casehug:client:2f1c');
    expect(contactExternalId('a')).not.toBe(contactExternalId('b'));
    // A client and a matter may share a UUID space: their external ids must never collide.
    expect(contactExternalId('2f1c')).not.toBe(matterExternalId('2f1c'));
  });
});
