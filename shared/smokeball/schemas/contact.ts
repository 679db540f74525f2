// Contacts (docs/smokeball.md §2). Objects are loose: a contact is updated by read-modify-write PUT (PUT may be a
// full replace, docs/smokeball.md §2 "Update"), so fields this client does not model must survive the round trip.
import { z } from 'zod';
import { DotNetTicks, OptionalText } from './common.ts';

/** `phone`, `cell`, `fax`: `{areaCode, number}`; `phone2` adds `extension`. Parts may be "". */
export const Phone = z.looseObject({ areaCode: OptionalText, number: OptionalText, extension: OptionalText });
export type Phone = z.infer<typeof Phone>;

export const Address = z.looseObject({
  careOf: OptionalText,
  buildingLevel: OptionalText,
  unitNumber: OptionalText,
  unitType: OptionalText,
  streetNumber: OptionalText,
  streetName: OptionalText,
  streetType: OptionalText,
  addressLine1: OptionalText,
  addressLine2: OptionalText,
  city: OptionalText,
  state: OptionalText,
  zipCode: OptionalText,
  locality: OptionalText,
  county: OptionalText,
  country: OptionalText,
  poBox: OptionalText,
});
export type Address = z.infer<typeof Address>;

export const Person = z.looseObject({
  title: OptionalText,
  firstName: OptionalText,
  middleName: OptionalText,
  lastName: OptionalText,
  nameSuffix: OptionalText,
  customName: OptionalText,
  // A flat string, not an array (docs/smokeball.md §2).
  email: OptionalText,
  phone: Phone.nullish(),
  phone2: Phone.nullish(),
  cell: Phone.nullish(),
  fax: Phone.nullish(),
  residentialAddress: Address.nullish(),
  mailingAddress: Address.nullish(),
});
export type Person = z.infer<typeof Person>;

export const Company = z.looseObject({
  name: OptionalText,
  email: OptionalText,
  phone: Phone.nullish(),
});
export type Company = z.infer<typeof Company>;

/** `GET /contacts/{id}` and each item of `GET /contacts` (docs/smokeball.md §2 "Get"). */
export const Contact = z.looseObject({
  id: z.string().min(1),
  href: OptionalText,
  externalSystemId: OptionalText,
  versionId: OptionalText,
  isDeleted: z.boolean().nullish(),
  lastUpdated: DotNetTicks.nullish(),
  person: Person.nullish(),
  company: Company.nullish(),
});
export type Contact = z.infer<typeof Contact>;

/** What this project writes for a person (`POST /contacts`, docs/smokeball.md §2 "Create a person"). */
export const PersonInput = z.object({
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  phone: z.object({ areaCode: z.string(), number: z.string() }).partial().optional(),
  cell: z.object({ areaCode: z.string(), number: z.string() }).partial().optional(),
});
export type PersonInput = z.infer<typeof PersonInput>;
