import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { SyncSubject } from '../../../../shared/db/matter-sync.ts';
import { PersonInput } from '../../../../shared/smokeball/schemas/contact.ts';
import { contactExternalId, personFrom, splitPhone } from '../../../../shared/sync/matter/ensure-contact.ts';
import { matterExternalId } from '../../../../shared/sync/matter/ensure-matter.ts';

describe('splitPhone()', () => {
  test.each([
    ['(312) 555-0100', { areaCode: '312', number: '5550100' }],
    ['312.555.0100', { areaCode: '312', number: '5550100' }],
    ['3125550100', { areaCode: '312', number: '5550100' }],
    [' 312 555 0100 ', { areaCode: '312', number: '5550100' }],
  ])('a 10-digit number %j is split into a 3-digit area code and the rest', (raw, expected) => {
    expect(splitPhone(raw)).toEqual(expected);
  });

  test.each(['+1 (312) 555-0100', '1-312-555-0100', '+1.312.555.0100', '13125550100'])(
    'a North American number with its country code 1 (%s) loses the 1 and is split',
    (raw) => {
      expect(splitPhone(raw)).toEqual({ areaCode: '312', number: '5550100' });
    },
  );

  test.each([
    ['555-0100', '5550100'],
    ['+44 20 7946 0958', '442079460958'],
    ['23125550100', '23125550100'],
    ['12', '12'],
  ])('any other length (%s) is kept whole, as digits, with no area code', (raw, digits) => {
    expect(splitPhone(raw)).toEqual({ areaCode: '', number: digits });
  });

  test.each(['', '   ', 'n/a', '() -', '+'])('no digits at all (%j) is no phone', (raw) => {
    expect(splitPhone(raw)).toBeUndefined();
  });

  test('the result holds only digits, and areaCode + number are all the digits given (the 1 of an 11-digit number aside)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), (raw) => {
        const phone = splitPhone(raw);
        const digits = raw.replace(/\D/g, '');
        if (digits.length === 0) return phone === undefined;
        expect(phone).toBeDefined();
        const joined = phone!.areaCode + phone!.number;
        expect(joined).toMatch(/^\d+$/);
        expect(joined).toBe(digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits);
        expect(phone!.areaCode === '' || phone!.areaCode.length === 3).toBe(true);
        return true;
      }),
    );
  });
});

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
    expect(personFrom(client())).toEqual({ firstName: 'Ada', lastName: 'Lovelace' });
  });

  test('the email is trimmed; the phone is split', () => {
    const person = personFrom(client({ email: ' ada@example.com ', phone: '(312) 555-0100' }));
    expect(person).toEqual({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: { areaCode: '312', number: '5550100' },
    });
    expect(PersonInput.safeParse(person).success).toBe(true);
  });

  test('a phone without digits is left out rather than sent empty', () => {
    expect(personFrom(client({ phone: 'ask reception' }))).not.toHaveProperty('phone');
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
