import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Smokeball ids are lowercase GUIDs (docs/smokeball.md §8). */
export const newGuid = (): string => randomUUID();

/** An opaque secret (codes, tokens): 32 random bytes, base64url. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** A deterministic GUID from a name (RFC 4122 version 5 layout over sha1), so catalog ids never change. */
export function guidFromName(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
