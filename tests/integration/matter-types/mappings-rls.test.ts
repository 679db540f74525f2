// The write path of custom mappings: admins write them through PostgREST under RLS, members
// only read them, and nobody reaches another firm's. SQL as `authenticated` with request.jwt.claims in a
// rolled-back transaction, asserting exact row sets.
import { beforeAll, describe, expect, test } from 'vitest';
import { asActor, attempt, createFirm, createMember, type Tx } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';

const sql = useSuperuserSql();
let firmId: string;
let otherFirmId: string;
let admin: { id: string };
let member: { id: string };
let otherAdmin: { id: string };
beforeAll(async () => {
  firmId = (await createFirm(sql, { jurisdiction: 'CA' })).id;
  otherFirmId = (await createFirm(sql, { jurisdiction: 'TX' })).id;
  admin = await createMember(sql, firmId, 'admin');
  member = await createMember(sql, firmId, 'member');
  otherAdmin = await createMember(sql, otherFirmId, 'admin');
  await sql`insert into public.case_type_mappings (firm_id, case_type, matter_type_name) values (${otherFirmId}, 'child_custody', 'SAPCR - Conservatorship')`;
});

const RLS_VIOLATION = '42501';
const as = (userId: string) => ({ role: 'authenticated' as const, userId });

describe('case_type_mappings under RLS', () => {
  test('an admin inserts, updates and deletes a mapping of their firm, and sees exactly their rows', async () => {
    const rows = await asActor(sql, as(admin.id), async (tx) => {
      await tx`insert into public.case_type_mappings (firm_id, case_type, matter_type_name) values (${firmId}, 'nursing_home_abuse', 'Wrongful Death')`;
      await tx`insert into public.case_type_mappings (firm_id, case_type, matter_type_id) values (${firmId}, 'daca', 'x_CA')`;
      await tx`update public.case_type_mappings set matter_type_id = null, matter_type_name = 'Asylum' where firm_id = ${firmId} and case_type = 'daca'`;
      await tx`delete from public.case_type_mappings where firm_id = ${firmId} and case_type = 'nursing_home_abuse'`;
      return tx`select firm_id, case_type, matter_type_id, matter_type_name from public.case_type_mappings order by case_type`;
    });
    expect(rows).toEqual([{ firm_id: firmId, case_type: 'daca', matter_type_id: null, matter_type_name: 'Asylum' }]);
  });

  test('a member reads the firm\'s mappings but cannot write one', async () => {
    const seed = (tx: Tx) =>
      tx`insert into public.case_type_mappings (firm_id, case_type, matter_type_name) values (${firmId}, 'probate', 'Estate Administration')`;
    const read = await asActor(sql, as(member.id), (tx) => tx`select case_type from public.case_type_mappings`, seed);
    expect(read).toEqual([{ case_type: 'probate' }]);

    const insert = await asActor(sql, as(member.id), (tx) =>
      attempt(() => tx`insert into public.case_type_mappings (firm_id, case_type, matter_type_name) values (${firmId}, 'will', 'Wills')`),
    );
    expect(insert).toMatchObject({ ok: false, error: { code: RLS_VIOLATION } });

    // RLS hides the rows from an update or delete it does not allow: zero rows change.
    const changed = await asActor(
      sql,
      as(member.id),
      async (tx) => {
        const updated = await tx`update public.case_type_mappings set matter_type_name = 'Other' where firm_id = ${firmId}`;
        const deleted = await tx`delete from public.case_type_mappings where firm_id = ${firmId}`;
        return { updated: updated.count, deleted: deleted.count };
      },
      seed,
    );
    expect(changed).toEqual({ updated: 0, deleted: 0 });
  });

  test("an admin of another firm can neither write nor see this firm's mappings", async () => {
    const insert = await asActor(sql, as(otherAdmin.id), (tx) =>
      attempt(() => tx`insert into public.case_type_mappings (firm_id, case_type, matter_type_name) values (${firmId}, 'will', 'Will')`),
    );
    expect(insert).toMatchObject({ ok: false, error: { code: RLS_VIOLATION } });

    const moved = await asActor(sql, as(otherAdmin.id), (tx) =>
      attempt(() => tx`update public.case_type_mappings set firm_id = ${firmId} where firm_id = ${otherFirmId}`),
    );
    // Moving a row to another firm fails the policy's WITH CHECK (firm_id is not even an updatable column).
    expect(moved.ok).toBe(false);

    const seen = await asActor(sql, as(otherAdmin.id), (tx) => tx`select firm_id, case_type from public.case_type_mappings`);
    expect(seen).toEqual([{ firm_id: otherFirmId, case_type: 'child_custody' }]);
  });

  test('anon has no access at all', async () => {
    const read = await asActor(sql, { role: 'anon' }, (tx) => attempt(() => tx`select 1 from public.case_type_mappings`));
    expect(read).toMatchObject({ ok: false, error: { code: '42501' } });
  });

  test('a mapping must name exactly one target: an id or a name', async () => {
    const both = await asActor(sql, as(admin.id), (tx) =>
      attempt(() => tx`insert into public.case_type_mappings (firm_id, case_type, matter_type_id, matter_type_name) values (${firmId}, 'will', 'x_CA', 'Will')`),
    );
    expect(both).toMatchObject({ ok: false, error: { code: '23514' } });
  });
});
