import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { equalStrings } from '../../../shared/crypto/constant-time.ts';
import { hmacSha256Hex, pkceChallenge } from '../../../shared/crypto/hash.ts';

describe('crypto helpers', () => {
  test("Smokeball's documented webhook signature vector (docs/smokeball.md §5)", async () => {
    expect(await hmacSha256Hex('ei7641529ue420n8b9aa', '637558795239278688|38583489-09c4-49ef-b58c-ef1b34208cca|lou1qnn0llav95'))
      .toBe('feb4b838a272884f6d2c2580b2c7ebb0b2f725b90e8baa6f9b5e1a17a9faec2d');
  });

  test('PKCE S256 is base64url, unpadded, of SHA-256 of the verifier (checked against node:crypto)', async () => {
    const verifier = 'x'.repeat(43) + '-._~';
    const expected = createHash('sha256').update(verifier).digest('base64url');
    expect(await pkceChallenge(verifier)).toBe(expected);
    expect(expected).not.toMatch(/[=+/]/);
  });

  test('equalStrings compares whole values', async () => {
    expect(await equalStrings('abc', 'abc')).toBe(true);
    expect(await equalStrings('abc', 'abd')).toBe(false);
    expect(await equalStrings('abc', 'abcd')).toBe(false);
    expect(await equalStrings('', '')).toBe(true);
  });
});
