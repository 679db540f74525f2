// A Smokeball contact as a CaseHug client (the columns CaseHug owns: first and last name, email, phone),
// for an imported matter's clients. Values CaseHug's columns would refuse are left out rather than fail
// the import: an email that is not one address, a phone longer than the column.
import type { Contact } from '../../smokeball/schemas/contact.ts';
import type { ImportedClient } from '../../db/imports.ts';

const EMAIL = /^[^@\s]+@[^@\s]+$/;
const MAX_NAME = 200;
const MAX_PHONE = 50;

export function clientFieldsOf(contact: Contact): { fields: ImportedClient; note: string | null } {
  const p = contact.person;
  const email = p?.email?.trim() ?? '';
  const phone = p?.phone ? `${p.phone.areaCode ?? ''}${p.phone.number ?? ''}`.trim() : '';
  const fields: ImportedClient = {
    smokeballContactId: contact.id,
    version: contact.lastUpdated ?? 0n,
    firstName: (p?.firstName ?? '').trim().slice(0, MAX_NAME),
    // A company, trust or group has no person's names: the client is named for the contact until edited.
    lastName: (p?.lastName ?? '').trim().slice(0, MAX_NAME) || (p ? '' : `Smokeball contact ${contact.id.slice(0, 8)}`),
    email: EMAIL.test(email) ? email : null,
    phone: phone && phone.length <= MAX_PHONE ? phone : null,
  };
  const note = p ? null : `Smokeball contact ${contact.id} is not a person; the client was named for it`;
  return { fields, note };
}
