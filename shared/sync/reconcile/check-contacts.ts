// Linked clients against Smokeball: their contacts read by id, 500 per `POST /contacts/batch` (docs/smokeball.md
// §2), so a firm of 1,000 linked clients costs 2 calls. A contact newer than CaseHug's copy is applied
// through the webhook path (apply-read.ts); one marked `isDeleted` marks the link deleted. The batch
// leaves out what it cannot resolve — unknown, another account's, and perhaps deleted or not yet visible
// ones (the spec does not say) — so each id it leaves out is read on its own: 404 or `isDeleted` marks
// the link; a contact found again clears the mark. Links made moments ago are left alone.
import type { Sql } from '../../db/sql.ts';
import { listLinkedClients, markLinksDeleted } from '../../db/reconcile.ts';
import { MAX_CONTACT_BATCH_IDS, type SmokeballClient } from '../../smokeball/client.ts';
import type { Contact } from '../../smokeball/schemas/contact.ts';
import { contactSide } from '../push/smokeball-values.ts';
import { applyReadIfNewer } from './apply-read.ts';
import type { ReconcileCounts } from './counts.ts';
import { judgeLink } from './judge-link.ts';

const isDeletedContact = (c: Contact) => c.isDeleted === true;

export async function checkContacts(deps: { sql: Sql }, client: SmokeballClient, firmId: string, counts: ReconcileCounts): Promise<void> {
  const linked = await listLinkedClients(deps.sql, firmId);
  const gone: string[] = [];
  const back: string[] = [];
  for (let i = 0; i < linked.length; i += MAX_CONTACT_BATCH_IDS) {
    const chunk = linked.slice(i, i + MAX_CONTACT_BATCH_IDS);
    const { data } = await client.contacts.getMany(chunk.map((l) => l.smokeballContactId));
    const byId = new Map(data.map((c) => [c.id, c]));
    for (const link of chunk) {
      counts.contactsChecked++;
      const judged = await judgeLink(link, byId.get(link.smokeballContactId), {
        isDeleted: isDeletedContact,
        find: () => client.contacts.find(link.smokeballContactId),
      });
      if (judged.verdict === 'skip') continue;
      if (judged.verdict === 'gone') {
        gone.push(link.smokeballContactId);
        continue;
      }
      const contact = judged.record;
      if (link.deleted) back.push(link.smokeballContactId);
      if (await applyReadIfNewer(deps.sql, firmId, 'contact', contact.id, contactSide(contact), link.version)) counts.contactsUpdated++;
    }
  }
  counts.contactsDeleted += await markLinksDeleted(deps.sql, firmId, 'contact', gone, true);
  counts.linksRestored += await markLinksDeleted(deps.sql, firmId, 'contact', back, false);
}

