// Everything a feature needs to talk to Smokeball for a firm: the firm's app (its own or the default,
// smokeball-app.ts), OAuth per region, a typed client with the firm's tokens, the shared Postgres rate
// limiter and the process-wide matter-type cache.
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
import type { ApiCallRecord, TokenProvider } from '../smokeball/request.ts';
import { createTokenRefresher } from '../sync/connection/refresh-token.ts';
import { findFirmApp, notConfigured, requireFirmApp, type SmokeballApp } from '../sync/smokeball-app.ts';

export type SmokeballAccessDeps = {
  config: Config;
  sql: Sql;
  /**
   * For the limiter's slots and the firm's app: statements that run while a caller may hold a transaction
   * on `sql`, so never from the same pool (runtime.ts).
   */
  lookupSql: Sql;
  sealer: Sealer;
  now(): number;
  random(): number;
  sleep(ms: number): Promise<void>;
  log(event: string, fields?: LogFields): void;
};

/** The firm a client acts for, and the limiter class of its requests (default interactive). */
export type FirmClientScope = { firmId: string; region: SmokeballRegion; priority?: RequestPriority };

export function createSmokeballAccess(deps: SmokeballAccessDeps) {
  const { config } = deps;
  const hosts = (app: SmokeballApp, region: SmokeballRegion) =>
    resolveSmokeballHosts(region, app.environment, { apiUrl: config.smokeballApiUrl, authUrl: config.smokeballAuthUrl });
  const lookups = { ...deps, sql: deps.lookupSql };
  const appFor = (firmId: string) => requireFirmApp(lookups, firmId);

  const oauthWith = (app: SmokeballApp, region: SmokeballRegion): SmokeballOAuth =>
    createSmokeballOAuth({ authUrl: hosts(app, region).authUrl, clientId: app.clientId, clientSecret: app.clientSecret });
  const oauthFor = async (firmId: string, region: SmokeballRegion): Promise<SmokeballOAuth> => oauthWith(await appFor(firmId), region);
  const refresher = createTokenRefresher({ sql: deps.sql, sealer: deps.sealer, oauthFor, now: deps.now, log: deps.log });
  // One limiter for every app: buckets are keyed by the app's client id (rate-limiter.ts rateLimitBucket),
  // so a firm with its own app has its own budget and the firms on the default app share theirs.
  const limiter = createPostgresRateLimiter(deps.lookupSql, { ...config.rateLimit, sleep: deps.sleep, now: deps.now });
  const matterTypeCache = createMatterTypeCache({ now: deps.now });

  const clientWith = (
    app: SmokeballApp,
    region: SmokeballRegion,
    tokens: TokenProvider,
    slotClaim: { priority: RequestPriority; firmId: string },
    onRequest?: (call: ApiCallRecord) => void,
  ): SmokeballClient =>
    createSmokeballClient({
      apiUrl: hosts(app, region).apiUrl,
      apiKey: app.apiKey,
      clientId: app.clientId,
      tokens,
      limiter,
      slotClaim,
      now: deps.now,
      random: deps.random,
      sleep: deps.sleep,
      matterTypeCache,
      uploadPolicy: config.uploadPolicy,
      onRequest,
      log: (event, fields) => deps.log(event, pickLoggable(fields)),
    });

  return {
    /** The firm's app (its own, else the default); 503 smokeball_not_configured with what to do. */
    appFor,
    /** Throws 503 smokeball_not_configured unless the firm has an app. */
    assertConfiguredFor: async (firmId: string): Promise<void> => void (await appFor(firmId)),
    /** The firm's app, or undefined (no own app, no default). */
    findAppFor: (firmId: string) => findFirmApp(lookups, firmId),
    notConfigured: () => notConfigured(config.supportEmail),
    oauthWith,
    oauthFor,
    tokensFor: refresher.tokensFor,
    /**
     * A client acting with an access token just obtained and not stored yet (a connect being completed:
     * which account did the admin approve?). No refresh: the token is minutes old.
     */
    async clientForAccessToken(firmId: string, region: SmokeballRegion, accessToken: string): Promise<SmokeballClient> {
      const tokens = { getAccessToken: async () => accessToken, refreshAccessToken: async () => accessToken };
      return clientWith(await appFor(firmId), region, tokens, { priority: 'interactive', firmId });
    },
    /**
     * A client acting for one firm with its app; `onRequest` sees every API call (for the sync history).
     * Its requests take the limiter's slots in `firm.priority`'s class (default interactive: a member is
     * waiting).
     */
    async clientFor(firm: FirmClientScope, onRequest?: (call: ApiCallRecord) => void): Promise<SmokeballClient> {
      const slotClaim = { priority: firm.priority ?? 'interactive', firmId: firm.firmId } as const;
      return clientWith(await appFor(firm.firmId), firm.region, refresher.tokensFor(firm.firmId), slotClaim, onRequest);
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
