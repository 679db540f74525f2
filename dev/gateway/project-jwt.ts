// How the local stand-ins for Supabase's gateway and Auth server check a JWT of the project: a token
// signed with the project's asymmetric signing key (ES256, against the JWKS) or, when the project is
// configured as legacy, with its HS256 JWT secret. As Supabase's own gateway does ("hybrid" checking in
// the CLI's edge-runtime main), the algorithm decides which key is used, and only these algorithms are
// accepted; every token must carry `exp`.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK, type JWTPayload } from 'jose';

const SIGNING_KEY_ALGORITHMS = ['ES256', 'RS256'];
const LEGACY_ALGORITHM = 'HS256';

export type ProjectJwtOptions = {
  jwks: { keys: JWK[] };
  /** The legacy JWT secret of a project that still signs with it; absent: HS256 tokens are refused. */
  legacyJwtSecret?: string;
};

export type ProjectJwtVerifier = (token: string) => Promise<JWTPayload>;

export function createProjectJwtVerifier(options: ProjectJwtOptions): ProjectJwtVerifier {
  const keySet = createLocalJWKSet(options.jwks);
  const secret = options.legacyJwtSecret ? new TextEncoder().encode(options.legacyJwtSecret) : undefined;
  return async (token) => {
    const { alg } = decodeProtectedHeader(token);
    if (alg === LEGACY_ALGORITHM) {
      if (!secret) throw new Error('this project has no legacy JWT secret');
      return (await jwtVerify(token, secret, { algorithms: [LEGACY_ALGORITHM], requiredClaims: ['exp'] })).payload;
    }
    return (await jwtVerify(token, keySet, { algorithms: SIGNING_KEY_ALGORITHMS, requiredClaims: ['exp'] })).payload;
  };
}
