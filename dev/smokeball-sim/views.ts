// Wire shapes of the resources (docs/smokeball.md §2 Contact, §3 Matter/MatterTypeInfo, §4 File, §5 subscription).
// Links are `{id, href, rel}` in API responses and `{id, rel}` inside webhook payloads (docs/smokeball.md §8).
// Null properties are omitted.
import { ticksOf } from './clock.ts';
import type { MatterTypeRecord } from './catalog.ts';
import type { ContactRecord, FileRecord, MatterRecord, S3Object, SubscriptionRecord } from './store.ts';

export type LinkStyle = 'api' | 'webhook';

/** `lastUpdated` is int64 .NET ticks on the wire, a JSON number (docs/smokeball.md §8). */
export const ticksNumber = (unixMs: number): number => Number(ticksOf(unixMs));

const link = (baseUrl: string, style: LinkStyle, rel: string, path: string, id: string) =>
  style === 'api' ? { id, href: `${baseUrl}/${path}/${id}`, rel } : { id, rel };

const withoutNulls = (obj: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null && v !== undefined));

/** The real sample always carries phone objects with empty parts (docs/smokeball.md §2 "Get"). */
const EMPTY_PHONE = { areaCode: '', number: '' };

/** A PoBoxAddress object (AU) from a stored PO box; Smokeball serialises an absent one with null parts. */
const poBoxObject = (value: unknown) =>
  typeof value === 'object' && value !== null ? value : { type: value ? 'PO Box' : null, number: typeof value === 'string' && value !== '' ? value : null };

/** The person's addresses with `poBox` as an object, both addresses present (as Smokeball answers them). */
function withPoBoxObjects(person: Record<string, unknown>): Record<string, unknown> {
  const address = (value: unknown) => {
    const stored = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    return { ...stored, poBox: poBoxObject(stored.poBox) };
  };
  return { ...person, residentialAddress: address(person.residentialAddress), mailingAddress: address(person.mailingAddress) };
}

export function contactView(baseUrl: string, c: ContactRecord, style: LinkStyle = 'api', shapes: { poBoxObjects?: boolean } = {}) {
  const plain = c.person ? { phone: EMPTY_PHONE, cell: EMPTY_PHONE, phone2: { ...EMPTY_PHONE, extension: '' }, ...withoutNulls(c.person) } : undefined;
  const person = plain && shapes.poBoxObjects ? withPoBoxObjects(plain) : plain;
  return withoutNulls({
    href: style === 'api' ? `${baseUrl}/contacts/${c.id}` : undefined,
    id: c.id,
    externalSystemId: c.externalSystemId,
    versionId: c.versionId,
    person,
    company: c.company ? { staff: [], directors: [], staffIds: [], ...withoutNulls(c.company) } : undefined,
    trust: c.trust,
    groupOfPeople: c.groupOfPeople,
    isDeleted: c.isDeleted,
    lastUpdated: ticksNumber(c.lastUpdatedMs),
  });
}

export function matterView(baseUrl: string, m: MatterRecord, style: LinkStyle = 'api') {
  return withoutNulls({
    href: style === 'api' ? `${baseUrl}/matters/${m.id}` : undefined,
    id: m.id,
    externalSystemId: m.externalSystemId,
    versionId: m.versionId,
    number: m.number,
    title: m.title,
    matterType: link(baseUrl, style, 'MatterTypes', 'mattertypes', m.matterTypeId),
    clients: m.clientIds.map((id) => link(baseUrl, style, 'Contacts', 'contacts', id)),
    otherSides: m.otherSideIds.map((id) => link(baseUrl, style, 'Contacts', 'contacts', id)),
    clientRole: m.clientRole,
    otherSideRole: m.otherSideRole,
    description: m.description,
    status: m.status,
    isLead: m.isLead,
    ...m.extra,
    lastUpdated: ticksNumber(m.lastUpdatedMs),
    items: {},
  });
}

export function matterTypeView(baseUrl: string, t: MatterTypeRecord, withItems = false) {
  return {
    href: `${baseUrl}/mattertypes/${t.id}`,
    ...t,
    // The spec's `name` is nullable; the sim's unnamed types (matter-types.ts) have an empty one.
    name: t.name === '' ? null : t.name,
    ...(withItems
      ? {
          items: t.representativeOptions.map((name, i) => ({
            id: `${t.id}:role:${i}`,
            providerId: 'roles_provider',
            itemId: name.toLowerCase().replace(/\s+/g, '-'),
            name,
            subItems: [],
          })),
        }
      : {}),
  };
}

export function fileView(baseUrl: string, f: FileRecord, object: S3Object | undefined) {
  const href = `${baseUrl}/matters/${f.matterId}/documents/files/${f.id}`;
  return withoutNulls({
    href,
    id: f.id,
    versionId: f.versionId,
    folder: f.folderId ? { id: f.folderId, href: `${baseUrl}/matters/${f.matterId}/documents/folders/${f.folderId}`, rel: 'Folders' } : undefined,
    folderPath: f.folderPath,
    matter: { id: f.matterId, href: `${baseUrl}/matters/${f.matterId}`, rel: 'Matters' },
    name: f.name,
    fileExtension: f.fileExtension,
    ownerId: f.ownerId,
    dateCreated: f.dateCreated,
    dateModified: f.dateModified,
    sizeBytes: object?.sizeBytes ?? 0,
    downloadInfo: { href: `${href}/download` },
    additionalData: f.additionalData,
    isFavorite: false,
    isUploaded: object !== undefined,
    isCancelled: false,
    isDuplicate: false,
    isDeleted: false,
  });
}

export function subscriptionView(baseUrl: string, s: SubscriptionRecord) {
  return {
    href: `${baseUrl}/webhooks/${s.id}`,
    id: s.id,
    accountId: s.accountId,
    name: s.name,
    eventTypes: s.eventTypes,
    eventNotificationUrl: s.eventNotificationUrl,
    createdDateUtc: new Date(s.createdMs).toISOString(),
    updatedDateUtc: new Date(s.updatedMs).toISOString(),
    lastUpdated: ticksNumber(s.updatedMs),
  };
}
