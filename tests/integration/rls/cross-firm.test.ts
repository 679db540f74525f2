// A member of firm A cannot attach firm B's rows to firm A's, nor move a row to
// firm B — on insert and on update. Policies' WITH CHECK stop writes into a firm the user is not in;
// composite foreign keys `(firm_id, parent_id)` stop cross-firm links for every role, the service role
// and users who belong to both firms included; column grants keep `firm_id` immutable for users.
import { beforeAll, describe, expect, test } from 'vitest';
import {
  type Actor,
  type Tx,
  addMember,
  asActor,
  attempt,
  createClient,
  createDocument,
  createFirm,
  createMatter,
  createMember,
  createUser,
  newId,
} from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';

type Firm = { id: string; client: string; matter: string; document: string; subscription: string; job: string };

const sql = useSuperuserSql({ max: 1 });
let A: Firm;
let B: Firm;
let aMember: Actor;
let aAdmin: Actor;
/** Admin of A and member of B: passes both firms' policies, so only the foreign keys can stop them. */
let both: Actor;
const service: Actor = { role: 'service_role' };

async function createFirmWithRows(): Promise<Firm> {
  const firm = await createFirm(sql);
  const client = await createClient(sql, firm.id);
  const matter = await createMatter(sql, firm.id, client.id);
  const document = await createDocument(sql, firm.id, matter.id);
  const [subscription] = await sql`
    insert into public.webhook_subscriptions (firm_id, smokeball_subscription_id) values (${firm.id}, ${`sub-${newId()}`}) returning id`;
  const [job] = await sql`
    insert into public.sync_jobs (firm_id, kind, subject_id, trigger) values (${firm.id}, 'sync_matter', ${matter.id}, 'manual') returning id`;
  return { id: firm.id, client: client.id, matter: matter.id, document: document.id, subscription: subscription.id, job: job.id };
}

beforeAll(async () => {
  A = await createFirmWithRows();
  B = await createFirmWithRows();
  aMember = { role: 'authenticated', userId: (await createMember(sql, A.id, 'member')).id };
  aAdmin = { role: 'authenticated', userId: (await createMember(sql, A.id, 'admin')).id };
  const user = await createUser(sql);
  await addMember(sql, A.id, user.id, 'admin');
  await addMember(sql, B.id, user.id, 'member');
  both = { role: 'authenticated', userId: user.id };
});

/** Runs one statement as the actor (rolled back) and returns the Postgres error code, or 'ok'. */
async function outcome(actor: Actor, statement: (tx: Tx) => Promise<unknown>): Promise<string> {
  const result = await attempt(() => asActor(sql, actor, statement));
  return result.ok ? 'ok' : `${result.error.code} ${result.error.message}`;
}

const FK_VIOLATION = /^23503 insert or update on table "\w+" violates foreign key constraint "\w+_same_firm_fkey"/;
const RLS_VIOLATION = /^42501 new row violates row-level security policy for table/;
const NO_PRIVILEGE = /^42501 permission denied for table/;

describe('attaching firm B rows to firm A rows', () => {
  test('a member of A cannot insert an A matter for B’s client', async () => {
    expect(
      await outcome(aMember, (tx) => tx`
        insert into public.matters (firm_id, client_id, case_type, title) values (${A.id}, ${B.client}, 'will', 'x')`),
    ).toMatch(FK_VIOLATION);
  });

  test('a member of A cannot re-point an A matter at B’s client', async () => {
    expect(await outcome(aMember, (tx) => tx`update public.matters set client_id = ${B.client} where id = ${A.matter}`)).toMatch(FK_VIOLATION);
  });

  test('a member of A cannot insert an A document on B’s matter, nor move an A document to it', async () => {
    const path = `${A.id}/${B.matter}/x.pdf`;
    expect(
      await outcome(aMember, (tx) => tx`
        insert into public.documents (firm_id, matter_id, file_name, storage_path, size_bytes)
        values (${A.id}, ${B.matter}, 'x.pdf', ${path}, 1)`),
    ).toMatch(FK_VIOLATION);
    expect(await outcome(aMember, (tx) => tx`update public.documents set matter_id = ${B.matter} where id = ${A.document}`)).toMatch(FK_VIOLATION);
  });

  test('a user in both firms still cannot link across them', async () => {
    expect(
      await outcome(both, (tx) => tx`
        insert into public.matters (firm_id, client_id, case_type, title) values (${A.id}, ${B.client}, 'will', 'x')`),
    ).toMatch(FK_VIOLATION);
    expect(await outcome(both, (tx) => tx`update public.matters set client_id = ${B.client} where id = ${A.matter}`)).toMatch(FK_VIOLATION);
  });

  test('not even the service role can link a firm A row to a firm B row', async () => {
    expect(
      await outcome(service, (tx) => tx`
        insert into public.matters (firm_id, client_id, case_type, title) values (${A.id}, ${B.client}, 'will', 'x')`),
    ).toMatch(FK_VIOLATION);
    expect(await outcome(service, (tx) => tx`update public.matters set client_id = ${B.client} where id = ${A.matter}`)).toMatch(FK_VIOLATION);
    expect(await outcome(service, (tx) => tx`update public.documents set matter_id = ${B.matter} where id = ${A.document}`)).toMatch(FK_VIOLATION);
    expect(
      await outcome(service, (tx) => tx`insert into public.sync_runs (firm_id, matter_id, trigger) values (${A.id}, ${B.matter}, 'manual')`),
    ).toMatch(FK_VIOLATION);
    expect(
      await outcome(service, (tx) => tx`insert into public.sync_runs (firm_id, job_id, trigger) values (${A.id}, ${B.job}, 'manual')`),
    ).toMatch(FK_VIOLATION);
    expect(
      await outcome(service, (tx) => tx`
        insert into public.webhook_events (firm_id, fingerprint, subscription_id, event_type)
        values (${A.id}, ${`fp-${newId()}`}, ${B.subscription}, 'matter.updated')`),
    ).toMatch(FK_VIOLATION);
  });

  test('moving a matter to firm B (service role) fails while its documents stay in A', async () => {
    expect(await outcome(service, (tx) => tx`update public.matters set firm_id = ${B.id} where id = ${A.matter}`)).toMatch(
      /^23503 .* violates foreign key constraint "(matters_client_same_firm_fkey|documents_matter_same_firm_fkey)"/,
    );
  });

  test('a document cannot point at an object in another firm’s storage folder, whoever writes it', async () => {
    for (const actor of [aMember, service]) {
      expect(
        await outcome(actor, (tx) => tx`
          insert into public.documents (firm_id, matter_id, file_name, storage_path, size_bytes)
          values (${A.id}, ${A.matter}, 'x.pdf', ${`${B.id}/${B.matter}/x.pdf`}, 1)`),
      ).toMatch(/^23514 new row for relation "documents" violates check constraint "documents_storage_path_in_firm_folder"/);
    }
    expect(await outcome(service, (tx) => tx`update public.documents set storage_path = ${`${B.id}/x.pdf`} where id = ${A.document}`)).toMatch(
      /^23514 .*documents_storage_path_in_firm_folder/,
    );
  });
});

describe('writing rows into firm B (WITH CHECK)', () => {
  const inserts: [string, (tx: Tx) => Promise<unknown>][] = [
    ['clients', (tx) => tx`insert into public.clients (firm_id, first_name, last_name) values (${B.id}, 'x', 'y')`],
    ['matters', (tx) => tx`insert into public.matters (firm_id, client_id, case_type, title) values (${B.id}, ${B.client}, 'will', 'x')`],
    [
      'documents',
      (tx) => tx`
        insert into public.documents (firm_id, matter_id, file_name, storage_path, size_bytes)
        values (${B.id}, ${B.matter}, 'x.pdf', ${`${B.id}/${B.matter}/${newId()}.pdf`}, 1)`,
    ],
    ['case_type_mappings', (tx) => tx`insert into public.case_type_mappings (firm_id, case_type, matter_type_id) values (${B.id}, 'will', 'x_IL')`],
    ['firm_members', (tx) => tx`insert into public.firm_members (firm_id, user_id, role) values (${B.id}, ${(aAdmin as { userId: string }).userId}, 'admin')`],
  ];

  test.each(inserts)('a member of A cannot insert into firm B: %s', async (_table, insert) => {
    expect(await outcome(aMember, insert)).toMatch(RLS_VIOLATION);
    expect(await outcome(aAdmin, insert)).toMatch(RLS_VIOLATION);
  });

  test('an admin of A who is only a member of B cannot write B’s admin-only rows or make themselves B’s admin', async () => {
    expect(
      await outcome(both, (tx) => tx`insert into public.case_type_mappings (firm_id, case_type, matter_type_id) values (${B.id}, 'will', 'x_IL')`),
    ).toMatch(RLS_VIOLATION);
    const userId = (both as { userId: string }).userId;
    const [row] = await asActor(sql, both, async (tx) => {
      const updated = await tx`update public.firm_members set role = 'admin' where firm_id = ${B.id} and user_id = ${userId}`;
      const [member] = await tx`select role from public.firm_members where firm_id = ${B.id} and user_id = ${userId}`;
      return [{ updated: updated.count, role: member?.role }];
    });
    expect(row).toEqual({ updated: 0, role: 'member' });
  });

  const moves: [string, string, () => string][] = [
    ['clients', 'update public.clients set firm_id = $1 where id = $2', () => A.client],
    ['matters', 'update public.matters set firm_id = $1 where id = $2', () => A.matter],
    ['documents', 'update public.documents set firm_id = $1 where id = $2', () => A.document],
    ['firm_members', 'update public.firm_members set firm_id = $1 where user_id = $2', () => (aMember as { userId: string }).userId],
  ];
  test.each(moves)('no user can move a row of %s to firm B, not even one who belongs to both', async (_table, statement, id) => {
    for (const actor of [aMember, aAdmin, both]) {
      expect(await outcome(actor, (tx) => tx.unsafe(statement, [B.id, id()]))).toMatch(NO_PRIVILEGE);
    }
  });
});
