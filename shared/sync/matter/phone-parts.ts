// A client's phone as Smokeball stores it: `{ areaCode, number }` (docs/smokeball.md §2). The number is
// parsed with libphonenumber-js (the maintained port of Google's libphonenumber), in the number's own
// country: a number written without a country code is read in the firm's country, one written with
// "+<code>" in that code's country. The area code is what that country's own format sets apart as the
// first group of a geographic number ("02" in Sydney, "020" in London, "312" in Chicago); mobiles and
// non-geographic numbers have none. A number from another country than the firm's keeps its country code
// in the area code ("+44 20"). Anything libphonenumber does not recognise as a valid number is sent as
// typed, never reshaped.
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

export type PhoneParts = { areaCode: string; number: string };

/** Number types whose first group is an area code (`getType()`; US numbers cannot tell fixed from mobile). */
const GEOGRAPHIC = new Set(['FIXED_LINE', 'FIXED_LINE_OR_MOBILE']);

/** `raw` split for Smokeball, or undefined when it holds no digit (nothing to send). */
export function splitPhone(raw: string, firmCountry: CountryCode): PhoneParts | undefined {
  const typed = raw.trim();
  if (!/\d/.test(typed)) return undefined;
  const parsed = parsePhoneNumberFromString(typed, firmCountry);
  if (!parsed || !parsed.isValid()) return { areaCode: '', number: typed };
  const domestic = parsed.country === firmCountry;
  // National format for the firm's own country ("(02) 9999 9999"), international otherwise
  // ("+44 20 7946 0958"); both group digits as the number's country writes them.
  const formatted = domestic ? parsed.formatNational() : parsed.formatInternational();
  const groups = formatted.split(' ');
  const countryPrefix = domestic ? [] : [groups.shift()!];
  const type = parsed.getType();
  if (type === undefined || !GEOGRAPHIC.has(type) || groups.length < 2) {
    return { areaCode: countryPrefix.join(' '), number: groups.join(' ') };
  }
  const area = groups.shift()!.replace(/[()]/g, '');
  return { areaCode: [...countryPrefix, area].join(' '), number: groups.join(' ') };
}
