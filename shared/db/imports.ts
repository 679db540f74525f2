// Importing Smokeball matters (public.smokeball_imports, the import_matter jobs, and the CaseHug clients and
// matters an import creates). Exactly once rests on the link columns' unique keys per firm
// (smokeball_clients_firm_id_contact_id_key, smokeball_matters_firm_id_matter_id_key): every insert of a
// linked row is `on conflict … do nothing`, then the row that holds the link is read back, so retries and
// concurrent imports of the same Smokeball record all end on the one CaseHug row.
import type { ImportProgress } from '../api/functions.ts';
import { findLinkedMatter } from './links.ts';
import type { Sql, Tx } from './sql.ts';

export type ImportRow = {
  id: string;
  firmId: string;
  batchId: string;
  smokeballMatterId: string;
  status: 'queued' | 'imported' | 'linked' | 'failed';
  matterId: string | null;
};

/** One import row and one queued import_matter job per Smokeball matter, in one transaction. */
export async function enqueueImports(
  sql: Sql,
  batch: { firmId: string; batchId: string; requestedBy: string; smokeballMatterIds: string[] },
): Promise<number> {
  if (batch.smokeballMatterIds.length === 0) return 0;
  return sql.begin(async (tx) => {
    const rows = await tx<{ id: string }[]>`
      insert into public.smokeball_imports (firm_id, batch_id, smokeball_matter_id, requested_by)
      select ${batch.firmId}, ${batch.batchId}, m.id, ${batch.requestedBy}
      from unnest(${batch.smokeballMatterIds}::text[]) as m(id)
      on conflict on constraint smokeball_imports_batch_matter_key do nothing
      returning id`;
    if (rows.length === 0) return 0;
    // Trigger 'bulk': the lowest class of the shared limit and of the firm's claim order.
    await tx`
      insert into public.sync_jobs (firm_id, kind, subject_id, trigger, batch_id, requested_by)
      select ${batch.firmId}, 'import_matter', i.id, 'bulk', ${batch.batchId}, ${batch.requestedBy}
      from unnest(${rows.map((r) => r.id)}::uuid[]) as i(id)`;
    return rows.length;
  });
}

export async function loadImport(sql: Sql, firmId: string, importId: string): Promise<ImportRow | undefined> {
  const [row] = await sql<ImportRow[]>`
    select id, firm_id as "firmId", batch_id as "batchId", smokeball_matter_id as "smokeballMatterId", status, matter_id as "matterId"
    from public.smokeball_imports where firm_id = ${firmId} and id = ${importId}`;
  return row;
}

export type ImportedClient = {
  smokeballContactId: string;
  version: bigint;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
};

/**
 * The CaseHug client linked to this Smokeball contact: created (and linked) if none is, else the one that
 * is. `created` says which. Concurrent calls for one contact end on one row (the link's unique key).
 */
export async function ensureLinkedClient(tx: Tx, firmId: string, c: ImportedClient): Promise<{ id: string; created: boolean }> {
  const [inserted] = await tx<{ id: string }[]>`
    insert into public.clients (firm_id, first_name, last_name, email, phone, smokeball_contact_id, smokeball_version, smokeball_synced_at)
    values (${firmId}, ${c.firstName}, ${c.lastName}, ${c.email}, ${c.phone}, ${c.smokeballContactId}, ${c.version.toString()}::bigint, now())
    on conflict on constraint smokeball_clients_firm_id_contact_id_key do nothing
    returning id`;
  if (inserted) return { id: inserted.id, created: true };
  const [existing] = await tx<{ id: string }[]>`
    select id from public.clients where firm_id = ${firmId} and smokeball_contact_id = ${c.smokeballContactId}`;
  if (!existing) throw new Error('a client linked to the contact was neither inserted nor found');
  return { id: existing.id, created: false };
}

/**
 * Links the firm's client `clientId` to this Smokeball contact, which CaseHug's sync created for it (the
 * contact's externalSystemId names the client), unless the client is linked to another contact or another
 * client of the firm holds this one. The row must be the firm's: an id of another firm matches nothing.
 * Returns the client's id when it holds the link.
 */
export async function linkOwnClient(tx: Tx, firmId: string, clientId: string, c: { smokeballContactId: string; version: bigint }): Promise<string | undefined> {
  const [row] = await tx<{ id: string }[]>`
    update public.clients c
    set smokeball_contact_id = ${c.smokeballContactId}, smokeball_version = greatest(c.smokeball_version, ${c.version.toString()}::bigint),
        smokeball_synced_at = now(), smokeball_create_started_at = null
    where c.firm_id = ${firmId} and c.id = ${clientId}
      and (c.smokeball_contact_id is null or c.smokeball_contact_id = ${c.smokeballContactId})
      and not exists (
        select 1 from public.clients o
        where o.firm_id = ${firmId} and o.smokeball_contact_id = ${c.smokeballContactId} and o.id <> ${clientId})
    returning c.id`;
  return row?.id;
}

/** As linkOwnClient, for the firm's matter `matterId` and the Smokeball matter its sync created. */
export async function linkOwnMatter(tx: Tx, firmId: string, matterId: string, m: { smokeballMatterId: string; version: bigint }): Promise<string | undefined> {
  const [row] = await tx<{ id: string }[]>`
    update public.matters m
    set smokeball_matter_id = ${m.smokeballMatterId}, smokeball_version = greatest(m.smokeball_version, ${m.version.toString()}::bigint),
        smokeball_synced_at = now(), smokeball_create_started_at = null
    where m.firm_id = ${firmId} and m.id = ${matterId}
      and (m.smokeball_matter_id is null or m.smokeball_matter_id = ${m.smokeballMatterId})
      and not exists (
        select 1 from public.matters o
        where o.firm_id = ${firmId} and o.smokeball_matter_id = ${m.smokeballMatterId} and o.id <> ${matterId})
    returning m.id`;
  return row?.id;
}

export type ImportedMatter = {
  smokeballMatterId: string;
  version: bigint;
  clientId: string;
  caseType: string | null;
  caseNumber: string | null;
  title: string;
  status: 'open' | 'pending' | 'closed';
};

/** The CaseHug matter for this Smokeball matter: created and linked, or the one already linked. */
export async function ensureLinkedMatter(tx: Tx, firmId: string, m: ImportedMatter): Promise<{ id: string; created: boolean }> {
  const [inserted] = await tx<{ id: string }[]>`
    insert into public.matters (firm_id, client_id, case_type, case_number, title, status, smokeball_matter_id, smokeball_version, smokeball_synced_at)
    values (${firmId}, ${m.clientId}, ${m.caseType}, ${m.caseNumber}, ${m.title}, ${m.status}, ${m.smokeballMatterId},
            ${m.version.toString()}::bigint, now())
    on conflict on constraint smokeball_matters_firm_id_matter_id_key do nothing
    returning id`;
  if (inserted) return { id: inserted.id, created: true };
  const id = await findLinkedMatter(tx, firmId, m.smokeballMatterId);
  if (!id) throw new Error('a matter linked to the Smokeball matter was neither inserted nor found');
  return { id, created: false };
}

export async function finishImport(
  sql: Sql | Tx,
  firmId: string,
  importId: string,
  result: { status: 'imported' | 'linked' | 'failed'; matterId: string | null; caseType: string | null; note: string | null },
): Promise<void> {
  await sql`
    update public.smokeball_imports
    set status = ${result.status}, matter_id = ${result.matterId}, case_type = ${result.caseType}, note = ${result.note?.slice(0, 1000) ?? null}
    where firm_id = ${firmId} and id = ${importId}`;
}

/** An import batch's progress: its jobs (sync_batches) and what became of its matters. */
export async function readImportProgress(sql: Sql, firmId: string, batchId: string): Promise<Omit<ImportProgress, 'batchId'> | undefined> {
  const [row] = await sql<Omit<ImportProgress, 'batchId'>[]>`
    select b.total, b.done, b.failed, b.superseded, b.remaining,
           (select count(*)::int from public.smokeball_imports i where i.firm_id = ${firmId} and i.batch_id = ${batchId} and i.status = 'imported') as imported,
           (select count(*)::int from public.smokeball_imports i where i.firm_id = ${firmId} and i.batch_id = ${batchId} and i.status = 'linked') as linked
    from public.sync_batches b
    where b.firm_id = ${firmId} and b.batch_id = ${batchId}
      and exists (select 1 from public.smokeball_imports i where i.firm_id = ${firmId} and i.batch_id = ${batchId})`;
  return row;
}

/** The history row of an import names the matter it created or found. */
export async function attachRunMatter(sql: Sql, firmId: string, runId: string, matterId: string): Promise<void> {
  await sql`update public.sync_runs set matter_id = ${matterId} where firm_id = ${firmId} and id = ${runId}`;
}
