// One queued import: a Smokeball matter becomes a CaseHug matter, its client contacts CaseHug clients, all
// linked to the Smokeball records — exactly once. The link columns are unique per firm, and every row is
// inserted `on conflict do nothing` and read back (shared/db/imports.ts), so a retried job, or two
// batches importing the same matter or sharing a client at the same moment, end on one CaseHug row each.
// CaseHug's matter has one client: the matter's first Smokeball client; the others are imported as
// clients and named in the run. The case type is mapped back only when unambiguous (case-type-for.ts).
// A matter or contact CaseHug's own sync created (its externalSystemId names a row of this firm,
// own-records.ts) links that row instead of creating another; one naming another firm's row is foreign.
import { AppError } from '../../errors.ts';
import {
  attachRunMatter, ensureLinkedClient, ensureLinkedMatter, finishImport, linkOwnClient, linkOwnMatter, loadImport,
} from '../../db/imports.ts';
import { findLinkedMatter } from '../../db/links.ts';
import { readFirmJurisdiction } from '../../db/two-way.ts';
import type { Sql } from '../../db/sql.ts';
import type { ImportCounts } from '../../api/sync-history.ts';
import { finishRun, startRun } from '../../db/sync-runs.ts';
import type { LogFields } from '../../log.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';
import { SmokeballJurisdiction } from '../../smokeball/jurisdiction.ts';
import type { RequestPriority } from '../../smokeball/rate-limiter.ts';
import type { ApiCallRecord } from '../../smokeball/request.ts';
import type { Contact } from '../../smokeball/schemas/contact.ts';
import { checkConnection, usableOrThrow } from '../connection/require-connection.ts';
import { smokeballLocationOf } from '../firm-smokeball.ts';
import { loadMappingContext } from '../mapping/load-mapping-context.ts';
import { previewMappings } from '../mapping/preview.ts';
import { createRunRecorder, type RunRecorder } from '../matter/run-recorder.ts';
import { matterSide } from '../push/smokeball-values.ts';
import { chooseCaseType, type CaseTypeChoice } from './case-type-for.ts';
import { clientFieldsOf } from './client-fields.ts';
import { ownClientIdOf, ownMatterIdOf } from './own-records.ts';

export type ImportMatterDeps = {
  sql: Sql;
  clientFor(firm: { firmId: string; region: SmokeballRegion; priority?: RequestPriority }, onRequest: (call: ApiCallRecord) => void): Promise<SmokeballClient>;
  now(): number;
  log(event: string, fields?: LogFields): void;
};

export type ImportOutcome = { status: 'imported' | 'linked' | 'skipped'; matterId: string | null };

const MAX_TITLE = 500;
const MAX_CASE_NUMBER = 100;

export async function importSmokeballMatter(deps: ImportMatterDeps, job: { firmId: string; importId: string; jobId: string }): Promise<ImportOutcome> {
  const { firmId } = job;
  const row = await loadImport(deps.sql, firmId, job.importId);
  // Done by an earlier attempt (the job is at least once; its effects are not).
  if (!row || row.status === 'imported' || row.status === 'linked') return { status: 'skipped', matterId: row?.matterId ?? null };
  const runId = await startRun(deps.sql, { firmId, matterId: null, jobId: job.jobId, trigger: 'import' });
  const recorder = createRunRecorder(deps.now);
  try {
    const linked = await findLinkedMatter(deps.sql, firmId, row.smokeballMatterId);
    if (linked) return await finish(deps, { firmId, importId: row.id, runId, recorder }, { status: 'linked', matterId: linked, choice: null, counts: { clientsCreated: 0, clientsLinked: 0 } });

    const connection = usableOrThrow(await checkConnection(deps.sql, firmId, { allowNeedsReauth: true }));
    const client = await deps.clientFor({ firmId, region: connection.region, priority: 'bulk' }, (call) => recorder.onRequest(call));
    const found = await client.matters.find(row.smokeballMatterId);
    if (!found.found) throw new AppError({ code: 'smokeball_not_found', status: 404, message: `Smokeball has no matter ${row.smokeballMatterId.slice(0, 200)} in this account` });
    const matter = found.data;
    const clientIds = [...new Set((matter.clients ?? []).map((c) => c.id).filter((id): id is string => !!id))];
    if (clientIds.length === 0) throw new AppError({ code: 'smokeball_invalid_response', status: 502, message: 'The Smokeball matter has no client contact' });
    const contacts = await readContacts(client, clientIds);

    const choice = await caseTypeOf(deps, client, { firmId, accountId: connection.accountId }, matter.matterType ?? null);
    recorder.step('case_type', choice.caseType ? 'mapped' : 'empty', choice.note ?? choice.caseType ?? undefined);
    const side = matterSide(matter);
    const notes: string[] = [];
    const result = await deps.sql.begin(async (tx) => {
      // In contact-id order, so two imports sharing clients lock their rows in the same order.
      const clientRows = new Map<string, { id: string; created: boolean }>();
      for (const contact of [...contacts].sort((a, b) => (a.id < b.id ? -1 : 1))) {
        const { fields: clientFields, note } = clientFieldsOf(contact);
        if (note) notes.push(note);
        const ownId = ownClientIdOf(contact.externalSystemId);
        const own = ownId ? await linkOwnClient(tx, firmId, ownId, { smokeballContactId: contact.id, version: clientFields.version }) : undefined;
        clientRows.set(contact.id, own ? { id: own, created: false } : await ensureLinkedClient(tx, firmId, clientFields));
      }
      const primary = clientRows.get(clientIds[0])!;
      const title = (matter.description || matter.title || `Smokeball matter ${matter.number ?? matter.id}`).slice(0, MAX_TITLE);
      const ownId = ownMatterIdOf(matter.externalSystemId);
      const own = ownId ? await linkOwnMatter(tx, firmId, ownId, { smokeballMatterId: matter.id, version: side.version }) : undefined;
      if (own) return { created: { id: own, created: false }, clientRows };
      const created = await ensureLinkedMatter(tx, firmId, {
        smokeballMatterId: matter.id,
        version: side.version,
        clientId: primary.id,
        caseType: choice.caseType,
        caseNumber: matter.number ? matter.number.slice(0, MAX_CASE_NUMBER) : null,
        title,
        status: (side.values.status as 'open' | 'pending' | 'closed' | undefined) ?? 'open',
      });
      return { created, clientRows };
    });
    if (clientIds.length > 1) notes.push(`The matter's other ${clientIds.length - 1} Smokeball client(s) were imported as clients; a CaseHug matter has one client`);
    const clientRows = [...result.clientRows.values()];
    return await finish(deps, { firmId, importId: row.id, runId, recorder }, {
      status: result.created.created ? 'imported' : 'linked',
      matterId: result.created.id,
      choice: { caseType: choice.caseType, note: [choice.note, ...notes].filter(Boolean).join('. ') || null },
      counts: { clientsCreated: clientRows.filter((c) => c.created).length, clientsLinked: clientRows.filter((c) => !c.created).length },
    });
  } catch (err) {
    const appError = err instanceof AppError ? err : new AppError({ code: 'internal_error', status: 500, message: 'The import failed unexpectedly', cause: err });
    await finishRun(deps.sql, firmId, runId, { status: 'failed', ...recorder.snapshot(), counts: {}, errorCode: appError.code, errorMessage: appError.message });
    await finishImport(deps.sql, firmId, row.id, { status: 'failed', matterId: null, caseType: null, note: appError.message });
    throw err;
  }
}

async function finish(
  deps: ImportMatterDeps,
  at: { firmId: string; importId: string; runId: string; recorder: RunRecorder },
  result: { status: 'imported' | 'linked'; matterId: string; choice: CaseTypeChoice | null; counts: Omit<ImportCounts, 'mattersCreated'> },
): Promise<ImportOutcome> {
  const { firmId, importId, runId, recorder } = at;
  recorder.step('matter', result.status, result.matterId);
  await finishImport(deps.sql, firmId, importId, { status: result.status, matterId: result.matterId, caseType: result.choice?.caseType ?? null, note: result.choice?.note ?? null });
  await attachRunMatter(deps.sql, firmId, runId, result.matterId);
  await finishRun(deps.sql, firmId, runId, {
    status: 'succeeded',
    ...recorder.snapshot(),
    counts: { mattersCreated: result.status === 'imported' ? 1 : 0, ...result.counts },
    errorCode: null,
    // The history says why a case type was left empty (the run's message), without failing the run.
    errorMessage: result.choice?.note ?? null,
  });
  deps.log('smokeball_matter_imported', { firmId, importId, runId, status: result.status });
  return { status: result.status, matterId: result.matterId };
}

/** The clients by one batch read; any the batch left out are read one by one (it drops what it cannot resolve). */
async function readContacts(client: SmokeballClient, ids: string[]): Promise<Contact[]> {
  const { data } = await client.contacts.getMany(ids);
  const byId = new Map(data.map((c) => [c.id, c]));
  for (const id of ids) {
    if (byId.has(id)) continue;
    const found = await client.contacts.find(id);
    if (!found.found) throw new AppError({ code: 'smokeball_not_found', status: 404, message: `Smokeball has no contact ${id.slice(0, 200)}, a client of this matter` });
    byId.set(id, found.data);
  }
  return ids.map((id) => byId.get(id)!);
}

async function caseTypeOf(
  deps: ImportMatterDeps,
  client: SmokeballClient,
  firm: { firmId: string; accountId: string | null },
  matterType: { id?: string | null } | null,
): Promise<CaseTypeChoice> {
  const jurisdiction = SmokeballJurisdiction.safeParse(await readFirmJurisdiction(deps.sql, firm.firmId)).data;
  if (!jurisdiction) {
    return { caseType: null, note: "Case type left empty: the firm's Smokeball jurisdiction is not decided" };
  }
  const context = await loadMappingContext(client, deps.sql, { firmId: firm.firmId, jurisdiction: smokeballLocationOf(jurisdiction), accountId: firm.accountId });
  const id = matterType?.id ?? null;
  const name = context.matterTypes.find((t) => t.id === id)?.name ?? null;
  return chooseCaseType(previewMappings(context), { id, name });
}
