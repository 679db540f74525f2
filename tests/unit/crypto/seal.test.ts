import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { parseSealer } from '../../../shared/crypto/seal.ts';

const key = () => randomBytes(32).toString('base64');

describe('parseSealer', () => {
  test('seals to ciphertext that names its key and opens back', async () => {
    const sealer = parseSealer(`k2:${key()}`);
    const sealed = await sealer.seal('access-token-value', 'firm:a:access_token');
    expect(sealed).toMatch(/^v1\.k2\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('access-token-value');
    expect(await sealer.open(sealed, 'firm:a:access_token')).toBe('access-token-value');
  });

  test('the same plaintext seals differently each time (fresh IV)', async () => {
    const sealer = parseSealer(`k1:${key()}`);
    expect(await sealer.seal('x', 'c')).not.toBe(await sealer.seal('x', 'c'));
  });

  test('a value sealed for one context does not open in another (no swapping between firms or columns)', async () => {
    const sealer = parseSealer(`k1:${key()}`);
    const sealed = await sealer.seal('secret', 'firm:a:refresh_token');
    await expect(sealer.open(sealed, 'firm:b:refresh_token')).rejects.toThrow('does not open');
  });

  test('rotation: the first key seals, older keys still open', async () => {
    const old = `k1:${key()}`;
    const before = await parseSealer(old).seal('kept', 'ctx');
    const rotated = parseSealer(`k2:${key()},${old}`);
    expect(rotated.currentKeyId).toBe('k2');
    expect(await rotated.open(before, 'ctx')).toBe('kept');
    expect((await rotated.seal('new', 'ctx')).split('.')[1]).toBe('k2');
  });

  test('a tampered or truncated value is refused', async () => {
    const sealer = parseSealer(`k1:${key()}`);
    const sealed = await sealer.seal('secret', 'ctx');
    const parts = sealed.split('.');
    const flipped = parts[3][0] === 'A' ? 'B' : 'A';
    await expect(sealer.open([...parts.slice(0, 3), flipped + parts[3].slice(1)].join('.'), 'ctx')).rejects.toThrow();
    await expect(sealer.open(parts.slice(0, 3).join('.'), 'ctx')).rejects.toThrow('malformed');
    await expect(sealer.open(sealed.replace('.k1.', '.k9.'), 'ctx')).rejects.toThrow('unknown');
  });

  test.each([
    ['', 'has no key'],
    ['nokid', 'needs an id'],
    ['k1:AAAA', 'must be 32 bytes'],
    [`k1:${Buffer.alloc(32).toString('base64')},k1:${Buffer.alloc(32).toString('base64')}`, 'appears twice'],
  ])('refuses the key spec %j', async (spec, message) => {
    expect(() => parseSealer(spec)).toThrow(message);
  });
});
