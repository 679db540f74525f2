// Sealing a firm's Smokeball tokens. The context binds each sealed value to its firm and column, so a
// value copied to another row does not open (shared/crypto/seal.ts).
import type { Sealer } from '../../crypto/seal.ts';
import type { SealedTokens } from '../../db/connections.ts';

export const accessTokenContext = (firmId: string) => `firm:${firmId}:access_token`;
export const refreshTokenContext = (firmId: string) => `firm:${firmId}:refresh_token`;
export const webhookKeyContext = (firmId: string) => `firm:${firmId}:webhook_key`;

export async function sealTokens(
  deps: { sealer: Sealer; now(): number },
  firmId: string,
  t: { accessToken: string; refreshToken: string; expiresInS: number; refreshTokenExpiresAt: Date | null },
): Promise<SealedTokens> {
  return {
    sealedAccessToken: await deps.sealer.seal(t.accessToken, accessTokenContext(firmId)),
    sealedRefreshToken: await deps.sealer.seal(t.refreshToken, refreshTokenContext(firmId)),
    keyId: deps.sealer.currentKeyId,
    accessTokenExpiresAt: new Date(deps.now() + t.expiresInS * 1000),
    refreshTokenExpiresAt: t.refreshTokenExpiresAt,
  };
}
