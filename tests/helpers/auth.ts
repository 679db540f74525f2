// What the auth tests need beyond tests/helpers/stack.ts: tokens shaped any way a caller could shape them
// (legacy HS256, no `exp`, another audience, `alg: none`), and a function in its own Deno process with an
// environment of the test's choosing (another project's keys, or the Edge Runtime's Deno).
import { fileURLToPath } from 'node:url';
import { base64url, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { inject } from 'vitest';
import { FunctionProcess } from '../../dev/gateway/function-process.ts';
import { DENO_NPM_FLAGS } from '../../dev/deno-binaries.ts';
import { publicJwks } from '../../dev/keys.ts';
import { stackKeys } from './connect.ts';

export type UserTokenClaims = { sub: string; email?: string; aud?: string; role?: string; iss?: string; expiresInS?: number | null };

/** Claims as Supabase Auth writes them into an access token; `expiresInS: null` leaves out `exp`. */
function userClaims(c: UserTokenClaims, issuer: string): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: c.sub,
    email: c.email,
    aud: c.aud ?? 'authenticated',
    role: c.role ?? 'authenticated',
    iss: c.iss ?? issuer,
    iat: now,
    ...(c.expiresInS === null ? {} : { exp: now + (c.expiresInS ?? 3600) }),
  };
}

/** A user token signed with the stack's ES256 key (the `kid` the JWKS names), claims as given. */
export async function signStackToken(claims: UserTokenClaims): Promise<string> {
  const key = JSON.parse(inject('signingKey')) as JWK & { kid: string };
  return new SignJWT(userClaims(claims, inject('issuer')))
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .sign(await importJWK(key, 'ES256'));
}

/** A user token as a project on the legacy JWT secret issues it: HS256, no `kid`. */
export function signLegacyToken(secret: string | Uint8Array, issuer: string, claims: UserTokenClaims, header: Record<string, string> = {}): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(userClaims(claims, issuer)).setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header }).sign(key);
}

/** An unsecured JWT (`alg: none`, empty signature), which no verifier may accept. */
export function unsecuredToken(claims: UserTokenClaims, header: Record<string, string> = {}): string {
  const encode = (v: object) => base64url.encode(JSON.stringify(v));
  return `${encode({ alg: 'none', typ: 'JWT', ...header })}.${encode(userClaims(claims, inject('issuer')))}.`;
}

/**
 * One function in its own Deno process, with the shared stack's database, keys and JWKS, then `env` on
 * top (a key set to undefined is left out). `deno` picks the Deno binary (default: the project's).
 */
export async function startFunction(
  name: string,
  options: { env?: Record<string, string | undefined>; deno?: string } = {},
): Promise<{ port: number; url: string; process: FunctionProcess; lines: string[]; stop(): Promise<void> }> {
  const keys = await stackKeys();
  const gatewayUrl = inject('gatewayUrl');
  const merged: Record<string, string | undefined> = {
    ...Object.fromEntries(Object.entries(process.env).filter((e) => /^(PATH|HOME|DENO_DIR|TMPDIR)$/.test(e[0]))),
    SUPABASE_URL: gatewayUrl,
    SUPABASE_DB_URL: inject('dbUrl'),
    SUPABASE_JWKS: JSON.stringify(publicJwks(JSON.parse(inject('signingKey')))),
    SUPABASE_SECRET_KEY: inject('secretKey'),
    SUPABASE_PUBLISHABLE_KEY: inject('publishableKey'),
    TOKEN_ENCRYPTION_KEYS: keys.tokenEncryptionKeys,
    APP_URL: `${gatewayUrl}/app`,
    ...options.env,
  };
  const env = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
  const lines: string[] = [];
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const fn = new FunctionProcess({
    name,
    root,
    env,
    // On another Deno (the Edge Runtime's), still from the checkout, with npm packages from Deno's cache.
    launch: options.deno ? { deno: options.deno, cwd: root, denoFlags: DENO_NPM_FLAGS, entry: `supabase/functions/${name}/index.ts` } : undefined,
    onLine: (_fn, line) => lines.push(line),
  });
  const port = await fn.port();
  return { port, url: `http://127.0.0.1:${port}/${name}`, process: fn, lines, stop: () => fn.stop() };
}
