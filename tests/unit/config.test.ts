// shared/config.ts runs in every function on Deno; this is the same module under Node.
import { describe, expect, test } from 'vitest';
import { parseConfig } from '../../shared/config.ts';

const base = {
  SUPABASE_URL: 'http://127.0.0.1:54321/',
  SUPABASE_DB_URL: 'postgresql://postgres:postgres@127.0.0.1:54322/postgres',
  TOKEN_ENCRYPTION_KEYS: 'k1:AAAA',
  APP_URL: 'https://app.casehug.example',
};

describe('parseConfig', () => {
  test('derives the JWKS URL, issuer and redirect URI from SUPABASE_URL', () => {
    const c = parseConfig(base);
    expect(c.jwksUrl).toBe('http://127.0.0.1:54321/auth/v1/.well-known/jwks.json');
    expect(c.jwtIssuer).toBe('http://127.0.0.1:54321/auth/v1');
    expect(c.redirectUri).toBe('http://127.0.0.1:54321/functions/v1/oauth-callback');
    expect(c.rateLimit).toEqual({ rps: 5, burst: 5 });
  });

  test('models missing Smokeball credentials as "not configured", naming what is missing', () => {
    expect(parseConfig({ ...base, SMOKEBALL_CLIENT_ID: 'id', SMOKEBALL_API_KEY: ' ' }).smokeball).toEqual({
      configured: false,
      missing: ['SMOKEBALL_CLIENT_SECRET', 'SMOKEBALL_API_KEY'],
    });
    expect(parseConfig({ ...base, SMOKEBALL_CLIENT_ID: 'id', SMOKEBALL_CLIENT_SECRET: 's', SMOKEBALL_API_KEY: 'k' }).smokeball)
      .toEqual({ configured: true, clientId: 'id', clientSecret: 's', apiKey: 'k' });
  });

  test('a missing required variable fails with its name only', () => {
    expect(() => parseConfig({ ...base, SUPABASE_DB_URL: undefined })).toThrow('Invalid or missing environment variables: SUPABASE_DB_URL');
  });

  test('numbers are parsed by the schema and bad ones are refused', () => {
    expect(parseConfig({ ...base, SMOKEBALL_RATE_LIMIT_RPS: '2.5' }).rateLimit.rps).toBe(2.5);
    expect(() => parseConfig({ ...base, SMOKEBALL_RATE_LIMIT_BURST: 'many' })).toThrow('SMOKEBALL_RATE_LIMIT_BURST');
  });

  test('sync-matter answers within 20 s by default; the bound must stay well under the 150 s response limit', () => {
    expect(parseConfig(base).syncMatterAnswerWithinMs).toBe(20_000);
    expect(parseConfig({ ...base, SYNC_MATTER_ANSWER_WITHIN_MS: '1500' }).syncMatterAnswerWithinMs).toBe(1_500);
    expect(() => parseConfig({ ...base, SYNC_MATTER_ANSWER_WITHIN_MS: '150000' })).toThrow('SYNC_MATTER_ANSWER_WITHIN_MS');
  });

  test('secret keys come from the single, dictionary and legacy forms', () => {
    const c = parseConfig({ ...base, SUPABASE_SECRET_KEY: 'sb_secret_a', SUPABASE_SECRET_KEYS: '{"default":"sb_secret_b"}' });
    expect(c.secretKeys).toEqual(['sb_secret_a', 'sb_secret_b']);
    expect(() => parseConfig({ ...base, SUPABASE_SECRET_KEYS: 'not json' })).toThrow('SUPABASE_SECRET_KEYS');
  });
});
