import { toBase64Url, toHex, utf8 } from './encoding.ts';

export async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text))));
}

/** PKCE S256 (RFC 7636 §4.2): base64url, no padding, of SHA-256 of the verifier. */
export async function pkceChallenge(verifier: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(verifier))));
}

/** An HMAC-SHA256 key, imported once for a key used again and again (a firm's webhook key). */
export function importHmacKey(key: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', utf8(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/** Lowercase hex HMAC-SHA256 — Smokeball's webhook signature (docs/smokeball.md §5). */
export async function hmacSha256Hex(key: string | CryptoKey, message: string): Promise<string> {
  const k = typeof key === 'string' ? await importHmacKey(key) : key;
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', k, utf8(message))));
}
