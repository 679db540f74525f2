// Linked matters against Smokeball: the account's matters listed page by page (500 a call: a firm of 1,000
// matters costs 2 calls), each compared by version with what CaseHug holds. A newer one is applied through
// the webhook path (apply-read.ts), so a missed `matter.updated` is caught up.
// A linked matter the list shows with status Deleted marks the link deleted; one the list does not show is
// read on its own, and 404 (or Deleted) marks it; a matter shown again clears the mark (judge-link.ts).
// Links made moments ago are left alone (a new matter may not be listed yet, docs/smokeball.md §8).
import type { Sql } from '../../db/sql.ts';
import { listLinkedMatters, markLinksDeleted } from '../../db/reconcile.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { Matter } from '../../smokeball/schemas/matter.ts';
import { matterSide } from '../push/smokeball-values.ts';
import { applyReadIfNewer } from './apply-read.ts';
import type { ReconcileCounts } from './counts.ts';
import { judgeLink } from './judge-link.ts';

const isDeletedStatus = (m: Matter) => (m.status ?? '').toLowerCase() === 'deleted';

export async function checkMatters(deps: { sql: Sql }, client: SmokeballClient, firmId: string, counts: ReconcileCounts): Promise<Set<string>> {
  const linked = await listLinkedMatters(deps.sql, firmId);
  const deletedNow = new Set<string>();
  if (linked.length === 0) return deletedNow;
  const wanted = new Map(linked.map((l) => [l.smokeballMatterId, l]));
  const seen = new Map<string, Matter>();
  for await (const matter of client.matters.list()) if (wanted.has(matter.id)) seen.set(matter.id, matter);

  const gone: string[] = [];
  const back: string[] = [];
  for (const link of linked) {
    counts.mattersChecked++;
    const judged = await judgeLink(link, seen.get(link.smokeballMatterId), {
      isDeleted: isDeletedStatus,
      find: () => client.matters.find(link.smokeballMatterId),
    });
    if (judged.verdict === 'skip') continue;
    if (judged.verdict === 'gone') {
      gone.push(link.smokeballMatterId);
      continue;
    }
    const matter = judged.record;
    if (link.deleted) back.push(link.smokeballMatterId);
    if (await applyReadIfNewer(deps.sql, firmId, 'matter', matter.id, matterSide(matter), link.version)) counts.mattersUpdated++;
  }
  counts.mattersDeleted += await markLinksDeleted(deps.sql, firmId, 'matter', gone, true);
  counts.linksRestored += await markLinksDeleted(deps.sql, firmId, 'matter', back, false);
  for (const id of gone) deletedNow.add(id);
  return deletedNow;
}

