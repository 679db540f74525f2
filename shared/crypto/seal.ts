// Sealing secrets at rest (tokens, PKCE verifiers, webhook keys): AES-256-GCM with a fresh 12-byte IV,
// and the key id in every sealed value so keys can rotate (a single key
// without a version could never be rotated). The context (e.g. `firm:<id>:refresh_token`) is bound as additional data, so a
// sealed value copied to another firm's row or column does not open.
import { fromBase64, toBase64Url, utf8 } from './encoding.ts';

const VERSION = 'v1';
const IV_BYTES = 12;
const KEY_BYTES = 32;

export type Sealer = {
  seal(plaintext: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<string>;
  /** The key id new values are sealed with. */
  currentKeyId: string;
};

/**
 * `TOKEN_ENCRYPTION_KEYS`: `kid:base64key[,kid:base64key…]`; the first seals, all open. The spec is
 * validated at once (a bad key fails at start); the keys are imported into WebCrypto on first use.
 */
export function parseSealer(spec: string): Sealer {
  const entries = spec.split(',').map((part) => part.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error('TOKEN_ENCRYPTION_KEYS has no key');
  const raw = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const entry of entries) {
    const at = entry.indexOf(':');
    const kid = entry.slice(0, at);
    if (at <= 0 || !/^[A-Za-z0-9_-]{1,32}$/.test(kid)) throw new Error('TOKEN_ENCRYPTION_KEYS: each key needs an id (kid:base64key)');
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = fromBase64(entry.slice(at + 1));
    } catch {
      throw new Error(`TOKEN_ENCRYPTION_KEYS: key ${kid} is not base64`);
    }
    if (bytes.length !== KEY_BYTES) throw new Error(`TOKEN_ENCRYPTION_KEYS: key ${kid} must be 32 bytes`);
    if (raw.has(kid)) throw new Error(`TOKEN_ENCRYPTION_KEYS: key id ${kid} appears twice`);
    raw.set(kid, bytes);
  }
  const currentKeyId = entries[0].slice(0, entries[0].indexOf(':'));
  const imported = new Map<string, Promise<CryptoKey>>();
  const keyFor = (kid: string): Promise<CryptoKey> | undefined => {
    const bytes = raw.get(kid);
    if (!bytes) return undefined;
    let key = imported.get(kid);
    if (!key) {
      key = crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
      imported.set(kid, key);
    }
    return key;
  };

  return {
    currentKeyId,
    async seal(plaintext, context) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const cipher = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: utf8(context) },
        await keyFor(currentKeyId)!,
        utf8(plaintext),
      );
      return [VERSION, currentKeyId, toBase64Url(iv), toBase64Url(new Uint8Array(cipher))].join('.');
    },
    async open(sealed, context) {
      const [version, kid, iv, cipher, extra] = sealed.split('.');
      const key = keyFor(kid ?? '');
      if (version !== VERSION || !key || !iv || !cipher || extra !== undefined) throw new Error('sealed value is malformed or its key is unknown');
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: fromBase64(iv), additionalData: utf8(context) },
          await key,
          fromBase64(cipher),
        );
        return new TextDecoder().decode(plain);
      } catch {
        throw new Error('sealed value does not open with its key and context');
      }
    },
  };
}
