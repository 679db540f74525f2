// A contact or matter the reconciliation read from Smokeball, applied exactly as webhook processing applies
// a re-fetched one (shared/sync/push/apply-from-smokeball.ts: field by field against CaseHug's unsent
// edits, under the record's lock, never queueing a push back). Cheap when nothing is newer: the version
// CaseHug holds is compared first, so an unchanged record costs no transaction. A record whose push is
// running is left to the next run (its webhook would wait for the push too).
import type { Sql } from '../../db/sql.ts';
import { isPushRunning, type OwnedField, type RecordKind } from '../../db/two-way.ts';
import { applyFromSmokeball } from '../push/apply-from-smokeball.ts';
import { sameValue, type SmokeballSide } from '../push/decide-fields.ts';

/** True when a CaseHug field took Smokeball's value (a repair); a newer version alone is not one. */
export async function applyReadIfNewer(
  sql: Sql,
  firmId: string,
  kind: RecordKind,
  smokeballId: string,
  side: SmokeballSide,
  storedVersion: bigint | null,
): Promise<boolean> {
  if (storedVersion !== null && side.version <= storedVersion) return false;
  if (await isPushRunning(sql, firmId, kind, smokeballId)) return false;
  const { outcome, plan, record } = await applyFromSmokeball(sql, firmId, kind, { smokeballId }, side);
  if (outcome !== 'applied' || !plan || !record) return false;
  return Object.entries(plan.apply).some(([field, value]) => !sameValue(field as OwnedField, value, record.values[field as OwnedField]));
}
