// Which key the functions read Supabase Storage with: a new secret key (`sb_secret_…`) whenever one is
// configured, the legacy service-role key only as the last resort (hosted functions are given both).
import { describe, expect, test } from 'vitest';
import { parseConfig } from '../../shared/config.ts';

const base = {
  SUPABASE_URL: 'https://abcdefghijklmnop.supabase.co',
  SUPABASE_DB_URL: 'postgresql://postgres:pw@db.abcdefghijklmnop.supabase.co:5432/postgres',
  TOKEN_ENCRYPTION_KEYS: 'k1:AAAA',
  APP_URL: 'https://app.casehug.example',
};
const LEGACY = 'eyJhbGciOiJIUzI1NiJ9.legacy-service-role.sig';

describe('config.storageKey', () => {
  test('prefers the default entry of SUPABASE_SECRET_KEYS over the legacy service-role key (as hosted functions get them)', () => {
    const c = parseConfig({ ...base, SUPABASE_SERVICE_ROLE_KEY: LEGACY, SUPABASE_SECRET_KEYS: '{"ci":"sb_secret_ci","default":"sb_secret_default"}' });
    expect(c.storageKey).toBe('sb_secret_default');
  });

  test('takes the first named key when the dictionary has no default entry', () => {
    const c = parseConfig({ ...base, SUPABASE_SERVICE_ROLE_KEY: LEGACY, SUPABASE_SECRET_KEYS: '{"workers":"sb_secret_workers"}' });
    expect(c.storageKey).toBe('sb_secret_workers');
  });

  test('then the single SUPABASE_SECRET_KEY, and the legacy key only when no new key is configured', () => {
    expect(parseConfig({ ...base, SUPABASE_SERVICE_ROLE_KEY: LEGACY, SUPABASE_SECRET_KEY: 'sb_secret_single' }).storageKey).toBe('sb_secret_single');
    expect(parseConfig({ ...base, SUPABASE_SERVICE_ROLE_KEY: LEGACY, SUPABASE_SECRET_KEYS: '{}' }).storageKey).toBe(LEGACY);
    expect(parseConfig({ ...base, SUPABASE_SERVICE_ROLE_KEY: LEGACY }).storageKey).toBe(LEGACY);
    expect(parseConfig(base).storageKey).toBeUndefined();
  });

  test('a malformed SUPABASE_SECRET_KEYS fails with its name', () => {
    expect(() => parseConfig({ ...base, SUPABASE_SECRET_KEYS: '{"default":' })).toThrow('SUPABASE_SECRET_KEYS');
  });
});
