import { describe, expect, test } from 'vitest';
import { jurisdictionFromHostCode, jurisdictionParts, SMOKEBALL_JURISDICTIONS } from '../../../../shared/smokeball/jurisdiction.ts';
import { AppPath, codeVerifierContext, regionForJurisdiction, StartConnectBody } from '../../../../shared/sync/connection/start-connect.ts';

// The host codes firms.jurisdiction accepts (its check constraint in dev/db/casehug-core.sql).
const US = ['AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME',
  'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI',
  'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WV', 'WI', 'WY'];
const AU = ['NSW', 'VIC', 'QLD', 'SA', 'TAS', 'ACT', 'NT'];
const UK = ['ENG', 'WLS', 'SCT', 'NIR'];

describe('regionForJurisdiction() over jurisdictionFromHostCode()', () => {
  const region = (code: string, connected?: 'US' | 'AU') => regionForJurisdiction(jurisdictionFromHostCode(code, connected) ?? null);
  test.each(US)('US state %s → US-%s → US', (j) => {
    expect(jurisdictionFromHostCode(j)).toBe(`US-${j}`);
    expect(region(j)).toBe('US');
  });
  test.each(AU)('Australian state or territory %s → AU', (j) => expect(region(j)).toBe('AU'));
  test.each(UK)('UK nation %s → UK', (j) => expect(region(j)).toBe('UK'));

  test('WA is both Washington and Western Australia: undecided it is jurisdiction_ambiguous, never silently US', () => {
    expect(jurisdictionFromHostCode('WA')).toBeUndefined();
    expect(() => regionForJurisdiction(null)).toThrow(expect.objectContaining({ code: 'jurisdiction_ambiguous', status: 409 }));
    expect(region('WA', 'AU')).toBe('AU');
    expect(region('WA', 'US')).toBe('US');
    expect(regionForJurisdiction('AU-WA')).toBe('AU');
    expect(jurisdictionParts('AU-WA')).toEqual({ country: 'AU', region: 'AU', location: 'WA' });
    expect(jurisdictionParts('US-WA')).toEqual({ country: 'US', region: 'US', location: 'WA' });
    expect(jurisdictionParts('GB-ENG')).toEqual({ country: 'GB', region: 'UK', location: 'ENG' });
  });

  test('every unambiguous jurisdiction is well formed and unique', () => {
    expect(new Set(SMOKEBALL_JURISDICTIONS).size).toBe(SMOKEBALL_JURISDICTIONS.length);
    expect(SMOKEBALL_JURISDICTIONS.filter((j) => j.endsWith('-WA'))).toEqual(['US-WA', 'AU-WA']);
  });
});

describe('StartConnectBody', () => {
  test('an empty body means: region from the jurisdiction, back to /', () => {
    expect(StartConnectBody.parse({})).toEqual({ returnTo: '/' });
  });

  test('takes a region and a path of the app', () => {
    expect(StartConnectBody.parse({ region: 'UK', returnTo: '/settings/integrations?tab=smokeball#x' })).toEqual({
      region: 'UK',
      returnTo: '/settings/integrations?tab=smokeball#x',
    });
  });

  test.each([{ region: 'EU' }, { region: 'us' }, { returnTo: 5 }, { firmId: 'f1' }, { returnTo: '/', extra: true }])(
    'refuses %j',
    (body) => expect(StartConnectBody.safeParse(body).success).toBe(false),
  );
});

describe('AppPath (no open redirect)', () => {
  test.each(['/', '/settings', '/a/b?c=d&e=%2F%2Fevil.example#frag', '/ünïcode'])('accepts the path %j', (path) => {
    expect(AppPath.safeParse(path).success).toBe(true);
  });

  test.each([
    ['a protocol-relative URL', '//evil.example/x'],
    ['an absolute URL', 'https://evil.example/'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a backslash host', '/\\evil.example'],
    ['a relative path', 'settings'],
    ['an empty string', ''],
    ['a newline', '/ok\nLocation: https://evil.example'],
    ['a tab', '/\t/evil.example'],
    ['a NUL', '/a\u0000b'],
    ['DEL', '/a\u007fb'],
    ['a path over 2048 characters', '/' + 'a'.repeat(2048)],
  ])('refuses %s', (_name, path) => {
    expect(AppPath.safeParse(path).success).toBe(false);
  });

  test('resolved against the app’s origin, every accepted path stays on it', () => {
    const origin = 'https://app.casehug.example';
    for (const path of ['/', '/a/../b', '/%2F%2Fevil.example', '/.//evil.example', '/@evil.example']) {
      expect(AppPath.safeParse(path).success).toBe(true);
      expect(new URL(path, origin).origin).toBe(origin);
    }
  });
});

describe('codeVerifierContext()', () => {
  test('binds the sealed verifier to its state hash', () => {
    expect(codeVerifierContext('ab12')).toBe('oauth_state:ab12:code_verifier');
    expect(codeVerifierContext('ab12')).not.toBe(codeVerifierContext('ab13'));
  });
});
