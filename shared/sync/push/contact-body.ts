// The body of a contact's PUT (docs/smokeball.md §2 "Update"): PUT replaces the whole contact, so the body
// is the contact as just read — every person field CaseHug does not own (addresses, other phones, notes,
// birth date, …) passed through untouched — with only the pushed CaseHug fields changed. Read-only parts
// (`href`, `id`, `versionId`, `lastUpdated`) are not part of a ContactDto and are left out.
import type { CountryCode } from 'libphonenumber-js';
import type { OwnedField } from '../../db/two-way.ts';
import type { ContactForUpdate, ContactReplaceInput } from '../../smokeball/schemas/contact-update.ts';
import { splitPhone } from '../matter/phone-parts.ts';

const PERSON_FIELD: Partial<Record<OwnedField, 'firstName' | 'lastName' | 'email'>> = {
  first_name: 'firstName',
  last_name: 'lastName',
  email: 'email',
};

/** Undefined when the contact is not a person (a client is only ever linked to one). */
export function contactWithCaseHugValues(
  contact: ContactForUpdate,
  push: Partial<Record<OwnedField, string | null>>,
  phoneCountry: CountryCode,
): ContactReplaceInput | undefined {
  if (!contact.person) return undefined;
  const person: Record<string, unknown> = { ...contact.person };
  for (const [field, value] of Object.entries(push) as [OwnedField, string | null][]) {
    const key = PERSON_FIELD[field];
    if (key) person[key] = (value ?? '').trim();
    if (field === 'phone') {
      const previous = typeof person.phone === 'object' && person.phone !== null ? (person.phone as Record<string, unknown>) : {};
      const parts = value ? splitPhone(value, phoneCountry) : undefined;
      person.phone = { ...previous, ...(parts ?? { areaCode: '', number: '' }) };
    }
  }
  return {
    person,
    ...(typeof contact.externalSystemId === 'string' && contact.externalSystemId !== '' ? { externalSystemId: contact.externalSystemId } : {}),
    ...(typeof contact.isDeleted === 'boolean' ? { isDeleted: contact.isDeleted } : {}),
  };
}
