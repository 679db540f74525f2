// Connect, step 1 (docs/architecture.md §5): a state of 32 random bytes (only its hash kept) bound to user, firm and
// region with a 10-minute expiry, and a sealed PKCE S256 verifier; answers the authorize URL.
import type { z } from 'zod';
import { OAuthStartRequest } from '../../api/functions.ts';
import { pkceChallenge, sha256Hex } from '../../crypto/hash.ts';
import { randomToken } from '../../crypto/random.ts';
import type { Sealer } from '../../crypto/seal.ts';
import type { Sql } from '../../db/sql.ts';
import { insertOAuthState } from '../../db/oauth-states.ts';
import { SmokeballRegion } from '../../smokeball/hosts.ts';
import type { SmokeballJurisdiction } from '../../smokeball/jurisdiction.ts';
import { decidedJurisdictionParts } from '../firm-smokeball.ts';
import type { SmokeballOAuth } from '../../smokeball/oauth.ts';

export { AppPath } from '../../api/functions.ts';
/** The contract's request without `firmId`, which names the firm before this runs. */
export const StartConnectBody = OAuthStartRequest.omit({ firmId: true });
export type StartConnectBody = z.infer<typeof StartConnectBody>;

export type StartConnectDeps = {
  sql: Sql;
  sealer: Sealer;
  oauthFor(region: SmokeballRegion): SmokeballOAuth;
  redirectUri: string;
};

/** Smokeball's region for a firm's jurisdiction when the admin does not name one (docs/smokeball.md §1). */
export function regionForJurisdiction(jurisdiction: SmokeballJurisdiction | null): SmokeballRegion {
  return decidedJurisdictionParts(jurisdiction).region;
}

export async function startConnect(
  deps: StartConnectDeps,
  input: { firmId: string; userId: string; jurisdiction: SmokeballJurisdiction | null } & StartConnectBody,
): Promise<{ url: string }> {
  const region = input.region ?? regionForJurisdiction(input.jurisdiction);
  const state = randomToken(32);
  // 32 bytes → 43 base64url characters: the shortest verifier RFC 7636 §4.1 allows, with 256 bits.
  const verifier = randomToken(32);
  const stateHash = await sha256Hex(state);
  await insertOAuthState(deps.sql, {
    stateHash,
    firmId: input.firmId,
    userId: input.userId,
    region,
    sealedCodeVerifier: await deps.sealer.seal(verifier, codeVerifierContext(stateHash)),
    returnPath: input.returnTo,
  });
  const url = deps.oauthFor(region).authorizeUrl({
    redirectUri: deps.redirectUri,
    state,
    codeChallenge: await pkceChallenge(verifier),
  });
  return { url };
}

export const codeVerifierContext = (stateHash: string) => `oauth_state:${stateHash}:code_verifier`;
