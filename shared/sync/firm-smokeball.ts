// A firm's Smokeball client for the features that read from Smokeball on a member's request (matter
// types, the matters list), and the account the matter-type cache keys it by. The connection is read
// first so a firm that cannot reach Smokeball gets a clear 409 (not_connected,
// smokeball_reauth_required) before any call is made, as sync-matter does (docs/architecture.md §5 "Tokens").
import type { Sql } from '../db/sql.ts';
import type { SmokeballClient } from '../smokeball/client.ts';
import type { SmokeballRegion } from '../smokeball/hosts.ts';
import { AppError } from '../errors.ts';
import { jurisdictionParts, type JurisdictionParts, type SmokeballJurisdiction } from '../smokeball/jurisdiction.ts';
import { requireConnection } from './connection/require-connection.ts';

export type FirmSmokeballDeps = {
  sql: Sql;
  clientFor(firm: { firmId: string; region: SmokeballRegion }): Promise<SmokeballClient>;
};

/** A firm as the caller authorized it: its id and Smokeball location (`IL`, `NSW`; see smokeballLocationOf). */
export type FirmScope = { firmId: string; jurisdiction: string };

export type FirmSmokeball = {
  client: SmokeballClient;
  /** The Smokeball account id, or null for a connection made before it was recorded. */
  accountId: string | null;
};

export async function openFirmSmokeball(deps: FirmSmokeballDeps, firmId: string): Promise<FirmSmokeball> {
  const connection = await requireConnection(deps.sql, firmId);
  return { client: await deps.clientFor({ firmId, region: connection.region }), accountId: connection.accountId };
}

/**
 * The matter-type cache's account key, exactly as sync-matter computes it (`connection.accountId ??
 * firmId`), so a refresh here drops the entry a sync in the same process would read.
 */
export const cacheAccountKey = (firmId: string, accountId: string | null): string => accountId ?? firmId;

/**
 * The parts of a firm's jurisdiction; throws 409 jurisdiction_ambiguous while it is undecided (the bare host
 * code `WA` with nothing yet to say which one it is), so no caller picks a country for the firm.
 */
export function decidedJurisdictionParts(jurisdiction: SmokeballJurisdiction | null): JurisdictionParts {
  if (!jurisdiction) {
    throw new AppError({
      code: 'jurisdiction_ambiguous',
      status: 409,
      message: "The firm's jurisdiction WA is both Washington (US) and Western Australia: an admin must choose US-WA or AU-WA, or connect Smokeball naming its region",
    });
  }
  return jurisdictionParts(jurisdiction);
}

/** Smokeball's matter-type `Location` of a firm's jurisdiction (`AU-WA` → `WA`); throws while undecided. */
export function smokeballLocationOf(jurisdiction: SmokeballJurisdiction | null): string {
  return decidedJurisdictionParts(jurisdiction).location;
}
