// Per field, what two-way sync does with one read of a Smokeball record (docs/architecture.md §5 "Two-way
// sync"). Pure: the webhook processing and the push job both ask it, with the record locked, so they
// cannot decide differently.
//
// A field with no unpushed CaseHug edit takes Smokeball's value when Smokeball's version is newer than the
// one last applied. A field with an unpushed CaseHug edit (value, base = the value before it, CaseHug's
// time):
//   * Smokeball already holds the edited value → settled, nothing to send;
//   * Smokeball still holds the base (it did not change the field) → send CaseHug's value;
//   * Smokeball holds a third value: both sides changed it. The later change by each side's own clock
//     wins (Smokeball's `lastUpdated`/`versionId` ticks, CaseHug's `updated_at`; a tie goes to Smokeball,
//     where the record lives); the losing change is reported as a conflict. When CaseHug wins, its
//     edit's base becomes Smokeball's value, so the next read sees no conflict again.
// A value CaseHug sent and Smokeball accepted (`sent`) is not in Smokeball's reads at once (writes land
// asynchronously, docs/smokeball.md §8). Until its expiry, a read without it is too early: the field is
// neither overwritten in CaseHug nor sent again. Smokeball holding a value CaseHug sent earlier is not a
// change of Smokeball's either. After the expiry the rules above apply again (a write that never landed
// shows the base, and is sent again).
// With applying from Smokeball switched off, CaseHug's edits are sent whatever Smokeball holds.
import type { ConflictRecord, FieldValues, LinkedRecord, OwnedField, PendingFields } from '../../db/two-way.ts';
import { OWNED_FIELDS } from '../../db/two-way.ts';

export type SmokeballSide = {
  /** Smokeball's values in CaseHug's terms; undefined: Smokeball has nothing CaseHug can hold for it. */
  values: FieldValues;
  version: bigint;
  /** Smokeball's own time of its last change (Unix ms). */
  changedAtMs: number;
};

export type FieldPlan = {
  /** Smokeball's values to write into CaseHug. */
  apply: FieldValues;
  /** CaseHug's values to send, with the edit each one is (its changedAt). */
  push: Partial<Record<OwnedField, { value: string | null; changedAt: string }>>;
  /** What stays pending afterwards. */
  pending: PendingFields;
  conflicts: ConflictRecord[];
  /** Smokeball's version is newer than the one last applied. */
  newer: boolean;
};

/** Fields that are never cleared from Smokeball: CaseHug requires them, or an empty value there is "unset". */
const KEEP_WHEN_EMPTY: ReadonlySet<OwnedField> = new Set(['first_name', 'last_name', 'email', 'phone', 'title', 'status']);

/** Whether two values of a field say the same (case of an email, punctuation of a phone, blank = unset). */
export function sameValue(field: OwnedField, a: string | null | undefined, b: string | null | undefined): boolean {
  return normalise(field, a) === normalise(field, b);
}

function normalise(field: OwnedField, v: string | null | undefined): string {
  const text = (v ?? '').trim();
  if (field === 'email' || field === 'status') return text.toLowerCase();
  if (field === 'phone') return text.replace(/\D/g, '');
  return text;
}

export function decideFields(
  record: Pick<LinkedRecord, 'kind' | 'values' | 'pending' | 'smokeballVersion' | 'applyFromSmokeball'>,
  smokeball: SmokeballSide,
  nowMs: number = Date.now(),
): FieldPlan {
  const newer = record.smokeballVersion === null || smokeball.version > record.smokeballVersion;
  const plan: FieldPlan = { apply: {}, push: {}, pending: { ...record.pending }, conflicts: [], newer };
  for (const field of OWNED_FIELDS[record.kind] as readonly OwnedField[]) {
    const theirs = smokeball.values[field];
    const usable = theirs !== undefined && !(KEEP_WHEN_EMPTY.has(field) && (theirs ?? '').trim() === '');
    const edit = record.pending[field];
    if (!edit) {
      if (record.applyFromSmokeball && newer && usable && !sameValue(field, theirs, record.values[field])) plan.apply[field] = theirs;
      continue;
    }
    if (usable && sameValue(field, theirs, edit.value)) {
      delete plan.pending[field];
      continue;
    }
    const sent = edit.sent;
    if (sent && sameValue(field, sent.value, edit.value) && nowMs < Date.parse(sent.until)) continue;
    // A read no newer than what was last applied shows nothing CaseHug has not already weighed.
    const ours = sameValue(field, theirs, edit.base) || (sent !== undefined && sameValue(field, theirs, sent.value));
    const theyChanged = newer && usable && !ours;
    if (!record.applyFromSmokeball || !theyChanged) {
      plan.push[field] = { value: edit.value, changedAt: edit.changedAt };
      continue;
    }
    const conflict = {
      field,
      casehugValue: edit.value,
      smokeballValue: theirs ?? null,
      casehugChangedAt: edit.changedAt,
      smokeballChangedAt: new Date(smokeball.changedAtMs),
      smokeballVersion: smokeball.version,
    };
    if (Date.parse(edit.changedAt) > smokeball.changedAtMs) {
      plan.conflicts.push({ ...conflict, winner: 'casehug' });
      plan.pending[field] = { ...edit, base: theirs ?? null };
      plan.push[field] = { value: edit.value, changedAt: edit.changedAt };
    } else {
      plan.conflicts.push({ ...conflict, winner: 'smokeball' });
      delete plan.pending[field];
      plan.apply[field] = theirs;
    }
  }
  return plan;
}
