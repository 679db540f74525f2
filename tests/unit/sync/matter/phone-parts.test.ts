// How a CaseHug phone becomes Smokeball's `{ areaCode, number }` (docs/smokeball.md §2): parsed with
// libphonenumber-js in the number's own country, read in the firm's country when written without "+<code>".
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { splitPhone } from '../../../../shared/sync/matter/phone-parts.ts';

describe('splitPhone()', () => {
  test.each([
    // Australia: a Sydney landline has the area code 02; a mobile has none.
    ['02 9999 9999', 'AU', { areaCode: '02', number: '9999 9999' }],
    ['(02) 9999-9999', 'AU', { areaCode: '02', number: '9999 9999' }],
    ['+61 2 9999 9999', 'AU', { areaCode: '02', number: '9999 9999' }],
    ['0412 345 678', 'AU', { areaCode: '', number: '0412 345 678' }],
    ['0412345678', 'AU', { areaCode: '', number: '0412 345 678' }],
    // A non-geographic number has no area code either.
    ['1300 123 456', 'AU', { areaCode: '', number: '1300 123 456' }],
    // UK: London's area code is 020.
    ['020 7946 0958', 'GB', { areaCode: '020', number: '7946 0958' }],
    ['+44 20 7946 0958', 'GB', { areaCode: '020', number: '7946 0958' }],
    // US: three-digit area code, with or without the country code 1.
    ['(312) 555-0100', 'US', { areaCode: '312', number: '555-0100' }],
    ['+1 312 555 0100', 'US', { areaCode: '312', number: '555-0100' }],
    ['1-206-555-0142', 'US', { areaCode: '206', number: '555-0142' }],
  ] as const)('%s at a firm in %s', (raw, country, expected) => {
    expect(splitPhone(raw, country)).toEqual(expected);
  });

  test.each([
    ['+44 20 7946 0958', 'US', { areaCode: '+44 20', number: '7946 0958' }],
    ['+1 312 555 0100', 'AU', { areaCode: '+1 312', number: '555 0100' }],
    ['+61 412 345 678', 'GB', { areaCode: '+61', number: '412 345 678' }],
  ] as const)('a number of another country (%s at a firm in %s) keeps its country code', (raw, country, expected) => {
    expect(splitPhone(raw, country)).toEqual(expected);
  });

  test.each([
    ['555-0100', 'US'],
    ['ext. 42', 'AU'],
    ['07700 900123', 'GB'],
    ['+999 123', 'US'],
  ] as const)('a number libphonenumber does not recognise (%s in %s) is sent as typed', (raw, country) => {
    expect(splitPhone(raw, country)).toEqual({ areaCode: '', number: raw });
  });

  test.each(['', '   ', 'n/a', '() -', '+'])('no digits at all (%j) is no phone', (raw) => {
    expect(splitPhone(raw, 'US')).toBeUndefined();
  });

  test('never loses a digit: the parts hold every digit typed (a leading 0/1 trunk or country code aside)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.constantFrom('US', 'AU', 'GB'), (raw, country) => {
        const parts = splitPhone(raw, country as 'US');
        if (!/\d/.test(raw)) return parts === undefined;
        const kept = (parts!.areaCode + parts!.number).replace(/\D/g, '');
        const typed = raw.replace(/\D/g, '');
        return typed.endsWith(kept.replace(/^(1|44|61)?0?/, '')) || kept === typed;
      }),
    );
  });
});
