// Contact (DESIGN §5): the stored link, else the contact with the same email (a client of the firm
// already linked to it, or a search in Smokeball), else a new person.
// Existing Smokeball contacts are linked, never duplicated; an attempt that died after its create was
// accepted is found again by email (or by name + externalSystemId when the client has no email).
import type { Sql } from '../../db/connection.ts';
import { findContactLinkedByEmail, markContactCreateStarted, saveContactLink, type SyncSubject } from '../../db/matter-sync.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { Contact, PersonInput } from '../../smokeball/schemas/contact.ts';
import { lookupThroughConsistencyWindow } from './consistency.ts';
import type { RunRecorder } from './run-recorder.ts';

export type ContactAction = 'created' | 'linked' | 'existing';

export type EnsureContactDeps = {
  sql: Sql;
  client: SmokeballClient;
  recorder: RunRecorder;
  now(): number;
  sleep(ms: number): Promise<void>;
  consistencyWindowMs?: number;
};

export const contactExternalId = (clientId: string) => `casehug:client:${clientId}`;

export async function ensureContact(
  deps: EnsureContactDeps,
  firmId: string,
  subject: SyncSubject['client'],
): Promise<{ id: string; action: ContactAction }> {
  if (subject.smokeballContactId) {
    deps.recorder.step('contact', 'existing');
    return { id: subject.smokeballContactId, action: 'existing' };
  }
  // Another client of the firm with this email is linked already: the same person, possibly created in
  // Smokeball moments ago and not yet visible to a search (eventual consistency).
  const sibling = subject.email ? await findContactLinkedByEmail(deps.sql, firmId, subject.email.trim()) : undefined;
  if (sibling) {
    deps.recorder.step('contact', 'linked', 'same email as a linked client');
    return { id: sibling, action: 'linked' };
  }
  const find = () => findExistingContact(deps.client, subject);
  const found = subject.createStartedAgeMs === null ? await find() : await lookupThroughConsistencyWindow(deps, subject.createStartedAgeMs, find);
  if (found) {
    await saveContactLink(deps.sql, firmId, subject.id, found.id);
    deps.recorder.step('contact', 'linked');
    return { id: found.id, action: 'linked' };
  }
  await markContactCreateStarted(deps.sql, firmId, subject.id);
  const { data } = await deps.client.contacts.createPerson(personFrom(subject), { externalSystemId: contactExternalId(subject.id) });
  await saveContactLink(deps.sql, firmId, subject.id, data.id);
  deps.recorder.step('contact', 'created');
  return { id: data.id, action: 'created' };
}

/** The oldest live contact whose email is the client's (search is case-insensitive; we re-check exactly). */
async function findExistingContact(client: SmokeballClient, subject: SyncSubject['client']): Promise<Contact | undefined> {
  if (subject.email) {
    const wanted = subject.email.trim().toLowerCase();
    const { data } = await client.contacts.searchByEmail(subject.email.trim());
    return data
      .filter((c) => !c.isDeleted)
      .filter((c) => [c.person?.email, c.company?.email].some((e) => e?.trim().toLowerCase() === wanted))
      .sort((a, b) => compareTicks(a.lastUpdated, b.lastUpdated))[0];
  }
  // Without an email there is nothing to deduplicate on; only our own earlier create is looked for.
  const { data } = await client.contacts.searchByName(`${subject.firstName} ${subject.lastName}`);
  return data.find((c) => !c.isDeleted && c.externalSystemId === contactExternalId(subject.id));
}

function compareTicks(a?: bigint | null, b?: bigint | null): number {
  return a === b ? 0 : (a ?? 0n) < (b ?? 0n) ? -1 : 1;
}

/** First and last name, email, phone (DESIGN §1); a phone of 10 digits is split into area code and number. */
export function personFrom(subject: SyncSubject['client']): PersonInput {
  const person: PersonInput = { firstName: subject.firstName, lastName: subject.lastName };
  if (subject.email) person.email = subject.email.trim();
  const phone = subject.phone ? splitPhone(subject.phone) : undefined;
  if (phone) person.phone = phone;
  return person;
}

export function splitPhone(raw: string): { areaCode: string; number: string } | undefined {
  let digits = raw.replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
  if (digits.length === 0) return undefined;
  return digits.length === 10 ? { areaCode: digits.slice(0, 3), number: digits.slice(3) } : { areaCode: '', number: digits };
}
