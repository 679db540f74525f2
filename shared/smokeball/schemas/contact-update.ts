// A contact read to be written back (docs/smokeball.md §2 "Update"): `PUT /contacts/{id}` replaces the
// whole contact, so the read keeps every field as Smokeball sent it (loose objects) and the write sends
// it all back with only CaseHug's fields changed. Contact (contact.ts) parses only what the sync reads.
import { z } from 'zod';
import { DotNetTicks, OptionalText } from './common.ts';

/** The person part, every property kept; the names and email are read, the rest only passed through. */
export const PersonForUpdate = z.looseObject({
  firstName: OptionalText,
  lastName: OptionalText,
  email: OptionalText,
  phone: z.unknown().optional(),
});

/** `GET /contacts/{id}` with everything kept. */
export const ContactForUpdate = z.looseObject({
  id: z.string().min(1),
  externalSystemId: OptionalText,
  versionId: OptionalText,
  isDeleted: z.boolean().nullish(),
  lastUpdated: DotNetTicks.nullish(),
  person: PersonForUpdate.nullish(),
});
export type ContactForUpdate = z.infer<typeof ContactForUpdate>;

/** The `ContactDto` a PUT sends: one typed part and the two top-level extras (OAS ContactDto). */
export const ContactReplaceInput = z.object({
  person: z.record(z.string(), z.unknown()),
  externalSystemId: z.string().optional(),
  isDeleted: z.boolean().optional(),
});
export type ContactReplaceInput = z.infer<typeof ContactReplaceInput>;
