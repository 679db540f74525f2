// Everything a feature needs to talk to Smokeball for a firm: OAuth per region, a typed client with the
// firm's tokens, the shared Postgres rate limiter and the process-wide matter-type cache.
import { AppError } from '../errors.ts';
import type { Config } from '../config.ts';
import type { Sealer } from '../crypto/seal.ts';
import type { Sql } from '../db/sql.ts';
import { createPostgresRateLimiter } from '../smokeball/postgres-rate-limiter.ts';
import type { LogFields } from '../log.ts';
import { createSmokeballClient, type SmokeballClient } from '../smokeball/client.ts';
import { resolveSmokeballHosts, type SmokeballRegion } from '../smokeball/hosts.ts';
import { createMatterTypeCache } from '../smokeball/matter-type-cache.ts';
import { createSmokeballOAuth, type SmokeballOAuth } from '../smokeball/oauth.ts';
import type { RequestPriority } from '../smokeball/rate-limiter.ts';
import type { ApiCallRecord } from '../smokeball/request.ts';
import { createTokenRefresher } from '../sync/connection/refresh-token.ts';

export type SmokeballAccessDeps = {
  config: Config;
  sql: Sql;
  sealer: Sealer;
  now(): number;
  random(): number;
  sleep(ms: number): Promise<void>;
  log(event: string, fields?: LogFields): void;
};

/** The firm a client acts for, and the limiter class of its requests (default interactive). */
export type FirmClientScope = { firmId: string; region: SmokeballRegion; priority?: RequestPriority };

export const notConfigured = () =>
  new AppError({ code: 'smokeball_not_configured', status: 503, message: 'Smokeball integration is not configured' });

export function createSmokeballAccess(deps: SmokeballAccessDeps) {
  const { config } = deps;
  const hosts = (region: SmokeballRegion) =>
    resolveSmokeballHosts(region, config.smokeballEnvironment, { apiUrl: config.smokeballApiUrl, authUrl: config.smokeballAuthUrl });
  const credentials = () => {
    if (!config.smokeball.configured) throw notConfigured();
    return config.smokeball;
  };

  const oauthFor = (region: SmokeballRegion): SmokeballOAuth => {
    const c = credentials();
    return createSmokeballOAuth({ authUrl: hosts(region).authUrl, clientId: c.clientId, clientSecret: c.clientSecret });
  };
  const refresher = createTokenRefresher({ sql: deps.sql, sealer: deps.sealer, oauthFor, now: deps.now, log: deps.log });
  const limiter = createPostgresRateLimiter(deps.sql, { ...config.rateLimit, sleep: deps.sleep, now: deps.now });
  const matterTypeCache = createMatterTypeCache({ now: deps.now });

  return {
    configured: config.smokeball.configured,
    assertConfigured: () => void credentials(),
    oauthFor,
    tokensFor: refresher.tokensFor,
    /**
     * A client acting with an access token just obtained and not stored yet (a connect being completed:
     * which account did the admin approve?). No refresh: the token is minutes old.
     */
    clientForAccessToken(region: SmokeballRegion, accessToken: string): SmokeballClient {
      const c = credentials();
      return createSmokeballClient({
        apiUrl: hosts(region).apiUrl,
        apiKey: c.apiKey,
        clientId: c.clientId,
        tokens: { getAccessToken: async () => accessToken, refreshAccessToken: async () => accessToken },
        limiter,
        now: deps.now,
        random: deps.random,
        sleep: deps.sleep,
        matterTypeCache,
        uploadPolicy: config.uploadPolicy,
        log: (event, fields) => deps.log(event, pickLoggable(fields)),
      });
    },
    /**
     * A client acting for one firm; `onRequest` sees every API call (for the sync history). Its requests
     * take the limiter's slots in `firm.priority`'s class (default interactive: a member is waiting).
     */
    clientFor(firm: FirmClientScope, onRequest?: (call: ApiCallRecord) => void): SmokeballClient {
      const c = credentials();
      return createSmokeballClient({
        apiUrl: hosts(firm.region).apiUrl,
        apiKey: c.apiKey,
        clientId: c.clientId,
        tokens: refresher.tokensFor(firm.firmId),
        limiter,
        slotClaim: { priority: firm.priority ?? 'interactive', firmId: firm.firmId },
        now: deps.now,
        random: deps.random,
        sleep: deps.sleep,
        matterTypeCache,
        uploadPolicy: config.uploadPolicy,
        onRequest,
        log: (event, fields) => deps.log(event, pickLoggable(fields)),
      });
    },
  };
}
export type SmokeballAccess = ReturnType<typeof createSmokeballAccess>;

function pickLoggable(fields: Record<string, unknown>): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) out[k] = v;
  }
  return out;
}
