// Which Smokeball app acts for a firm: its own (private.smokeball_apps, opened with the token keys) or
// the deployment's default (SMOKEBALL_* variables), or none — then "not configured", in the FAQ's words
// with the support address, so a firm knows what to do.
import { AppError } from '../errors.ts';
import type { Config } from '../config.ts';
import type { Sealer } from '../crypto/seal.ts';
import type { Sql } from '../db/sql.ts';
import { readFirmApp, summarizeFirmApps } from '../db/smokeball-apps.ts';
import type { SmokeballEnvironment, SmokeballRegion } from '../smokeball/hosts.ts';

export type SmokeballApp = {
  /** `own`: the firm's app; `default`: the deployment's. */
  source: 'own' | 'default';
  clientId: string;
  clientSecret: string;
  apiKey: string;
  environment: SmokeballEnvironment;
  /** The region a firm's own app is registered in; the default app serves every region. */
  region: SmokeballRegion | null;
};

export const notConfiguredMessage = (supportEmail: string) =>
  "Smokeball integration is not configured: API credentials haven't been set up on our server for your connection. " +
  "This usually means your firm hasn't received API access from Smokeball yet. " +
  `Contact ${supportEmail} and we'll help coordinate with the Smokeball partnership team.`;

export const notConfigured = (supportEmail: string) =>
  new AppError({ code: 'smokeball_not_configured', status: 503, message: notConfiguredMessage(supportEmail) });

/** Each sealed value is bound to its firm, its app and its column: copied anywhere else it does not open. */
export const appSecretContext = (firmId: string, clientId: string) => `firm:${firmId}:smokeball_app:${clientId}:client_secret`;
export const appApiKeyContext = (firmId: string, clientId: string) => `firm:${firmId}:smokeball_app:${clientId}:api_key`;

export type AppDeps = { sql: Sql; sealer: Sealer; config: Config };

/** The firm's app, or undefined when it has none and the deployment has no default. */
export async function findFirmApp(deps: AppDeps, firmId: string): Promise<SmokeballApp | undefined> {
  const row = await readFirmApp(deps.sql, firmId);
  if (row) {
    return {
      source: 'own',
      clientId: row.clientId,
      clientSecret: await deps.sealer.open(row.sealedClientSecret, appSecretContext(firmId, row.clientId)),
      apiKey: await deps.sealer.open(row.sealedApiKey, appApiKeyContext(firmId, row.clientId)),
      environment: row.environment,
      region: row.region,
    };
  }
  const fallback = deps.config.smokeball;
  if (!fallback.configured) return undefined;
  return { source: 'default', ...fallback, environment: deps.config.smokeballEnvironment, region: null };
}

/** The firm's app; 503 smokeball_not_configured (with what to do) when there is none. */
export async function requireFirmApp(deps: AppDeps, firmId: string): Promise<SmokeballApp> {
  const app = await findFirmApp(deps, firmId);
  if (!app) throw notConfigured(deps.config.supportEmail);
  return app;
}

/** The client id of the firm's app without opening its secrets (webhook signatures sign it), if any. */
export async function findFirmAppClientId(deps: Pick<AppDeps, 'sql' | 'config'>, firmId: string): Promise<string | undefined> {
  const own = await readFirmApp(deps.sql, firmId);
  if (own) return own.clientId;
  return deps.config.smokeball.configured ? deps.config.smokeball.clientId : undefined;
}

/**
 * The region a connect goes to: the one asked for, else the region a firm's own app is registered in
 * (a private app serves its firm in that region only), else undefined (the firm's jurisdiction decides).
 */
export function connectRegionFor(app: SmokeballApp, requested: SmokeballRegion | undefined): SmokeballRegion | undefined {
  if (app.region && requested && requested !== app.region) {
    throw new AppError({
      code: 'invalid_body',
      status: 400,
      message: `This firm's Smokeball app is registered in region ${app.region}; connect in that region`,
    });
  }
  return requested ?? app.region ?? undefined;
}

/** Per firm, without secrets: whether Smokeball is configured and with which app (for `health`). */
export type FirmAppStatus =
  | { firmId: string; configured: true; app: 'own'; clientId: string; environment: string; region: string }
  | { firmId: string; configured: true; app: 'default'; clientId: string; environment: string }
  | { firmId: string; configured: false; app: null };

export async function describeFirmApps(deps: Pick<AppDeps, 'sql' | 'config'>, firmIds: string[]): Promise<FirmAppStatus[]> {
  const own = new Map((await summarizeFirmApps(deps.sql, firmIds)).map((a) => [a.firmId, a]));
  const fallback = deps.config.smokeball;
  return firmIds.map((firmId): FirmAppStatus => {
    const app = own.get(firmId);
    if (app) return { firmId, configured: true, app: 'own', clientId: app.clientId, environment: app.environment, region: app.region };
    if (fallback.configured) return { firmId, configured: true, app: 'default', clientId: fallback.clientId, environment: deps.config.smokeballEnvironment };
    return { firmId, configured: false, app: null };
  });
}
