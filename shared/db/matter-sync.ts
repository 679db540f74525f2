// The SQL of a matter sync (docs/architecture.md §5): the matter with its client, firm and connection, the per-matter
// lease, the create-started marks and the link ids. Every statement is filtered by the verified firm.
import type { Sql } from './sql.ts';

export type SyncSubject = {
  matter: {
    id: string;
    caseType: string;
    caseNumber: string | null;
    title: string;
    description: string | null;
    status: 'open' | 'pending' | 'closed';
    smokeballMatterId: string | null;
    /** Age of the create-started mark by the database clock (the clock that set it); null when unset. */
    createStartedAgeMs: number | null;
  };
  client: {
    id: string;
    firstName: string;
    lastName: string;
    email: string | null;
    phone: string | null;
    smokeballContactId: string | null;
    createStartedAgeMs: number | null;
  };
  /** `firms.smokeball_jurisdiction` (`US-IL`, `AU-WA`), null while undecided. */
  jurisdiction: string | null;
  connection: { region: 'US' | 'AU' | 'UK'; status: 'connected' | 'needs_reauth'; accountId: string | null } | null;
};

export async function loadSyncSubject(sql: Sql, firmId: string, matterId: string): Promise<SyncSubject | undefined> {
  const [row] = await sql<Record<string, never>[]>`
    select m.id as m_id, m.case_type, m.case_number, m.title, m.description, m.status as m_status,
           m.smokeball_matter_id, (extract(epoch from now() - m.smokeball_create_started_at) * 1000)::float8 as m_started,
           c.id as c_id, c.first_name, c.last_name, c.email, c.phone, c.smokeball_contact_id,
           (extract(epoch from now() - c.smokeball_create_started_at) * 1000)::float8 as c_started,
           f.smokeball_jurisdiction as jurisdiction, sc.region, sc.status as sc_status, sc.account_id
    from public.matters m
    join public.clients c on c.firm_id = m.firm_id and c.id = m.client_id
    join public.firms f on f.id = m.firm_id
    -- A disconnected firm's row (kept for its auto_sync choice and account) is no connection.
    left join public.smokeball_connections sc on sc.firm_id = m.firm_id and sc.status <> 'disconnected'
    where m.firm_id = ${firmId} and m.id = ${matterId}`;
  if (!row) return undefined;
  const r = row as Record<string, any>;
  return {
    matter: {
      id: r.m_id, caseType: r.case_type, caseNumber: r.case_number, title: r.title, description: r.description,
      status: r.m_status, smokeballMatterId: r.smokeball_matter_id, createStartedAgeMs: r.m_started,
    },
    client: {
      id: r.c_id, firstName: r.first_name, lastName: r.last_name, email: r.email, phone: r.phone,
      smokeballContactId: r.smokeball_contact_id, createStartedAgeMs: r.c_started,
    },
    jurisdiction: r.jurisdiction,
    connection: r.region ? { region: r.region, status: r.sc_status, accountId: r.account_id } : null,
  };
}

export type DocumentToSync = {
  id: string;
  fileName: string;
  storageBucket: string;
  storagePath: string;
  sizeBytes: number;
  contentType: string;
  smokeballFileId: string | null;
  /** Age of the create-started mark by the database clock; null when unset. */
  createStartedAgeMs: number | null;
};

/** Every approved document of the matter, oldest approval first; those with a file id are done. */
export async function listApprovedDocuments(sql: Sql, firmId: string, matterId: string): Promise<DocumentToSync[]> {
  return sql<DocumentToSync[]>`
    select id, file_name as "fileName", storage_bucket as "storageBucket", storage_path as "storagePath",
           size_bytes::float8 as "sizeBytes", content_type as "contentType", smokeball_file_id as "smokeballFileId",
           (extract(epoch from now() - smokeball_create_started_at) * 1000)::float8 as "createStartedAgeMs"
    from public.documents
    where firm_id = ${firmId} and matter_id = ${matterId} and status = 'approved'
    order by approved_at nulls last, created_at, id`;
}

// ---- the lease --------------------------------------------------------------------------------------

/** Takes the matter's lease if it is free or expired; true when `holder` now holds it. */
export async function tryAcquireMatterLease(sql: Sql, firmId: string, matterId: string, holder: string, leaseMs: number): Promise<boolean> {
  const rows = await sql`
    insert into private.matter_sync_leases as l (matter_id, firm_id, holder, locked_until)
    values (${matterId}, ${firmId}, ${holder}, clock_timestamp() + make_interval(secs => ${leaseMs / 1000}))
    on conflict (matter_id) do update
      set holder = excluded.holder, locked_until = excluded.locked_until, acquired_at = now()
      where l.locked_until < clock_timestamp() or l.holder = excluded.holder
    returning holder`;
  return rows.length === 1;
}

/** Extends a held lease; false when it was lost (expired and taken by another holder). */
export async function renewMatterLease(sql: Sql, matterId: string, holder: string, leaseMs: number): Promise<boolean> {
  const rows = await sql`
    update private.matter_sync_leases set locked_until = clock_timestamp() + make_interval(secs => ${leaseMs / 1000})
    where matter_id = ${matterId} and holder = ${holder}
    returning matter_id`;
  return rows.length === 1;
}

export async function releaseMatterLease(sql: Sql, matterId: string, holder: string): Promise<void> {
  await sql`delete from private.matter_sync_leases where matter_id = ${matterId} and holder = ${holder}`;
}

// ---- create-started marks and links ----------------------------------------------------------------

export type ContactCreateClaim =
  | { claimed: true }
  /** Someone else got there: a link to use, or a create-started mark (its age) to wait out. */
  | { claimed: false; linkedContactId: string | null; markAgeMs: number | null };

/**
 * Sets the client's create-started mark, unless the same person (this client, or another client of the
 * firm with the same email) is linked already or has a mark younger than `windowMs`: then another sync is
 * creating that contact right now (or did moments ago), and this one must wait for it instead of sending a
 * second create. Matters and documents are serialised by the matter's lease; a client is shared by several
 * matters, so its create is claimed here. The check and the mark are one transaction under a
 * transaction-scoped advisory lock on the person's key (nothing held across Smokeball calls, and nothing
 * that outlives the transaction under the transaction pooler).
 */
export async function claimContactCreate(
  sql: Sql,
  firmId: string,
  client: { id: string; email: string | null },
  windowMs: number,
): Promise<ContactCreateClaim> {
  const email = client.email?.trim().toLowerCase() || null;
  const key = email ? `smokeball-contact-create:${firmId}:email:${email}` : `smokeball-contact-create:${firmId}:client:${client.id}`;
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
    const rows = await tx<{ id: string; link: string | null; age_ms: number | null }[]>`
      select id, smokeball_contact_id as link,
             (extract(epoch from now() - smokeball_create_started_at) * 1000)::float8 as age_ms
      from public.clients
      where firm_id = ${firmId} and (id = ${client.id} or (${email}::text is not null and lower(email) = ${email}))
      order by id = ${client.id} desc, smokeball_synced_at nulls last, id`;
    const linked = rows.find((r) => r.link !== null);
    if (linked) return { claimed: false as const, linkedContactId: linked.link, markAgeMs: null };
    const fresh = rows.filter((r) => r.age_ms !== null && r.age_ms < windowMs).map((r) => r.age_ms!);
    if (fresh.length > 0) return { claimed: false as const, linkedContactId: null, markAgeMs: Math.min(...fresh) };
    await tx`update public.clients set smokeball_create_started_at = now() where firm_id = ${firmId} and id = ${client.id}`;
    return { claimed: true as const };
  });
}

/** The contact this client is linked to now (another sync of the client may have stored it meanwhile). */
export async function readContactLink(sql: Sql, firmId: string, clientId: string): Promise<string | undefined> {
  const [row] = await sql<{ id: string | null }[]>`
    select smokeball_contact_id as id from public.clients where firm_id = ${firmId} and id = ${clientId}`;
  return row?.id ?? undefined;
}

export async function markMatterCreateStarted(sql: Sql, firmId: string, matterId: string): Promise<void> {
  await sql`update public.matters set smokeball_create_started_at = now() where firm_id = ${firmId} and id = ${matterId}`;
}

/** The create may still reach Smokeball (ambiguous failure, or still waiting to be sent): the consistency
 * window counts from now. */
export async function restampCreateStarted(sql: Sql, table: 'clients' | 'matters' | 'documents', firmId: string, id: string): Promise<void> {
  await sql`update ${sql('public.' + table)} set smokeball_create_started_at = now()
            where firm_id = ${firmId} and id = ${id} and smokeball_create_started_at is not null`;
}

/** Smokeball refused the create outright (createdNothing): no earlier attempt can exist, drop the mark. */
export async function clearCreateStarted(sql: Sql, table: 'clients' | 'matters' | 'documents', firmId: string, id: string): Promise<void> {
  await sql`update ${sql('public.' + table)} set smokeball_create_started_at = null where firm_id = ${firmId} and id = ${id}`;
}

export async function markDocumentCreateStarted(sql: Sql, firmId: string, documentId: string): Promise<void> {
  await sql`update public.documents set smokeball_create_started_at = now() where firm_id = ${firmId} and id = ${documentId}`;
}

/**
 * Links the client to the contact, unless another client of the firm holds that link already (links are
 * unique per firm: a contact belongs to one CaseHug client; a duplicate intake record uses it unlinked).
 */
export async function saveContactLink(sql: Sql, firmId: string, clientId: string, contactId: string): Promise<boolean> {
  const rows = await sql`
    update public.clients c
    set smokeball_contact_id = ${contactId}, smokeball_synced_at = now(), smokeball_create_started_at = null
    where c.firm_id = ${firmId} and c.id = ${clientId}
      -- The first link stored wins: a concurrent sync that linked the client already is kept.
      and (c.smokeball_contact_id is null or c.smokeball_contact_id = ${contactId})
      and not exists (
        select 1 from public.clients o
        where o.firm_id = ${firmId} and o.smokeball_contact_id = ${contactId} and o.id <> ${clientId})
    returning c.id`;
  return rows.length === 1;
}

export async function saveMatterLink(sql: Sql, firmId: string, matterId: string, smokeballMatterId: string): Promise<void> {
  await sql`
    update public.matters
    set smokeball_matter_id = ${smokeballMatterId}, smokeball_synced_at = now(), smokeball_create_started_at = null
    where firm_id = ${firmId} and id = ${matterId}`;
}

export async function saveFileLink(sql: Sql, firmId: string, documentId: string, fileId: string): Promise<void> {
  await sql`
    update public.documents
    set smokeball_file_id = ${fileId}, smokeball_synced_at = now(), smokeball_create_started_at = null
    where firm_id = ${firmId} and id = ${documentId}`;
}

export async function touchMatterSynced(sql: Sql, firmId: string, matterId: string): Promise<void> {
  await sql`update public.matters set smokeball_synced_at = now() where firm_id = ${firmId} and id = ${matterId}`;
}

/** The Smokeball contact another client of the firm with the same email is already linked to. */
export async function findContactLinkedByEmail(sql: Sql, firmId: string, email: string): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`
    select smokeball_contact_id as id from public.clients
    where firm_id = ${firmId} and lower(email) = lower(${email}) and smokeball_contact_id is not null
    order by smokeball_synced_at nulls last, id
    limit 1`;
  return row?.id;
}
