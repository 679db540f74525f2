// The externalSystemId CaseHug's own sync writes on what it creates in Smokeball: `casehug:<matter id>` on a
// matter (ensure-matter.ts) and `casehug:client:<client id>` on a contact (ensure-contact.ts). An import
// that meets one links the CaseHug row it names (when that row is the importing firm's) instead of creating
// a second: a sync interrupted between Smokeball's create and storing the link left that row unlinked.
import { contactExternalId } from '../matter/ensure-contact.ts';
import { matterExternalId } from '../matter/ensure-matter.ts';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const patternOf = (externalId: (id: string) => string) => {
  const [prefix, suffix] = externalId('\u0000').split('\u0000');
  return new RegExp(`^${escape(prefix)}(${UUID})${escape(suffix)}$`);
};
const OWN_MATTER = patternOf(matterExternalId);
const OWN_CLIENT = patternOf(contactExternalId);

/** The CaseHug matter id a Smokeball matter's externalSystemId names, if CaseHug wrote it. */
export function ownMatterIdOf(externalSystemId: string | null | undefined): string | null {
  return OWN_MATTER.exec(externalSystemId ?? '')?.[1].toLowerCase() ?? null;
}

/** The CaseHug client id a Smokeball contact's externalSystemId names, if CaseHug wrote it. */
export function ownClientIdOf(externalSystemId: string | null | undefined): string | null {
  return OWN_CLIENT.exec(externalSystemId ?? '')?.[1].toLowerCase() ?? null;
}
