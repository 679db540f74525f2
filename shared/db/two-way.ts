// Two-way sync's SQL (docs/architecture.md §5 "Two-way sync"): a linked client or matter read and locked
// together with its pending CaseHug edits (private.smokeball_pending_pushes, written by the
// smokeball_enqueue_push trigger), Smokeball's values written to it as the integration's own write (the
// transaction-local `smokeball.applying_from_smokeball`, which that trigger ignores), and the conflicts
// (public.smokeball_sync_conflicts). Every statement is filtered by the verified firm id.
import { z } from 'zod';
import type { Sql, Tx } from './sql.ts';

export type RecordKind = 'contact' | 'matter';

/** The columns CaseHug owns and pushes, per kind (the trigger names the same). */
export const OWNED_FIELDS = {
  contact: ['first_name', 'last_name', 'email', 'phone'],
  matter: ['title', 'case_number', 'status'],
} as const;
export type OwnedField = (typeof OWNED_FIELDS)[RecordKind][number];
export type FieldValues = Partial<Record<OwnedField, string | null>>;

/**
 * A value of the field sent to Smokeball and accepted (202), not yet seen in a read of Smokeball: writes
 * there land asynchronously (docs/smokeball.md §8), so until `until` a read without it is too early, not
 * a change by Smokeball.
 */
export const SentValue = z.object({
  value: z.string().nullable(),
  // The push's sync_runs row: the webhook echoing its request says this write landed.
  runId: z.string().optional(),
  at: z.string().min(1),
  until: z.string().min(1),
});
export type SentValue = z.infer<typeof SentValue>;

/**
 * One CaseHug edit of a field Smokeball has not yet been seen to hold: its value, the value before it
 * (`base`), CaseHug's time, and what was last sent of it (`sent`, kept when a later edit replaces the value).
 */
export const PendingField = z.object({
  value: z.string().nullable(),
  base: z.string().nullable(),
  // Kept as Postgres wrote it, so "this exact edit" can be matched again when it is cleared.
  changedAt: z.string().min(1),
  sent: SentValue.optional(),
});
export type PendingField = z.infer<typeof PendingField>;
const PendingFields = z.record(z.string(), PendingField);
export type PendingFields = Partial<Record<OwnedField, PendingField>>;

export type LinkedRecord = {
  kind: RecordKind;
  id: string;
  smokeballId: string;
  values: FieldValues;
  /** Smokeball's version last applied (ticks), null when none was. */
  smokeballVersion: bigint | null;
  pending: PendingFields;
  pushToSmokeball: boolean;
  applyFromSmokeball: boolean;
};

type Row = {
  id: string;
  smokeballId: string;
  values: Record<string, string | null>;
  smokeballVersion: string | null;
  pushToSmokeball: boolean | null;
  applyFromSmokeball: boolean | null;
};

/**
 * Runs `fn` in a transaction holding the record's row lock (a webhook and a push of the same record take
 * turns), with the record as it is now. `record` is undefined when no row of the firm is linked to it.
 */
export async function withLinkedRecord<T>(
  sql: Sql,
  firmId: string,
  kind: RecordKind,
  by: { smokeballId: string } | { recordId: string },
  fn: (tx: Tx, record: LinkedRecord | undefined) => Promise<T>,
): Promise<T> {
  return (await sql.begin(async (tx) => {
    const smokeballId = 'smokeballId' in by ? by.smokeballId : null;
    const recordId = 'recordId' in by ? by.recordId : null;
    const rows = kind === 'contact'
      ? await tx<Row[]>`
          select r.id, r.smokeball_contact_id as "smokeballId", r.smokeball_version::text as "smokeballVersion",
                 jsonb_build_object('first_name', r.first_name, 'last_name', r.last_name, 'email', r.email, 'phone', r.phone) as values
          from public.clients r
          where r.firm_id = ${firmId} and r.smokeball_contact_id is not null
            and (r.smokeball_contact_id = ${smokeballId} or r.id = ${recordId}::uuid)
          for update of r`
      : await tx<Row[]>`
          select r.id, r.smokeball_matter_id as "smokeballId", r.smokeball_version::text as "smokeballVersion",
                 jsonb_build_object('title', r.title, 'case_number', r.case_number, 'status', r.status) as values
          from public.matters r
          where r.firm_id = ${firmId} and r.smokeball_matter_id is not null
            and (r.smokeball_matter_id = ${smokeballId} or r.id = ${recordId}::uuid)
          for update of r`;
    const [row] = rows;
    if (!row) return fn(tx, undefined);
    const [pending] = await tx<{ fields: unknown }[]>`
      select fields from private.smokeball_pending_pushes
      where firm_id = ${firmId} and record_kind = ${kind} and record_id = ${row.id}
      for update`;
    const [switches] = await tx<Pick<Row, 'pushToSmokeball' | 'applyFromSmokeball'>[]>`
      select push_to_smokeball as "pushToSmokeball", apply_from_smokeball as "applyFromSmokeball"
      from public.smokeball_connections where firm_id = ${firmId}`;
    return fn(tx, {
      kind,
      id: row.id,
      smokeballId: row.smokeballId,
      values: row.values as FieldValues,
      smokeballVersion: row.smokeballVersion === null ? null : BigInt(row.smokeballVersion),
      pending: PendingFields.parse(pending?.fields ?? {}) as PendingFields,
      pushToSmokeball: switches?.pushToSmokeball ?? false,
      applyFromSmokeball: switches?.applyFromSmokeball ?? false,
    });
  })) as T;
}

/**
 * Writes Smokeball's values (only `values`' fields) and the version they came from, marked as the
 * integration's own write so no push is queued back. The version only moves forward.
 */
export async function writeSmokeballValues(
  tx: Tx,
  firmId: string,
  record: Pick<LinkedRecord, 'kind' | 'id'>,
  values: FieldValues,
  version: bigint,
): Promise<void> {
  await tx`select set_config('smokeball.applying_from_smokeball', 'on', true)`;
  const columns = Object.keys(values) as OwnedField[];
  const set = { ...values, smokeball_synced_at: new Date() };
  const v = version.toString();
  if (record.kind === 'contact') {
    await tx`
      update public.clients set ${tx(set, ...columns, 'smokeball_synced_at')},
        smokeball_version = greatest(coalesce(smokeball_version, 0), ${v}::bigint)
      where firm_id = ${firmId} and id = ${record.id}`;
  } else {
    await tx`
      update public.matters set ${tx(set, ...columns, 'smokeball_synced_at')},
        smokeball_version = greatest(coalesce(smokeball_version, 0), ${v}::bigint)
      where firm_id = ${firmId} and id = ${record.id}`;
  }
  await tx`select set_config('smokeball.applying_from_smokeball', '', true)`;
}

/** Replaces the record's pending fields (none left: the row goes). */
export async function savePendingFields(tx: Tx, firmId: string, record: Pick<LinkedRecord, 'kind' | 'id'>, pending: PendingFields): Promise<void> {
  if (Object.keys(pending).length === 0) {
    await tx`delete from private.smokeball_pending_pushes
             where firm_id = ${firmId} and record_kind = ${record.kind} and record_id = ${record.id}`;
    return;
  }
  await tx`update private.smokeball_pending_pushes set fields = ${tx.json(pending as never)}
           where firm_id = ${firmId} and record_kind = ${record.kind} and record_id = ${record.id}`;
}

/** How long an accepted write may take to show in Smokeball's reads before it is treated as not landed. */
export const SENT_HOLD_MS = 5 * 60_000;

/**
 * After a push was accepted (202): the pushed fields stay pending, marked as sent with the value sent and
 * an expiry, until a read of Smokeball shows the value (decide-fields.ts settles them then). The record's
 * row is locked before its pending row, in the order an edit's trigger and withLinkedRecord take them.
 */
export async function markFieldsSent(
  sql: Sql,
  firmId: string,
  record: Pick<LinkedRecord, 'kind' | 'id'>,
  sent: Partial<Record<OwnedField, string | null>>,
  nowMs: number,
  runId: string,
): Promise<void> {
  await withLinkedRecord(sql, firmId, record.kind, { recordId: record.id }, async (tx, current) => {
    if (!current) return;
    const pending = { ...current.pending };
    const marker = { runId, at: new Date(nowMs).toISOString(), until: new Date(nowMs + SENT_HOLD_MS).toISOString() };
    for (const [field, value] of Object.entries(sent) as [OwnedField, string | null][]) {
      const edit = pending[field];
      // Settled meanwhile (a read already showed it): nothing to wait for.
      if (edit) pending[field] = { ...edit, sent: { value, ...marker } };
    }
    await savePendingFields(tx, firmId, current, pending);
    await touchSyncedAt(tx, firmId, current);
  });
}

/**
 * A push Smokeball refused for good (400): those exact edits (same `changedAt`) leave pending, so later
 * edits of the record are not merged into a value Smokeball will never take; a field edited again
 * meanwhile stays for the next push. Same lock order as markFieldsSent.
 */
export async function dropRefusedFields(
  sql: Sql,
  firmId: string,
  record: Pick<LinkedRecord, 'kind' | 'id'>,
  refused: Partial<Record<OwnedField, string>>,
): Promise<void> {
  await withLinkedRecord(sql, firmId, record.kind, { recordId: record.id }, async (tx, current) => {
    if (!current) return;
    const pending = { ...current.pending };
    for (const [field, changedAt] of Object.entries(refused) as [OwnedField, string][]) {
      if (pending[field]?.changedAt === changedAt) delete pending[field];
    }
    await savePendingFields(tx, firmId, current, pending);
  });
}

/**
 * The webhook echoing one of our pushes (its RequestId is in the push's run): that write has landed, so
 * the fields it sent, unless edited again since, are settled without a read.
 */
export async function settleLandedPush(sql: Sql, firmId: string, kind: RecordKind, smokeballId: string, requestId: string): Promise<void> {
  const [run] = await sql<{ id: string }[]>`
    select id from public.sync_runs where firm_id = ${firmId} and request_ids @> array[${requestId}]::text[] limit 1`;
  if (!run) return;
  await withLinkedRecord(sql, firmId, kind, { smokeballId }, async (tx, record) => {
    if (!record) return;
    const pending = { ...record.pending };
    for (const [field, edit] of Object.entries(pending) as [OwnedField, PendingField][]) {
      if (edit.sent?.runId === run.id && edit.sent.value === edit.value) delete pending[field];
    }
    if (Object.keys(pending).length !== Object.keys(record.pending).length) await savePendingFields(tx, firmId, record, pending);
  });
}

async function touchSyncedAt(tx: Tx, firmId: string, record: Pick<LinkedRecord, 'kind' | 'id'>): Promise<void> {
  if (record.kind === 'contact') {
    await tx`update public.clients set smokeball_synced_at = now() where firm_id = ${firmId} and id = ${record.id}`;
  } else {
    await tx`update public.matters set smokeball_synced_at = now() where firm_id = ${firmId} and id = ${record.id}`;
  }
}

export type ConflictRecord = {
  field: OwnedField;
  winner: 'casehug' | 'smokeball';
  casehugValue: string | null;
  smokeballValue: string | null;
  casehugChangedAt: string;
  smokeballChangedAt: Date;
  smokeballVersion: bigint;
};

/** Keeps the conflicts (once each: the webhook and the push may both see the same one). */
export async function recordConflicts(
  tx: Tx,
  firmId: string,
  record: Pick<LinkedRecord, 'kind' | 'id' | 'smokeballId'>,
  conflicts: ConflictRecord[],
): Promise<number> {
  let recorded = 0;
  for (const c of conflicts) {
    const rows = await tx`
      insert into public.smokeball_sync_conflicts (firm_id, record_kind, record_id, smokeball_id, field, winner,
        casehug_value, smokeball_value, casehug_changed_at, smokeball_changed_at, smokeball_version)
      values (${firmId}, ${record.kind}, ${record.id}, ${record.smokeballId}, ${c.field}, ${c.winner},
        ${c.casehugValue}, ${c.smokeballValue}, ${c.casehugChangedAt}::timestamptz, ${c.smokeballChangedAt},
        ${c.smokeballVersion.toString()})
      on conflict on constraint smokeball_sync_conflicts_once_key do nothing
      returning id`;
    recorded += rows.length;
  }
  return recorded;
}

/** The pending edits of a record, read without a lock (a push job's first look). */
export async function hasPendingFields(sql: Sql, firmId: string, kind: RecordKind, recordId: string): Promise<boolean> {
  const rows = await sql`
    select 1 from private.smokeball_pending_pushes
    where firm_id = ${firmId} and record_kind = ${kind} and record_id = ${recordId} and fields <> '{}'::jsonb`;
  return rows.length > 0;
}

/** The firm's Smokeball jurisdiction (`US-IL`), null while undecided: a pushed phone is split in its country. */
export async function readFirmJurisdiction(sql: Sql, firmId: string): Promise<string | null> {
  const [row] = await sql<{ jurisdiction: string | null }[]>`select smokeball_jurisdiction as jurisdiction from public.firms where id = ${firmId}`;
  return row?.jurisdiction ?? null;
}

/** Drops every pending edit of a record (its link is gone, or the firm stopped pushing). */
export async function dropPendingFields(sql: Sql, firmId: string, kind: RecordKind, recordId: string): Promise<void> {
  await sql`delete from private.smokeball_pending_pushes where firm_id = ${firmId} and record_kind = ${kind} and record_id = ${recordId}`;
}

/**
 * Whether a push of the CaseHug record linked to this Smokeball record is running under a live lease: its
 * read and its write are not one step, so a webhook of the record waits until the push has written.
 */
export async function isPushRunning(sql: Sql, firmId: string, kind: RecordKind, smokeballId: string): Promise<boolean> {
  const rows = kind === 'contact'
    ? await sql`
        select 1 from public.sync_jobs j join public.clients r on r.firm_id = j.firm_id and r.id = j.subject_id
        where j.firm_id = ${firmId} and j.kind = 'push_contact' and j.status = 'running' and j.locked_until >= now()
          and r.smokeball_contact_id = ${smokeballId}
        limit 1`
    : await sql`
        select 1 from public.sync_jobs j join public.matters r on r.firm_id = j.firm_id and r.id = j.subject_id
        where j.firm_id = ${firmId} and j.kind = 'push_matter' and j.status = 'running' and j.locked_until >= now()
          and r.smokeball_matter_id = ${smokeballId}
        limit 1`;
  return rows.length > 0;
}
