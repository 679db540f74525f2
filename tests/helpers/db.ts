// Database helpers for tests: a superuser connection, "run this as that role with these claims" inside a
// rolled-back transaction (as PostgREST and @supabase/server do it), and builders that create
// firms, users, members, clients, matters and documents with fresh random ids so test files can run in
// parallel against the one shared database.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

/** Who runs the SQL. `authenticated` carries the user id that `auth.uid()` returns. */
export type Actor =
  | { role: 'anon' }
  | { role: 'authenticated'; userId: string; email?: string }
  | { role: 'service_role' };

/** A superuser connection to the test database (the URL the global setup provides). */
export function connectAsSuperuser(options: { max?: number } = {}): Sql {
  return postgres(inject('dbUrl'), { max: options.max ?? 2, onnotice: () => undefined });
}

class Rollback extends Error {
  constructor(readonly value: unknown) {
    super('rollback');
  }
}

/**
 * Runs `fn` inside a transaction that is always rolled back. `setup` runs first as the superuser (in the
 * same transaction, so its changes are rolled back too); then the role and `request.jwt.claims` are set
 * locally, the way PostgREST does it, and `fn` runs as the actor.
 */
export async function asActor<T>(
  sql: Sql,
  actor: Actor,
  fn: (tx: Tx) => Promise<T>,
  setup?: (tx: Tx) => Promise<unknown>,
): Promise<T> {
  try {
    await sql.begin(async (tx) => {
      if (setup) await setup(tx);
      const claims =
        actor.role === 'authenticated'
          ? { sub: actor.userId, role: 'authenticated', aud: 'authenticated', email: actor.email ?? null }
          : { role: actor.role };
      await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
      // The role is an identifier, not a parameter; only these three literals ever reach it.
      await tx.unsafe(`set local role ${ROLE_SQL[actor.role]}`);
      throw new Rollback(await fn(tx));
    });
  } catch (error) {
    if (error instanceof Rollback) return error.value as T;
    throw error;
  }
  throw new Error('unreachable: the transaction always rolls back');
}

const ROLE_SQL = { anon: 'anon', authenticated: 'authenticated', service_role: 'service_role' } as const;

/** Postgres error fields a test asserts on; `undefined` when `fn` succeeded. */
export type PgFailure = { code: string; message: string };

/** Runs `fn`, returning its result or the Postgres error it raised (other errors are rethrown). */
export async function attempt<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: PgFailure }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (error instanceof postgres.PostgresError) return { ok: false, error: { code: error.code, message: error.message } };
    throw error;
  }
}

export const newId = (): string => randomUUID();

// ---------------------------------------------------------------------------------------------------
// Builders. They run as the caller of `sql` (the superuser) and commit, unless given a transaction.
// ---------------------------------------------------------------------------------------------------

export async function createUser(sql: Sql | Tx, fields: { id?: string; email?: string } = {}): Promise<{ id: string; email: string }> {
  const id = fields.id ?? newId();
  const email = fields.email ?? `user-${id}@test.casehug.test`;
  await sql`insert into auth.users (id, email) values (${id}, ${email})`;
  return { id, email };
}

export async function createFirm(
  sql: Sql | Tx,
  fields: { id?: string; name?: string; jurisdiction?: string } = {},
): Promise<{ id: string; name: string; jurisdiction: string }> {
  const id = fields.id ?? newId();
  const name = fields.name ?? `Firm ${id.slice(0, 8)}`;
  const jurisdiction = fields.jurisdiction ?? 'IL';
  await sql`insert into public.firms (id, name, jurisdiction) values (${id}, ${name}, ${jurisdiction})`;
  return { id, name, jurisdiction };
}

export async function addMember(sql: Sql | Tx, firmId: string, userId: string, role: 'admin' | 'member'): Promise<void> {
  await sql`insert into public.firm_members (firm_id, user_id, role) values (${firmId}, ${userId}, ${role})`;
}

/** A new user who belongs to `firmId` with `role`. */
export async function createMember(
  sql: Sql | Tx,
  firmId: string,
  role: 'admin' | 'member',
): Promise<{ id: string; email: string }> {
  const user = await createUser(sql);
  await addMember(sql, firmId, user.id, role);
  return user;
}

export async function createClient(
  sql: Sql | Tx,
  firmId: string,
  fields: { id?: string; firstName?: string; lastName?: string; email?: string | null; smokeballContactId?: string | null } = {},
): Promise<{ id: string; firmId: string }> {
  const id = fields.id ?? newId();
  await sql`
    insert into public.clients (id, firm_id, first_name, last_name, email, smokeball_contact_id)
    values (${id}, ${firmId}, ${fields.firstName ?? 'Test'}, ${fields.lastName ?? `Client ${id.slice(0, 8)}`},
            ${fields.email === undefined ? `client-${id}@example.com` : fields.email}, ${fields.smokeballContactId ?? null})`;
  return { id, firmId };
}

export async function createMatter(
  sql: Sql | Tx,
  firmId: string,
  clientId: string,
  fields: { id?: string; caseType?: string; title?: string; status?: 'open' | 'pending' | 'closed'; smokeballMatterId?: string | null } = {},
): Promise<{ id: string; firmId: string; clientId: string }> {
  const id = fields.id ?? newId();
  await sql`
    insert into public.matters (id, firm_id, client_id, case_type, title, status, smokeball_matter_id)
    values (${id}, ${firmId}, ${clientId}, ${fields.caseType ?? 'divorce_standard'}, ${fields.title ?? `Matter ${id.slice(0, 8)}`},
            ${fields.status ?? 'open'}, ${fields.smokeballMatterId ?? null})`;
  return { id, firmId, clientId };
}

export async function createDocument(
  sql: Sql | Tx,
  firmId: string,
  matterId: string,
  fields: { id?: string; status?: 'pending' | 'approved' | 'rejected'; fileName?: string; sizeBytes?: number; smokeballFileId?: string | null } = {},
): Promise<{ id: string; firmId: string; matterId: string; storagePath: string }> {
  const id = fields.id ?? newId();
  const fileName = fields.fileName ?? `document-${id.slice(0, 8)}.pdf`;
  const storagePath = `${firmId}/${matterId}/${fileName}`;
  const status = fields.status ?? 'pending';
  await sql`
    insert into public.documents (id, firm_id, matter_id, status, file_name, storage_bucket, storage_path, size_bytes,
                                  content_type, smokeball_file_id, approved_at)
    values (${id}, ${firmId}, ${matterId}, ${status}, ${fileName}, 'documents', ${storagePath}, ${fields.sizeBytes ?? 1024},
            'application/pdf', ${fields.smokeballFileId ?? null}, ${status === 'approved' ? new Date() : null})`;
  return { id, firmId, matterId, storagePath };
}
