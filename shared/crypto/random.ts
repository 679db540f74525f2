import { toBase64Url } from './encoding.ts';

export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** A URL-safe random token of `bytes` bytes of entropy (the OAuth state: 32, RFC 9700 §4.7). */
export function randomToken(bytes = 32): string {
  return toBase64Url(randomBytes(bytes));
}
