// A test control: matters (and their client contacts) that already live in a Smokeball account, created
// visible at once and without webhooks, the way a firm's existing Smokeball data is simply there. What
// importing and reconciling start from; the API's own writes stay asynchronous (writes.ts).
import { z } from 'zod';
import { CATALOG, findMatterType } from './catalog.ts';
import { newGuid } from './ids.ts';
import { MATTER_STATUSES, reviseMatter } from './matters.ts';
import { splitFileName } from './files.ts';
import type { Account, ContactRecord, FileRecord, MatterRecord } from './store.ts';
import type { World } from './world.ts';

const SeedClient = z.union([
  z.object({ id: z.string().min(1) }).strict(),
  z.object({ firstName: z.string().min(1).max(200), lastName: z.string().min(1).max(200), email: z.string().max(320).optional() }).strict(),
]);
export const SeedInput = z
  .object({
    matters: z
      .array(
        z
          .object({
            /** A catalog id (`…_IL`), or a name + location. */
            matterTypeId: z.string().optional(),
            matterTypeName: z.string().optional(),
            location: z.string().optional(),
            number: z.string().max(100).optional(),
            description: z.string().max(500).optional(),
            status: z.string().refine((s) => MATTER_STATUSES.includes(s)).optional(),
            clients: z.array(SeedClient).min(1).max(5),
            /** File names (with extension) already on the matter: records without uploaded bytes. */
            files: z.array(z.string().min(1).max(256)).max(20).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(5000),
  })
  .strict();
export type SeedInput = z.infer<typeof SeedInput>;

export type SeedResult = { matters: { id: string; clientIds: string[]; matterTypeId: string; fileIds: string[] }[] };

export function seedAccount(world: World, account: Account, input: SeedInput): SeedResult | { error: string } {
  const now = world.clock.nowMs();
  const created: SeedResult['matters'] = [];
  for (const [i, m] of input.matters.entries()) {
    const type = m.matterTypeId
      ? findMatterType(m.matterTypeId)
      : CATALOG.find((t) => t.type === 0 && !t.isDeleted && t.location === m.location && t.name.toLowerCase() === (m.matterTypeName ?? '').toLowerCase());
    if (!type || type.isDeleted || type.type !== 0) return { error: `matters[${i}]: no such matter type` };
    const clientIds: string[] = [];
    for (const c of m.clients) {
      if ('id' in c) {
        if (!account.contacts.has(c.id)) return { error: `matters[${i}]: no contact ${c.id}` };
        clientIds.push(c.id);
        continue;
      }
      const contact: ContactRecord = {
        id: newGuid(),
        versionId: newGuid(),
        person: { firstName: c.firstName, lastName: c.lastName, ...(c.email ? { email: c.email } : {}) },
        isDeleted: false,
        createdMs: now,
        lastUpdatedMs: now,
      };
      account.contacts.set(contact.id, contact);
      clientIds.push(contact.id);
    }
    const id = newGuid();
    const base: MatterRecord = {
      id, number: m.number ?? '', title: '', matterTypeId: type.id, clientIds, otherSideIds: [],
      clientRole: type.representativeOptions[0], otherSideRole: type.representativeOptions[1] ?? '',
      description: m.description ?? '', status: m.status ?? 'Open', isLead: false, extra: {}, versionId: '0', createdMs: now, lastUpdatedMs: now,
    };
    // reviseMatter builds the title and a fresh versionId, as a create does.
    const record = reviseMatter(account, base, {}, now);
    const fileIds = (m.files ?? []).map((fileName) => {
      const file: FileRecord = {
        id: newGuid(), matterId: record.id, versionId: newGuid(), ...splitFileName(fileName), folderId: null, folderPath: null, ownerId: null,
        additionalData: {}, dateCreated: new Date(now).toISOString(), dateModified: new Date(now).toISOString(), s3Key: '', createdMs: now,
      };
      file.s3Key = `${account.id}/${record.id}/${file.id}/${file.versionId}`;
      account.files.set(file.id, file);
      return file.id;
    });
    created.push({ id: record.id, clientIds, matterTypeId: type.id, fileIds });
  }
  return { matters: created };
}
