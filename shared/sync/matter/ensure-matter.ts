// Matter (docs/architecture.md §5): the stored link, else the matter an interrupted attempt created (found by the
// client contact and externalSystemId), else a new matter with clientIds, matterTypeId, status, number,
// description (the title) and externalSystemId = casehug:<matter id>.
import { markMatterCreateStarted, saveMatterLink, type SyncSubject } from '../../db/matter-sync.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { MatterCreateInput, MatterStatus } from '../../smokeball/schemas/matter.ts';
import { lookupThroughConsistencyWindow, sendMarkedCreate } from './consistency.ts';
import type { SyncStepDeps } from './run-recorder.ts';

export type MatterAction = 'created' | 'linked' | 'existing';


export const matterExternalId = (matterId: string) => `casehug:${matterId}`;

/** A CaseHug matter status as Smokeball names it, for a create and for a pushed edit. */
export const SMOKEBALL_MATTER_STATUS: Record<SyncSubject['matter']['status'], MatterStatus> = { open: 'Open', pending: 'Pending', closed: 'Closed' };

export async function ensureMatter(
  deps: SyncStepDeps,
  firmId: string,
  subject: SyncSubject['matter'],
  contactId: string,
  matterTypeId: () => string,
): Promise<{ id: string; action: MatterAction }> {
  if (subject.smokeballMatterId) {
    deps.recorder.step('matter', 'existing');
    return { id: subject.smokeballMatterId, action: 'existing' };
  }
  if (subject.createStartedAgeMs !== null) {
    const found = await lookupThroughConsistencyWindow(deps, subject.createStartedAgeMs, () => findOurMatter(deps.client, contactId, subject.id));
    if (found) {
      await saveMatterLink(deps.sql, firmId, subject.id, found);
      deps.recorder.step('matter', 'linked', 'found the matter an interrupted attempt created');
      return { id: found, action: 'linked' };
    }
  }
  const input: MatterCreateInput = {
    matterTypeId: matterTypeId(),
    clientIds: [contactId],
    status: SMOKEBALL_MATTER_STATUS[subject.status],
    description: subject.title,
    externalSystemId: matterExternalId(subject.id),
    ...(subject.caseNumber ? { number: subject.caseNumber } : {}),
  };
  await markMatterCreateStarted(deps.sql, firmId, subject.id);
  const { data } = await sendMarkedCreate(deps.sql, { table: 'matters', firmId, id: subject.id }, () => deps.client.matters.create(input));
  await saveMatterLink(deps.sql, firmId, subject.id, data.id);
  deps.recorder.step('matter', 'created');
  return { id: data.id, action: 'created' };
}

async function findOurMatter(client: SmokeballClient, contactId: string, matterId: string): Promise<string | undefined> {
  for await (const matter of client.matters.list({ contactId })) {
    if (matter.externalSystemId === matterExternalId(matterId)) return matter.id;
  }
  return undefined;
}
