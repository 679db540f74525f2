// Who is calling: a Supabase user JWT verified against the project's JWKS, or the secret key in
// `apikey` for internal callers (cron, pg_net, the local pump), compared in constant time.
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { AppError, unauthorized } from '../errors.ts';
import { equalStrings } from '../crypto/constant-time.ts';

export const UserClaims = z.object({
  sub: z.uuid(),
  role: z.literal('authenticated'),
  email: z.string().optional(),
});
export type AuthenticatedUser = { userId: string; email?: string };

export type JwtVerifier = (token: string) => Promise<JWTPayload>;

export function createJwtVerifier(options: { jwks?: string; jwksUrl: string; issuer: string }): JwtVerifier {
  const keySet = options.jwks
    ? createLocalJWKSet(JSON.parse(options.jwks))
    : createRemoteJWKSet(new URL(options.jwksUrl));
  // Supabase Auth issues user sessions with `aud: authenticated`; anything else is not a user session.
  return async (token) => (await jwtVerify(token, keySet, { issuer: options.issuer, audience: 'authenticated' })).payload;
}

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

export async function authenticateUser(req: Request, verify: JwtVerifier): Promise<AuthenticatedUser> {
  const token = bearerToken(req);
  if (!token) throw unauthorized('Missing bearer token');
  let payload: JWTPayload;
  try {
    payload = await verify(token);
  } catch (err) {
    const expired = err instanceof joseErrors.JWTExpired;
    throw new AppError({
      code: 'invalid_jwt',
      status: 401,
      message: expired ? 'The access token has expired' : 'The access token is not valid',
    });
  }
  const claims = UserClaims.safeParse(payload);
  if (!claims.success) throw new AppError({ code: 'invalid_jwt', status: 401, message: 'The access token is not a user token' });
  return { userId: claims.data.sub, email: claims.data.email };
}

export async function authenticateSecretKey(req: Request, secretKeys: string[]): Promise<void> {
  const given = req.headers.get('apikey') ?? bearerToken(req) ?? '';
  let ok = false;
  // Compare against every key (no early exit) so timing does not reveal which one matched.
  for (const key of secretKeys) ok = (await equalStrings(given, key)) || ok;
  if (!given || !ok) throw unauthorized('A valid secret key is required');
}
