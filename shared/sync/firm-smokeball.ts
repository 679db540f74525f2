// A firm's Smokeball client for the features that read from Smokeball on a member's request (matter
// types, the matters list), and the account the matter-type cache keys it by. The connection is read
// first so a firm that cannot reach Smokeball gets a clear 409 (not_connected,
// smokeball_reauth_required) before any call is made, as sync-matter does (DESIGN §5 "Tokens").
import type { Sql } from '../db/connection.ts';
import { readConnectionStatus } from '../db/connections.ts';
import type { SmokeballClient } from '../smokeball/client.ts';
import type { SmokeballRegion } from '../smokeball/hosts.ts';
import type { Runtime } from '../runtime.ts';
import { notConnected, reauthRequired } from './connection/refresh-token.ts';

export type FirmSmokeballDeps = {
  sql: Sql;
  clientFor(firm: { firmId: string; region: SmokeballRegion }): Promise<SmokeballClient>;
};

/** A firm as the caller authorized it: its id and jurisdiction (`firms.jurisdiction`, e.g. `IL`). */
export type FirmScope = { firmId: string; jurisdiction: string };

export type FirmSmokeball = {
  client: SmokeballClient;
  /** The Smokeball account id, or null for a connection made before it was recorded. */
  accountId: string | null;
};

export async function openFirmSmokeball(deps: FirmSmokeballDeps, firmId: string): Promise<FirmSmokeball> {
  const connection = await readConnectionStatus(deps.sql, firmId);
  if (!connection || connection.status === 'disconnected') throw notConnected();
  if (connection.status === 'needs_reauth') throw reauthRequired();
  return { client: await deps.clientFor({ firmId, region: connection.region }), accountId: connection.accountId };
}

/**
 * The matter-type cache's account key, exactly as sync-matter computes it (`connection.accountId ??
 * firmId`), so a refresh here drops the entry a sync in the same process would read.
 */
export const cacheAccountKey = (firmId: string, accountId: string | null): string => accountId ?? firmId;

/** From a function instance's runtime: the client shares that instance's matter-type cache and limiter. */
export function firmSmokeballDeps(runtime: Runtime): FirmSmokeballDeps {
  return { sql: runtime.sql, clientFor: (firm) => runtime.smokeball.clientFor(firm) };
}
