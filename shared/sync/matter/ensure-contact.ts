// Contact (docs/architecture.md §5): the stored link, else the contact with the same email (a client of the firm
// already linked to it, or a search in Smokeball), else a new person.
// Existing Smokeball contacts are linked, never duplicated; an attempt that died after its create was
// accepted is found again by email (or by name + externalSystemId when the client has no email). One
// client serves several matters, whose syncs run side by side (the lease is per matter), so the create is
// claimed in the database first (claimContactCreate): a sync that loses the claim waits for the winner's
// link instead of sending a second create.
import { AppError } from '../../errors.ts';
import { claimContactCreate, findContactLinkedByEmail, readContactLink, saveContactLink, type SyncSubject } from '../../db/matter-sync.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { Contact, PersonInput } from '../../smokeball/schemas/contact.ts';
import type { CountryCode } from 'libphonenumber-js';
import { jurisdictionParts, type SmokeballJurisdiction } from '../../smokeball/jurisdiction.ts';
import { splitPhone } from './phone-parts.ts';
import { CONSISTENCY_WINDOW_MS, lookupThroughConsistencyWindow, sendMarkedCreate } from './consistency.ts';
import type { SyncStepDeps } from './run-recorder.ts';

export type ContactAction = 'created' | 'linked' | 'existing';


export const contactExternalId = (clientId: string) => `casehug:client:${clientId}`;

/**
 * Rounds of "look, then claim the create" before giving up: a claim is refused only while another sync's
 * create-started mark is younger than the consistency window, and each round waits that mark out, so a
 * second refusal means another sync claimed again in between (its create failed and it retried).
 */
const MAX_CLAIM_ROUNDS = 3;

export async function ensureContact(
  deps: SyncStepDeps,
  firmId: string,
  subject: SyncSubject['client'],
  phoneCountry: CountryCode,
): Promise<{ id: string; action: ContactAction }> {
  if (subject.smokeballContactId) {
    deps.recorder.step('contact', 'existing');
    return { id: subject.smokeballContactId, action: 'existing' };
  }
  const email = subject.email?.trim() || null;
  // Another client of the firm with this email is linked already: the same person, possibly created in
  // Smokeball moments ago and not yet visible to a search (eventual consistency).
  const sibling = email ? await findContactLinkedByEmail(deps.sql, firmId, email) : undefined;
  if (sibling) {
    deps.recorder.step('contact', 'linked', 'same email as a linked client');
    return { id: sibling, action: 'linked' };
  }
  // What another sync (of this client or of one with the same email) stored meanwhile, else Smokeball's.
  const find = async (): Promise<{ id: string; stored: boolean } | undefined> => {
    const stored = (await readContactLink(deps.sql, firmId, subject.id)) ?? (email ? await findContactLinkedByEmail(deps.sql, firmId, email) : undefined);
    if (stored) return { id: stored, stored: true };
    const found = await findExistingContact(deps.client, subject);
    return found ? { id: found.id, stored: false } : undefined;
  };
  const windowMs = deps.consistencyWindowMs ?? CONSISTENCY_WINDOW_MS;
  let markAgeMs = subject.createStartedAgeMs;
  for (let round = 1; ; round++) {
    const found = markAgeMs === null ? await find() : await lookupThroughConsistencyWindow(deps, markAgeMs, find);
    if (found) return linkFound(deps, firmId, subject.id, found);
    const claim = await claimContactCreate(deps.sql, firmId, { id: subject.id, email }, windowMs);
    if (claim.claimed) break;
    if (claim.linkedContactId) return linkFound(deps, firmId, subject.id, { id: claim.linkedContactId, stored: true });
    if (round >= MAX_CLAIM_ROUNDS) {
      throw new AppError({ code: 'sync_in_progress', status: 409, message: "This client's Smokeball contact is being created by another sync; try again in a minute" });
    }
    // Another sync is creating this person's contact now: wait for its link (or its contact) to appear.
    markAgeMs = claim.markAgeMs;
  }
  const { data } = await sendMarkedCreate(deps.sql, { table: 'clients', firmId, id: subject.id }, () =>
    deps.client.contacts.createPerson(personFrom(subject, phoneCountry), { externalSystemId: contactExternalId(subject.id) }));
  if (!(await saveContactLink(deps.sql, firmId, subject.id, data.id))) {
    // Another sync linked this client first (its create outlived our claim's window): keep its link.
    const stored = await readContactLink(deps.sql, firmId, subject.id);
    if (stored) {
      deps.recorder.step('contact', 'linked', 'linked by another sync while ours was being created');
      return { id: stored, action: 'linked' };
    }
  }
  deps.recorder.step('contact', 'created');
  return { id: data.id, action: 'created' };
}

async function linkFound(
  deps: SyncStepDeps,
  firmId: string,
  clientId: string,
  found: { id: string; stored: boolean },
): Promise<{ id: string; action: ContactAction }> {
  // A link found in the database is this client's own (stored by a concurrent sync) or another client's
  // with the same email, which keeps it: links are unique per firm (saveContactLink).
  if (!found.stored) await saveContactLink(deps.sql, firmId, clientId, found.id);
  deps.recorder.step('contact', 'linked', found.stored ? 'linked by another sync' : undefined);
  return { id: found.id, action: 'linked' };
}

/**
 * The oldest live person whose email is the client's (search is case-insensitive; we re-check exactly).
 * The search asks for persons only; a contact without `person` (staff, an organisation sharing the
 * address) is still never taken, whatever the server's filter did.
 */
async function findExistingContact(client: SmokeballClient, subject: SyncSubject['client']): Promise<Contact | undefined> {
  if (subject.email) {
    const wanted = subject.email.trim().toLowerCase();
    const { data } = await client.contacts.searchByEmail(subject.email.trim());
    return data
      .filter((c) => !c.isDeleted)
      .filter((c) => c.person?.email?.trim().toLowerCase() === wanted)
      .sort((a, b) => compareTicks(a.lastUpdated, b.lastUpdated))[0];
  }
  // Without an email there is nothing to deduplicate on; only our own earlier create is looked for.
  const { data } = await client.contacts.searchByName(`${subject.firstName} ${subject.lastName}`);
  return data.find((c) => !c.isDeleted && c.externalSystemId === contactExternalId(subject.id));
}

function compareTicks(a?: bigint | null, b?: bigint | null): number {
  return a === b ? 0 : (a ?? 0n) < (b ?? 0n) ? -1 : 1;
}

/**
 * First and last name, email, phone (docs/architecture.md §1): the writable `PersonDto` fields CaseHug has. The phone is
 * split by its own country, read in the firm's when it has no "+<code>" (phone-parts.ts).
 */
export function personFrom(subject: SyncSubject['client'], phoneCountry: CountryCode): PersonInput {
  const person: PersonInput = { firstName: subject.firstName, lastName: subject.lastName };
  if (subject.email) person.email = subject.email.trim();
  const phone = subject.phone ? splitPhone(subject.phone, phoneCountry) : undefined;
  if (phone) person.phone = phone;
  return person;
}

/** The country a phone number without "+<code>" is read in: the firm's (US while the jurisdiction is undecided:
 * the number is then still sent, split or as typed). */
export function phoneCountryOf(jurisdiction: SmokeballJurisdiction | null): CountryCode {
  return jurisdiction ? jurisdictionParts(jurisdiction).country : 'US';
}
