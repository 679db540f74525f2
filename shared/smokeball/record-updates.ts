// The writes two-way sync makes to records that already exist (docs/smokeball.md §2 "Update", §3
// "Update"): a contact is read whole and replaced whole (`PUT` replaces it; there is no PATCH for
// contacts); a matter is patched with only the fields that changed (`PATCH` takes a partial MatterDto2).
// Both answer 202; the change shows up a little later, and its webhook carries our RequestId.
import { z } from 'zod';
import type { SmokeballRequest, SmokeballResult } from './request.ts';
import { ContactForUpdate, type ContactReplaceInput } from './schemas/contact-update.ts';
import type { MatterPatchInput } from './schemas/matter.ts';

/** A 202's body is a Link for contacts and matters; nothing of it is needed. */
const Accepted = z.unknown();

export function createRecordUpdates(request: SmokeballRequest) {
  return {
    /** `GET /contacts/{id}`, every field kept for the write back. */
    getContactForUpdate(id: string): Promise<SmokeballResult<ContactForUpdate>> {
      return request({ method: 'GET', route: '/contacts/{id}', ids: [id], schema: ContactForUpdate });
    },
    /** `PUT /contacts/{id}` with the whole contact. */
    replaceContact(id: string, body: ContactReplaceInput): Promise<SmokeballResult<unknown>> {
      return request({ method: 'PUT', route: '/contacts/{id}', ids: [id], json: body, schema: Accepted });
    },
    /** `PATCH /matters/{id}` with only the fields to change. */
    patchMatter(id: string, input: MatterPatchInput): Promise<SmokeballResult<unknown>> {
      return request({ method: 'PATCH', route: '/matters/{id}', ids: [id], json: input, schema: Accepted });
    },
  };
}
