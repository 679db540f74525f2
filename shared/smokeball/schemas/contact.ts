// Contacts (docs/smokeball.md §2). Only what the code reads is kept: the OAS marks every field nullable
// and allows fields this client does not model (an AU `poBox` is a `PoBoxAddress` object, not a string),
// so addresses and everything else are dropped unparsed and can never fail a search page or a GET.
import { z } from 'zod';
import { DotNetTicks, OptionalText } from './common.ts';

/** `phone`, `cell`: `{areaCode, number}`; parts may be "" or null. */
export const Phone = z.object({ areaCode: OptionalText, number: OptionalText });
export type Phone = z.infer<typeof Phone>;

export const Person = z.object({
  firstName: OptionalText,
  lastName: OptionalText,
  // A flat string, not an array (docs/smokeball.md §2).
  email: OptionalText,
  phone: Phone.nullish().catch(null),
});
export type Person = z.infer<typeof Person>;

/** `GET /contacts/{id}` and each item of `GET /contacts` (docs/smokeball.md §2 "Get"). Whether it is a
 * person is told by `person` being present: staff, organisations, trusts and groups have none. */
export const Contact = z.object({
  id: z.string().min(1),
  externalSystemId: OptionalText,
  isDeleted: z.boolean().nullish(),
  lastUpdated: DotNetTicks.nullish(),
  person: Person.nullish(),
});
export type Contact = z.infer<typeof Contact>;

/**
 * What this project writes for a person: the writable `PersonDto` fields of the OAS `ContactDto`
 * (`additionalProperties: false`) that CaseHug has. Strict, so nothing else can slip into a body.
 */
const PhoneInput = z.strictObject({ areaCode: z.string(), number: z.string() });
export const PersonInput = z.strictObject({
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  phone: PhoneInput.optional(),
  cell: PhoneInput.optional(),
});
export type PersonInput = z.infer<typeof PersonInput>;

/** Contact types as `GET /contacts?Type=` names them (OAS GetContacts). A client is only ever a person. */
export const PERSON_CONTACT_TYPE = 'Person';
