// Exactly what Smokeball receives for a client and a matter: the simulator's stored contact and matter
// (what the POST bodies carried), field by field, not just that something was created. The simulator
// shows a person's unset phone objects as empty ones, as the real API does (docs/smokeball.md §2 "Get"),
// so "nothing else was sent" reads as: every other person field is empty.
import { describe, expect, test } from 'vitest';
import { CATALOG } from '../../../dev/smokeball-sim/catalog.ts';
import { createClient, createMatter } from '../../helpers/db.ts';
import { useConnectedFirm, useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { requestSync, settledSimAccount } from '../../helpers/sync.ts';
import { simApi } from '../../helpers/webhooks.ts';

const sql = useSuperuserSql();
const firm = useConnectedFirm(sql, { autoSync: false });

type Stored = Record<string, any>;

const isEmpty = (value: unknown): boolean =>
  value === undefined || value === null || value === '' || (typeof value === 'object' && Object.values(value as object).every(isEmpty));

/** The person's non-empty fields: what the create carried. */
function sentPerson(contact: Stored): Stored {
  return Object.fromEntries(Object.entries(contact.person as Stored).filter(([, value]) => !isEmpty(value)));
}

/** Syncs a new matter of a new client with `phone`; answers the contact and matter Smokeball holds. */
async function syncClient(fields: { firstName: string; lastName: string; email: string | null; phone: string | null }) {
  const client = await createClient(sql, firm.id, { firstName: fields.firstName, lastName: fields.lastName, email: fields.email });
  await sql`update public.clients set phone = ${fields.phone} where id = ${client.id}`;
  const matter = await createMatter(sql, firm.id, client.id, { caseType: 'child_custody', title: `Custody of the ${fields.lastName} children`, status: 'pending' });
  await sql`update public.matters set case_number = ${`CH-${matter.id.slice(0, 6)}`} where id = ${matter.id}`;
  const res = await requestSync(firm.memberToken, matter.id);
  expect(res.status).toBe(200);
  const run = await res.json();
  expect(run.status).toBe('succeeded');
  const account = await settledSimAccount(firm.username);
  const contact = account.contacts.find((c: Stored) => c.id === run.contact.id) as Stored;
  const stored = account.matters.find((m: Stored) => m.id === run.matter.id) as Stored;
  return { matter, contact, stored };
}

describe('a contact as Smokeball receives it', () => {
  test.each([
    { name: 'a US number at a US firm', phone: '(312) 555-0100', sent: { areaCode: '312', number: '555-0100' } },
    { name: 'a US number written with +1', phone: '+1 312-555-0199', sent: { areaCode: '312', number: '555-0199' } },
    { name: 'an Australian landline (country code kept)', phone: '+61 2 9999 9999', sent: { areaCode: '+61 2', number: '9999 9999' } },
    { name: 'an Australian mobile (no area code)', phone: '+61 412 345 678', sent: { areaCode: '+61', number: '412 345 678' } },
    { name: 'a UK London number', phone: '+44 20 7946 0958', sent: { areaCode: '+44 20', number: '7946 0958' } },
    { name: 'an unparseable number, as typed', phone: 'ext 42 (front desk)', sent: { areaCode: '', number: 'ext 42 (front desk)' } },
  ])('$name: first and last name, email and phone exactly', async ({ phone, sent }) => {
    const email = `Field.Exact+${Math.random().toString(36).slice(2, 8)}@Example.com`;
    const { contact } = await syncClient({ firstName: 'Ada', lastName: 'Lovelace', email, phone });
    expect(sentPerson(contact)).toEqual({ firstName: 'Ada', lastName: 'Lovelace', email, phone: sent });
    expect(contact.company ?? null).toBeNull();
  });

  test('a client without email or phone sends names only', async () => {
    const { contact } = await syncClient({ firstName: 'Grace', lastName: 'Hopper', email: null, phone: null });
    expect(sentPerson(contact)).toEqual({ firstName: 'Grace', lastName: 'Hopper' });
  });
});

describe('matching by email', () => {
  test('a company in Smokeball sharing the client email is never taken for the client: a person is created', async () => {
    const email = `shared-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const res = await simApi(sql, firm.id, 'POST', '/contacts', { company: { name: 'Acme Pty Ltd', email } });
    expect(res.status).toBe(202);
    const companyId = ((await res.json()) as { id: string }).id;
    // The company is searchable before the sync looks.
    await settledSimAccount(firm.username);
    const { contact } = await syncClient({ firstName: 'Ada', lastName: 'Byron', email, phone: null });
    expect(contact.id).not.toBe(companyId);
    expect(sentPerson(contact)).toEqual({ firstName: 'Ada', lastName: 'Byron', email });
  });
});

describe('a matter as Smokeball receives it', () => {
  test('title as description, case number, the client, the mapped matter type and the status', async () => {
    const { matter, contact, stored } = await syncClient({ firstName: 'Mary', lastName: 'Shelley', email: null, phone: null });
    const custodyIl = CATALOG.find((t) => t.location === 'IL' && t.name === 'Child Custody' && t.type === 0)!;
    expect({
      description: stored.description,
      number: stored.number,
      clientIds: stored.clients.map((c: Stored) => c.id),
      matterTypeId: stored.matterType.id,
      status: stored.status,
      externalSystemId: stored.externalSystemId,
      isLead: stored.isLead,
    }).toEqual({
      description: 'Custody of the Shelley children',
      number: `CH-${matter.id.slice(0, 6)}`,
      clientIds: [contact.id],
      matterTypeId: custodyIl.id,
      status: 'Pending',
      externalSystemId: `casehug:${matter.id}`,
      isLead: false,
    });
  });
});
