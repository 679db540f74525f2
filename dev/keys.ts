// The local stand-in for Supabase Auth's signing keys: an ES256 key pair whose public half is served
// as the JWKS, plus the project's API keys and the token-sealing keys. Kept in the stack's data folder
// so tokens and sealed values survive a restart.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

export type StackKeys = {
  signingKey: JWK & { kid: string };
  publishableKey: string;
  secretKey: string;
  tokenEncryptionKeys: string;
};

export async function loadOrCreateKeys(file: string): Promise<StackKeys> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as StackKeys;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const keys: StackKeys = {
    signingKey: { ...jwk, kid: randomBytes(8).toString('hex'), alg: 'ES256', use: 'sig' },
    publishableKey: `sb_publishable_${randomBytes(16).toString('base64url')}`,
    secretKey: `sb_secret_${randomBytes(24).toString('base64url')}`,
    tokenEncryptionKeys: `k1:${randomBytes(32).toString('base64')}`,
  };
  await writeFile(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

export function publicJwks(signingKey: JWK & { kid: string }): { keys: JWK[] } {
  const { d: _private, ...pub } = signingKey;
  return { keys: [{ ...pub, key_ops: ['verify'] }] };
}

export type TokenClaims = { sub: string; email?: string; role?: string; expiresInS?: number };

/** A JWT shaped like Supabase Auth's access tokens. */
export async function signAccessToken(
  signingKey: JWK & { kid: string },
  issuer: string,
  claims: TokenClaims,
): Promise<string> {
  const key = await importJWK(signingKey, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    email: claims.email,
    role: claims.role ?? 'authenticated',
    aal: 'aal1',
    session_id: crypto.randomUUID(),
    is_anonymous: false,
  })
    .setProtectedHeader({ alg: 'ES256', kid: signingKey.kid, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(issuer)
    .setAudience('authenticated')
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresInS ?? 3600))
    .sign(key);
}
