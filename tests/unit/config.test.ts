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

  test('SYNC_MAX_DOCUMENT_MIB is the document size limit in bytes: 350 MiB by default, fractions allowed, zero or words refused', () => {
    expect(parseConfig(base).maxDocumentBytes).toBe(350 * 2 ** 20);
    expect(parseConfig({ ...base, SYNC_MAX_DOCUMENT_MIB: '2048' }).maxDocumentBytes).toBe(2048 * 2 ** 20);
    expect(parseConfig({ ...base, SYNC_MAX_DOCUMENT_MIB: '0.5' }).maxDocumentBytes).toBe(2 ** 19);
    expect(() => parseConfig({ ...base, SYNC_MAX_DOCUMENT_MIB: '0' })).toThrow('SYNC_MAX_DOCUMENT_MIB');
    expect(() => parseConfig({ ...base, SYNC_MAX_DOCUMENT_MIB: 'large' })).toThrow('SYNC_MAX_DOCUMENT_MIB');
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

  test('named secret keys for the caller check: the dictionary wins over the single key, the legacy key joins as service_role', () => {
    expect(parseConfig({ ...base, SUPABASE_SECRET_KEY: 'sb_secret_a', SUPABASE_SECRET_KEYS: '{"default":"sb_secret_b","cron":"sb_secret_c"}' }).namedSecretKeys)
      .toEqual({ default: 'sb_secret_b', cron: 'sb_secret_c' });
    expect(parseConfig({ ...base, SUPABASE_SECRET_KEY: 'sb_secret_a', SUPABASE_SERVICE_ROLE_KEY: 'eyJ.legacy.key' }).namedSecretKeys)
      .toEqual({ default: 'sb_secret_a', service_role: 'eyJ.legacy.key' });
    expect(parseConfig(base).namedSecretKeys).toEqual({});
  });

  test('SUPABASE_JWKS is read as { keys } or as a bare array, and anything else fails with its name', () => {
    const key = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1', alg: 'ES256' };
    expect(parseConfig({ ...base, SUPABASE_JWKS: JSON.stringify({ keys: [key] }) }).jwks).toEqual({ keys: [key] });
    expect(parseConfig({ ...base, SUPABASE_JWKS: JSON.stringify([key]) }).jwks).toEqual({ keys: [key] });
    expect(parseConfig({ ...base, SUPABASE_JWKS: '{"keys":[]}' }).jwks).toEqual({ keys: [] });
    expect(parseConfig(base).jwks).toBeUndefined();
    for (const bad of ['not json', '{"key":[]}', '[{"kid":"no kty"}]']) {
      expect(() => parseConfig({ ...base, SUPABASE_JWKS: bad })).toThrow('Invalid or missing environment variables: SUPABASE_JWKS');
    }
  });

  test('the apikey for the Auth server: the default publishable key, else the legacy anon key', () => {
    expect(parseConfig({ ...base, SUPABASE_PUBLISHABLE_KEYS: '{"default":"sb_publishable_a"}', SUPABASE_ANON_KEY: 'eyJ.anon' }).authApiKey).toBe('sb_publishable_a');
    expect(parseConfig({ ...base, SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_b' }).authApiKey).toBe('sb_publishable_b');
    expect(parseConfig({ ...base, SUPABASE_ANON_KEY: 'eyJ.anon' }).authApiKey).toBe('eyJ.anon');
    expect(parseConfig(base).authApiKey).toBeUndefined();
  });
});
