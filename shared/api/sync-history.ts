// The sync history as the app reads it (public.sync_runs under RLS): the shape of a run row and of its
// `steps` and `counts` JSON. Zod only: the app imports this file.
import { z } from 'zod';
import { ErrorCode } from './errors.ts';

/**
 * What started a run. A matter sync: `manual` (sync-matter), `auto` (an approval), `bulk` (a batch or a
 * reconciliation's re-upload), `webhook`. A push of a CaseHug edit to Smokeball (two-way sync) is `auto`
 * too (its steps are `push_contact`/`push_matter`). `import`: one Smokeball matter imported (or an import
 * request refused as a whole); `reconcile`: one firm's reconciliation.
 */
export const RunTrigger = z.enum(['manual', 'auto', 'bulk', 'webhook', 'import', 'reconcile']);
export type RunTrigger = z.infer<typeof RunTrigger>;
/** The triggers of a matter sync (a queued job's trigger; the others are history-only). */
export const SyncTrigger = RunTrigger.extract(['manual', 'auto', 'bulk', 'webhook']);
export type SyncTrigger = z.infer<typeof SyncTrigger>;

export const RunStatus = z.enum(['running', 'succeeded', 'partial', 'failed']);
export type RunStatus = z.infer<typeof RunStatus>;

/**
 * What a run does, in order. A matter sync: `matter_type`, `contact`, `matter`, `documents` (one bulk
 * creation of several files), `document`, `handoff` (the run continues as the matter's queued job).
 * `refused`: the one step of a request refused before it started. A push (two-way sync): `conflicts`
 * then `push_contact` or `push_matter`. An import: `case_type`, then `matter`. A reconciliation:
 * `subscription`, `matters`, `contacts`, `files`.
 */
export const RunStepName = z.enum([
  'refused', 'matter_type', 'contact', 'matter', 'documents', 'document', 'handoff',
  'push_contact', 'push_matter', 'conflicts',
  'case_type',
  'subscription', 'matters', 'contacts', 'files',
]);
export type RunStepName = z.infer<typeof RunStepName>;

/** Each step's outcomes, a closed list per step (refused: the error code); the server's types allow nothing else. */
export const RUN_STEP_OUTCOMES = {
  matter_type: ['custom-id', 'custom-name', 'built-in', 'alias', 'general-fallback', 'unmapped'],
  contact: ['existing', 'linked', 'created'],
  /** existing | linked | created: a sync; imported | linked: an import. */
  matter: ['existing', 'linked', 'created', 'imported'],
  documents: ['bulk_created'],
  document: ['linked', 'resumed', 'uploaded', 'failed'],
  handoff: ['queued'],
  /** reread: the contact moved in Smokeball between the push's read and its PUT, and was decided again. */
  push_contact: ['pushed', 'reread', 'nothing_to_push', 'not_linked', 'gone_in_smokeball', 'not_a_person', 'refused', 'failed'],
  push_matter: ['pushed', 'nothing_to_push', 'not_linked', 'gone_in_smokeball', 'not_a_person', 'refused', 'failed'],
  conflicts: ['recorded'],
  case_type: ['mapped', 'empty'],
  subscription: ['present', 'registered'],
  matters: ['checked'],
  contacts: ['checked'],
  files: ['checked'],
} as const satisfies Record<Exclude<RunStepName, 'refused'>, readonly [string, ...string[]]>;

const stepOf = <S extends Exclude<RunStepName, 'refused'>>(step: S) =>
  z
    .object({
      step: z.literal(step),
      outcome: z.enum(RUN_STEP_OUTCOMES[step] as unknown as readonly [(typeof RUN_STEP_OUTCOMES)[S][number], ...(typeof RUN_STEP_OUTCOMES)[S][number][]]),
      at: z.iso.datetime({ offset: true }),
      detail: z.string().optional(),
    })
    .strict();

/**
 * One step of a run, appended as it happens (a running run shows its progress), with its outcome from the
 * step's closed list (RUN_STEP_OUTCOMES; refused: the error code). `detail` is the matter type id, the
 * document id, the number of files, the fields pushed, the conflicting fields, the CaseHug matter id,
 * what was checked, or a reason.
 */
export const RunStep = z.discriminatedUnion('step', [
  z.object({ step: z.literal('refused'), outcome: ErrorCode, at: z.iso.datetime({ offset: true }), detail: z.string().optional() }).strict(),
  stepOf('matter_type'), stepOf('contact'), stepOf('matter'), stepOf('documents'), stepOf('document'),
  stepOf('handoff'), stepOf('push_contact'), stepOf('push_matter'), stepOf('conflicts'), stepOf('case_type'),
  stepOf('subscription'), stepOf('matters'), stepOf('contacts'), stepOf('files'),
]);
/** The outcomes step `S` may record. */
export type RunStepOutcome<S extends RunStepName> = Extract<RunStep, { step: S }>['outcome'];
export type RunStep = z.infer<typeof RunStep>;

const Count = z.number().int().min(0);

/** `{}`: a run that failed before it counted anything, or a matter sync before its documents. */
export const EmptyCounts = z.object({}).strict();
export type EmptyCounts = z.infer<typeof EmptyCounts>;
/** A matter sync's document counts. */
export const MatterSyncCounts = z.object({ uploaded: Count, skipped: Count, failed: Count }).strict();
export type MatterSyncCounts = z.infer<typeof MatterSyncCounts>;
/** A push's: fields sent to Smokeball, fields taken from Smokeball (it changed them later), conflicts recorded. */
export const PushCounts = z.object({ pushed: Count, applied: Count, conflicts: Count }).strict();
export type PushCounts = z.infer<typeof PushCounts>;
/** An import's: the CaseHug matter created (1) or found linked (0), and its clients created or found linked. */
export const ImportCounts = z.object({ mattersCreated: Count, clientsCreated: Count, clientsLinked: Count }).strict();
export type ImportCounts = z.infer<typeof ImportCounts>;
/** A reconciliation's: what it checked and what it repaired, with the two totals. */
export const ReconcileRunCounts = z
  .object({
    subscriptionsChecked: Count,
    subscriptionsRepaired: Count,
    mattersChecked: Count,
    mattersUpdated: Count,
    mattersDeleted: Count,
    contactsChecked: Count,
    contactsUpdated: Count,
    contactsDeleted: Count,
    /** A link marked deleted whose record Smokeball shows again. */
    linksRestored: Count,
    documentsChecked: Count,
    /** Approved documents whose Smokeball file is gone, unlinked and queued for the matter's sync. */
    documentsRequeued: Count,
    checked: Count,
    repaired: Count,
  })
  .strict();
export type ReconcileRunCounts = z.infer<typeof ReconcileRunCounts>;

/** A run's `counts`: one of the shapes above (which one follows from the trigger and the steps). */
export const RunCounts = z.union([EmptyCounts, MatterSyncCounts, PushCounts, ImportCounts, ReconcileRunCounts]);
export type RunCounts = z.infer<typeof RunCounts>;

/** A public.sync_runs row as PostgREST (supabase-js `from('sync_runs')`) returns it. */
export const SyncRunRow = z.object({
  id: z.uuid(),
  firm_id: z.uuid(),
  matter_id: z.uuid().nullable(),
  job_id: z.uuid().nullable(),
  trigger: RunTrigger,
  status: RunStatus,
  steps: z.array(RunStep),
  counts: RunCounts,
  api_calls: z.number().int().min(0),
  request_ids: z.array(z.string()),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  duration_ms: z.number().int().nullable(),
  error_code: ErrorCode.nullable(),
  error_message: z.string().nullable(),
  /** What to do about error_code (the code's help); null while running and for runs without an error. */
  help: z.string().nullable(),
  updated_at: z.string(),
});
export type SyncRunRow = z.infer<typeof SyncRunRow>;
