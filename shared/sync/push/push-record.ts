// CaseHug → Smokeball for a linked client or matter (docs/architecture.md §5 "Two-way sync"): the queued
// push job of a record whose CaseHug fields were edited. It reads the Smokeball record first and applies
// that read like a webhook (apply-from-smokeball.ts: a field Smokeball changed later than CaseHug wins,
// the losing change is kept as a conflict), then sends what CaseHug won: a contact read whole and PUT whole
// (PUT replaces it, so every field CaseHug does not own is sent back as read), a matter PATCHed with only
// those fields. Each push is a sync_runs row (trigger `auto`, the auto-sync class of the shared limit) with
// its RequestIds, so the webhook echoing our write is recognised and changes nothing.
import { AppError } from '../../errors.ts';
import type { Sql } from '../../db/sql.ts';
import { appendRunRequestId, finishRun, startRun } from '../../db/sync-runs.ts';
import {
  dropPendingFields, dropRefusedFields, markFieldsSent, hasPendingFields, type OwnedField, readFirmJurisdiction, type RecordKind, withLinkedRecord,
} from '../../db/two-way.ts';
import type { LogFields } from '../../log.ts';
import type { SmokeballClient } from '../../smokeball/client.ts';
import type { SmokeballRegion } from '../../smokeball/hosts.ts';
import type { SmokeballJurisdiction } from '../../smokeball/jurisdiction.ts';
import type { RequestPriority } from '../../smokeball/rate-limiter.ts';
import type { ApiCallRecord } from '../../smokeball/request.ts';
import type { MatterPatchInput } from '../../smokeball/schemas/matter.ts';
import { checkConnection, usableOrThrow } from '../connection/require-connection.ts';
import { phoneCountryOf } from '../matter/ensure-contact.ts';
import { SMOKEBALL_MATTER_STATUS } from '../matter/ensure-matter.ts';
import { createRunRecorder } from '../matter/run-recorder.ts';
import { applyPlan } from './apply-from-smokeball.ts';
import { contactWithCaseHugValues } from './contact-body.ts';
import { contactSide, matterSide } from './smokeball-values.ts';

export type PushDeps = {
  sql: Sql;
  clientFor(firm: { firmId: string; region: SmokeballRegion; priority?: RequestPriority }, onRequest: (call: ApiCallRecord) => void): Promise<SmokeballClient>;
  now(): number;
  log(event: string, fields?: LogFields): void;
};

export type PushJobKind = 'push_contact' | 'push_matter';
export const isPushJob = (kind: string): kind is PushJobKind => kind === 'push_contact' || kind === 'push_matter';

export type PushOutcome = {
  status: 'pushed' | 'nothing_to_push' | 'not_linked' | 'push_disabled' | 'gone_in_smokeball' | 'not_a_person' | 'refused' | 'failed';
  pushed: OwnedField[];
  applied: OwnedField[];
  conflicts: number;
  runId?: string;
};

/** The push job: throws (for the queue's retry) only what another attempt may fix. */
export async function pushLinkedRecord(deps: PushDeps, job: { firmId: string; kind: PushJobKind; recordId: string; jobId: string | null }): Promise<PushOutcome> {
  const { firmId, recordId } = job;
  const kind: RecordKind = job.kind === 'push_contact' ? 'contact' : 'matter';
  const nothing = (status: PushOutcome['status']): PushOutcome => ({ status, pushed: [], applied: [], conflicts: 0 });
  // Every edit of the queue's job was already sent (by an earlier job, or settled by a webhook).
  if (!(await hasPendingFields(deps.sql, firmId, kind, recordId))) return nothing('nothing_to_push');
  const link = await withLinkedRecord(deps.sql, firmId, kind, { recordId }, async (_tx, record) => record);
  if (!link || !link.pushToSmokeball) {
    await dropPendingFields(deps.sql, firmId, kind, recordId);
    return nothing(link ? 'push_disabled' : 'not_linked');
  }

  const connection = usableOrThrow(await checkConnection(deps.sql, firmId, { allowNeedsReauth: true }));
  const runId = await startRun(deps.sql, { firmId, matterId: kind === 'matter' ? recordId : null, jobId: job.jobId, trigger: 'auto' });
  const recorder = createRunRecorder(deps.now);
  const recording: Promise<void>[] = [];
  const step = `push_${kind}` as const;
  const finish = async (outcome: PushOutcome, error?: AppError): Promise<PushOutcome> => {
    await Promise.all(recording);
    const snap = recorder.snapshot();
    await finishRun(deps.sql, firmId, runId, {
      status: error ? 'failed' : 'succeeded',
      steps: snap.steps,
      counts: { pushed: outcome.pushed.length, applied: outcome.applied.length, conflicts: outcome.conflicts },
      apiCalls: snap.apiCalls,
      requestIds: snap.requestIds,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
    });
    deps.log('record_pushed', { firmId, kind, recordId, runId, status: outcome.status, pushed: outcome.pushed, conflicts: outcome.conflicts });
    return { ...outcome, runId };
  };

  const decide = (read: SmokeballRead) => {
    const side = kind === 'contact' ? contactSide(read.contact!) : matterSide(read.matter!);
    return withLinkedRecord(deps.sql, firmId, kind, { recordId }, async (tx, record) =>
      record && record.smokeballId === link.smokeballId ? applyPlan(tx, firmId, record, side) : undefined);
  };
  // The link points at a record Smokeball no longer has: nothing to write to.
  const goneInSmokeball = async () => {
    await dropPendingFields(deps.sql, firmId, kind, recordId);
    recorder.step(step, 'gone_in_smokeball');
    return await finish(nothing('gone_in_smokeball'));
  };
  const notLinked = async () => {
    await dropPendingFields(deps.sql, firmId, kind, recordId);
    recorder.step(step, 'not_linked');
    return await finish(nothing('not_linked'));
  };
  let refusedRecorded = false;

  try {
    const client = await deps.clientFor({ firmId, region: connection.region, priority: 'auto' }, (call) => {
      recorder.onRequest(call);
      // Recorded as soon as it is known, so the echo of this write finds it (finishRun writes them all again).
      recording.push(appendRunRequestId(deps.sql, firmId, runId, call.requestId).catch(() => undefined));
    });
    // Before the read, so nothing but the decision's transaction separates the read from the write.
    const phoneCountry = kind === 'contact' ? phoneCountryOf((await readFirmJurisdiction(deps.sql, firmId)) as SmokeballJurisdiction | null) : undefined;
    let read = await readSmokeballRecord(client, kind, link.smokeballId);
    if (!read) return await goneInSmokeball();
    let inbound = await decide(read);
    if (!inbound?.plan) return await notLinked();
    let plan = inbound.plan;
    const conflicts = [...plan.conflicts];
    let applied = Object.keys(plan.apply) as OwnedField[];
    if (kind === 'contact' && Object.keys(plan.push).length > 0) {
      // PUT replaces the whole contact and Smokeball has no conditional PUT (docs/smokeball.md §2): a
      // Smokeball edit between the read and the PUT would be overwritten. The body is built from a read
      // taken right before the PUT; if the contact moved since the first read, the decision is made again
      // on it (once). What remains is the PUT's own wait for its slot and Smokeball's eventual consistency
      // (docs/architecture.md §5 "Two-way sync").
      const again = await readSmokeballRecord(client, kind, link.smokeballId);
      if (!again) return await goneInSmokeball();
      if (again.contact!.lastUpdated !== read.contact!.lastUpdated || again.contact!.versionId !== read.contact!.versionId) {
        read = again;
        inbound = await decide(read);
        if (!inbound?.plan) return await notLinked();
        plan = inbound.plan;
        conflicts.push(...plan.conflicts);
        applied = [...new Set([...applied, ...(Object.keys(plan.apply) as OwnedField[])])];
        recorder.step(step, 'reread', 'the contact changed in Smokeball since it was read');
      } else {
        read = again;
      }
    }
    const pushed = Object.keys(plan.push) as OwnedField[];
    if (conflicts.length > 0) {
      recorder.step('conflicts', 'recorded', conflicts.map((c) => `${c.field}: ${c.winner} won`).join(', '));
    }
    if (pushed.length === 0) {
      recorder.step(step, 'nothing_to_push', applied.length > 0 ? `took from Smokeball: ${applied.join(', ')}` : undefined);
      return await finish({ status: 'nothing_to_push', pushed, applied, conflicts: conflicts.length });
    }
    const values = Object.fromEntries(pushed.map((f) => [f, plan.push[f]!.value])) as Partial<Record<OwnedField, string | null>>;
    try {
      if (kind === 'contact') {
        const body = contactWithCaseHugValues(read.contact!, values, phoneCountry!);
        if (!body) {
          await dropPendingFields(deps.sql, firmId, kind, recordId);
          recorder.step(step, 'not_a_person');
          return await finish({ status: 'not_a_person', pushed: [], applied, conflicts: conflicts.length });
        }
        await client.updates.replaceContact(link.smokeballId, body);
      } else {
        await client.updates.patchMatter(link.smokeballId, matterPatchOf(values));
      }
    } catch (err) {
      // Smokeball refused the values for good (400/422, retries would be refused too): the edits leave
      // pending, so the record's later edits are not merged into them and refused again. The run keeps
      // Smokeball's message; transient failures are thrown as they are, for the queue's retry.
      if (err instanceof AppError && err.code === 'smokeball_bad_request') {
        await dropRefusedFields(deps.sql, firmId, link, Object.fromEntries(pushed.map((f) => [f, plan.push[f]!.changedAt])));
        recorder.step(step, 'refused', pushed.join(', '));
        await finish({ status: 'refused', pushed: [], applied, conflicts: conflicts.length }, err).catch(() => undefined);
        refusedRecorded = true;
      }
      throw err;
    }
    // Accepted, not yet visible: the edits stay pending as sent until a read shows them (decide-fields.ts).
    await markFieldsSent(deps.sql, firmId, link, values, deps.now(), runId);
    recorder.step(step, 'pushed', pushed.join(', '));
    return await finish({ status: 'pushed', pushed, applied, conflicts: conflicts.length });
  } catch (err) {
    if (refusedRecorded) throw err;
    const error = err instanceof AppError ? err : new AppError({ code: 'internal_error', status: 500, message: 'The push to Smokeball failed unexpectedly', cause: err });
    recorder.step(step, 'failed', error.code);
    await finish(nothing('failed'), error).catch(() => undefined);
    throw err;
  }
}

type SmokeballRead = { contact?: Awaited<ReturnType<SmokeballClient['updates']['getContactForUpdate']>>['data']; matter?: Awaited<ReturnType<SmokeballClient['matters']['get']>>['data'] };

/** The record as Smokeball holds it now, or undefined when it is gone (404, or a deleted contact). */
async function readSmokeballRecord(client: SmokeballClient, kind: RecordKind, id: string): Promise<SmokeballRead | undefined> {
  try {
    if (kind === 'contact') {
      const { data } = await client.updates.getContactForUpdate(id);
      return data.isDeleted ? undefined : { contact: data };
    }
    return { matter: (await client.matters.get(id)).data };
  } catch (err) {
    if (err instanceof AppError && err.code === 'smokeball_not_found') return undefined;
    throw err;
  }
}

/** Only the fields being pushed (docs/smokeball.md §3: PATCH takes a partial MatterDto2). */
function matterPatchOf(values: Partial<Record<OwnedField, string | null>>): MatterPatchInput {
  const patch: MatterPatchInput = {};
  if ('title' in values) patch.description = values.title ?? '';
  if ('case_number' in values) patch.number = values.case_number ?? '';
  const status = values.status ? SMOKEBALL_MATTER_STATUS[values.status as keyof typeof SMOKEBALL_MATTER_STATUS] : undefined;
  if ('status' in values && status) patch.status = status;
  return patch;
}
