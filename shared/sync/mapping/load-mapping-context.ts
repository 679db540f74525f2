// The inputs of the case type → matter type resolver, loaded the way a sync loads them (docs/architecture.md §5 "Sync a
// matter"): the jurisdiction's matter types through the client's per-process cache, keyed by account +
// location, and the firm's custom mappings (`case_type_mappings`). The preview and sync-matter both call this,
// so the two can never read different inputs: the preview can never disagree with a sync.
import { listCaseTypeOverrides } from '../../db/case-type-mappings.ts';
import type { Sql } from '../../db/sql.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { ResolveContext } from './resolve.ts';
import { cacheAccountKey } from '../firm-smokeball.ts';

export type MappingFirm = {
  firmId: string;
  /** `firms.jurisdiction`, a Smokeball location such as `IL`. */
  jurisdiction: string;
  /** `smokeball_connections.account_id`; null falls back to the firm id as the cache key. */
  accountId: string | null;
};

export async function loadMappingContext(client: SmokeballClient, sql: Sql, firm: MappingFirm): Promise<ResolveContext> {
  const [matterTypes, overrides] = await Promise.all([
    client.matterTypes.listCached({ accountId: cacheAccountKey(firm.firmId, firm.accountId), location: firm.jurisdiction }),
    listCaseTypeOverrides(sql, firm.firmId),
  ]);
  return { jurisdiction: firm.jurisdiction, matterTypes, overrides };
}
