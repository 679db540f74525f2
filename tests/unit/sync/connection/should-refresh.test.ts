import { describe, expect, test } from 'vitest';
import { REFRESH_MARGIN_MS, shouldRefresh } from '../../../../shared/sync/connection/refresh-token.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const row = (expiresInMs: number, sealedAccessToken = 'sealed-A') => ({
  sealedAccessToken,
  accessTokenExpiresAt: new Date(NOW + expiresInMs),
});

describe('shouldRefresh()', () => {
  test('refreshes five minutes ahead of expiry', () => {
    expect(REFRESH_MARGIN_MS).toBe(300_000);
  });

  test('a token with more than the margin left is used', () => {
    expect(shouldRefresh(row(REFRESH_MARGIN_MS + 1), NOW)).toEqual({ verdict: 'use', reason: 'fresh' });
    expect(shouldRefresh(row(60 * 60_000), NOW)).toEqual({ verdict: 'use', reason: 'fresh' });
  });

  test.each([
    ['exactly the margin left', REFRESH_MARGIN_MS],
    ['a minute left', 60_000],
    ['expiring now', 0],
    ['expired an hour ago', -60 * 60_000],
  ])('a token with %s is refreshed', (_name, expiresInMs) => {
    expect(shouldRefresh(row(expiresInMs), NOW)).toEqual({ verdict: 'refresh', reason: 'expires_soon' });
  });

  test('the token Smokeball just refused is refreshed, however long it has left', () => {
    expect(shouldRefresh(row(60 * 60_000, 'sealed-A'), NOW, 'sealed-A')).toEqual({ verdict: 'refresh', reason: 'rejected_by_smokeball' });
  });

  test('when another caller already replaced the refused token, the new one is used', () => {
    expect(shouldRefresh(row(60 * 60_000, 'sealed-B'), NOW, 'sealed-A')).toEqual({ verdict: 'use', reason: 'refreshed_by_another_caller' });
  });

  test('a replacement that is itself about to expire is refreshed again', () => {
    expect(shouldRefresh(row(60_000, 'sealed-B'), NOW, 'sealed-A')).toEqual({ verdict: 'refresh', reason: 'expires_soon' });
  });

  test('decides by the clock it is given, not the machine’s', () => {
    const r = row(REFRESH_MARGIN_MS + 10_000);
    expect(shouldRefresh(r, NOW).verdict).toBe('use');
    expect(shouldRefresh(r, NOW + 10_000).verdict).toBe('refresh');
  });
});
