// The sync history as the app reads it (public.sync_runs under RLS): the shape of a run row and of its
// `steps` and `counts` JSON. Zod only: the app imports this file.
import { z } from 'zod';
import { ErrorCode } from './errors.ts';

export const RunTrigger = z.enum(['manual', 'auto', 'bulk', 'webhook']);
export type RunTrigger = z.infer<typeof RunTrigger>;

export const RunStatus = z.enum(['running', 'succeeded', 'partial', 'failed']);
export type RunStatus = z.infer<typeof RunStatus>;

/**
 * What a sync does, in order; `documents` is one bulk creation of several files, `handoff` a run that
 * continues as the matter's queued job, `refused` the one step of a sync refused before it started.
 */
export const RunStepName = z.enum(['refused', 'matter_type', 'contact', 'matter', 'documents', 'document', 'handoff']);
export type RunStepName = z.infer<typeof RunStepName>;

/**
 * One step of a run, appended as it happens (a running run shows its progress). `outcome` per step:
 * matter_type: custom-id | custom-name | built-in | alias | general-fallback | unmapped;
 * contact and matter: existing | linked | created; documents: bulk_created; document: linked | resumed |
 * uploaded | failed; handoff: queued; refused: the error code. `detail` is the matter type id, the
 * document id, the number of files or a reason.
 */
export const RunStep = z
  .object({ step: RunStepName, outcome: z.string(), at: z.iso.datetime({ offset: true }), detail: z.string().optional() })
  .strict();
export type RunStep = z.infer<typeof RunStep>;

/** A matter sync's document counts; `{}` for a run that failed before its documents, or another kind of run. */
export const RunCounts = z
  .object({ uploaded: z.number().int().min(0), skipped: z.number().int().min(0), failed: z.number().int().min(0) })
  .partial()
  .catchall(z.number().int().min(0));
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
