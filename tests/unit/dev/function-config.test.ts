// Every function checks its own caller: the platform's verify_jwt gate does not understand the
// asymmetric JWT signing keys and refuses callers without a JWT, so config.toml turns it off everywhere.
import { describe, expect, test } from 'vitest';
import { readFunctionSpecs, readVerifyJwt } from '../../../dev/gateway/function-config.ts';
import { ROOT } from '../../../dev/db/migrate.ts';

describe('supabase/config.toml', () => {
  test('sets verify_jwt = false for every function in supabase/functions', () => {
    const specs = readFunctionSpecs(ROOT);
    expect(specs.length).toBeGreaterThan(0);
    expect(specs.filter((s) => s.verifyJwt).map((s) => s.name)).toEqual([]);
  });
});

describe('readVerifyJwt', () => {
  test('reads verify_jwt per [functions.<name>] section, ignoring comments and other sections', () => {
    const toml = [
      '[functions.a]',
      'verify_jwt = true # on',
      '[functions.b]',
      '# verify_jwt = true',
      'verify_jwt = false',
      '[api]',
      'verify_jwt = true',
    ].join('\n');
    expect([...readVerifyJwt(toml)]).toEqual([['a', true], ['b', false]]);
  });
});
