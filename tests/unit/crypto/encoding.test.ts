import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fromBase64, toBase64Url, toHex, utf8 } from '../../../shared/crypto/encoding.ts';

describe('base64url', () => {
  test('known vectors (RFC 4648 §10), URL-safe and without padding', () => {
    const vectors: Array<[string, string]> = [['', ''], ['f', 'Zg'], ['fo', 'Zm8'], ['foo', 'Zm9v'], ['foob', 'Zm9vYg'], ['fooba', 'Zm9vYmE'], ['foobar', 'Zm9vYmFy']];
    for (const [text, encoded] of vectors) {
      expect(toBase64Url(utf8(text))).toBe(encoded);
      expect(new TextDecoder().decode(fromBase64(encoded))).toBe(text);
    }
    // 0xfb 0xff → "+/8" in base64, "-_8" in base64url.
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  test('round-trips any bytes, and reads standard base64 with padding too', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const encoded = toBase64Url(bytes);
        expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(fromBase64(encoded)).toEqual(bytes);
        expect(fromBase64(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
      }),
    );
  });
});

describe('toHex()', () => {
  test('two lowercase digits per byte', () => {
    expect(toHex(new Uint8Array([0, 1, 0xab, 0xff]))).toBe('0001abff');
    expect(toHex(new Uint8Array())).toBe('');
  });
});
