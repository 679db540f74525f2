// Smokeball → CaseHug for a linked contact or matter (docs/architecture.md §5 "Two-way sync"): with the
// record locked, each field is decided against CaseHug's unpushed edits (decide-fields.ts); Smokeball's
// winning values are written as the integration's own write (no push is queued back), CaseHug's winning
// edits stay pending for the push, and every conflict is kept. Used by webhook processing and by the push
// job (which reads the record before it writes), so both apply the same rules.
import type { Sql, Tx } from '../../db/sql.ts';
import { AppError } from '../../errors.ts';
import {
  isPushRunning, type LinkedRecord, type RecordKind, recordConflicts, savePendingFields, withLinkedRecord, writeSmokeballValues,
} from '../../db/two-way.ts';
import { decideFields, type FieldPlan, type SmokeballSide } from './decide-fields.ts';

/**
 * `applied`: CaseHug took something (a value or Smokeball's newer version); `stale`: nothing newer;
 * `not_linked`: no record of the firm is linked to it; `apply_disabled`: the firm does not apply Smokeball's edits.
 */
export type InboundOutcome = 'applied' | 'stale' | 'not_linked' | 'apply_disabled';

export type InboundResult = { outcome: InboundOutcome; plan?: FieldPlan; record?: LinkedRecord };

/** Decides and writes, inside the record's transaction. */
export async function applyPlan(tx: Tx, firmId: string, record: LinkedRecord, side: SmokeballSide): Promise<InboundResult> {
  // With applying switched off nothing of Smokeball's is taken; CaseHug's edits are sent as they are.
  const plan = decideFields(record, side);
  if (record.applyFromSmokeball && plan.newer) await writeSmokeballValues(tx, firmId, record, plan.apply, side.version);
  if (JSON.stringify(plan.pending) !== JSON.stringify(record.pending)) await savePendingFields(tx, firmId, record, plan.pending);
  await recordConflicts(tx, firmId, record, plan.conflicts);
  const outcome = !record.applyFromSmokeball ? 'apply_disabled' : plan.newer ? 'applied' : 'stale';
  return { outcome, plan, record };
}

/** Applies one read of a Smokeball record to the CaseHug record linked to it. */
export async function applyFromSmokeball(
  sql: Sql,
  firmId: string,
  kind: RecordKind,
  link: { smokeballId: string } | { recordId: string },
  side: SmokeballSide,
): Promise<InboundResult> {
  return withLinkedRecord(sql, firmId, kind, link, async (tx, record) => {
    if (!record) return { outcome: 'not_linked' };
    return applyPlan(tx, firmId, record, side);
  });
}

/**
 * A webhook of a record whose push is running waits (409 sync_in_progress: the queue parks it briefly): the
 * push decided on its own read and is about to write, and applying a newer read in between would leave
 * the two sides apart once the push lands. After the push, the webhook's re-fetch sees the result.
 */
export async function waitForRunningPush(sql: Sql, firmId: string, kind: RecordKind, smokeballId: string): Promise<void> {
  if (await isPushRunning(sql, firmId, kind, smokeballId)) {
    throw new AppError({ code: 'sync_in_progress', status: 409, message: 'A change of this record is being sent to Smokeball; this update is applied after it' });
  }
}
