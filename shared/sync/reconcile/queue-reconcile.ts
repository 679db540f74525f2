// reconcile, POST: an admin's reconciliation of their firm now, or (secret key: the nightly pg_cron call)
// one for every connected firm. Either way a queued job per firm (one queued at a time: a click during
// the nightly run joins it), run by the worker in the lowest class of the shared limit, so the request
// answers at once; GET ?jobId= shows the job and its run.
import type { NightlyReconcileAccepted, ReconcileAccepted, ReconcileJob } from '../../api/functions.ts';
import { notFound } from '../../errors.ts';
import { queueFirmReconcileJob, queueReconcileJobs, readReconcileJob } from '../../db/reconcile.ts';
import type { Sql } from '../../db/sql.ts';
import { checkConnection } from '../connection/require-connection.ts';

export async function queueFirmReconcile(deps: { sql: Sql; assertConfigured(): Promise<void> }, firmId: string, userId: string): Promise<ReconcileAccepted> {
  await deps.assertConfigured();
  const decision = await checkConnection(deps.sql, firmId, { allowNeedsReauth: true });
  if (!decision.usable) throw decision.error;
  return { jobId: await queueFirmReconcileJob(deps.sql, firmId, userId) };
}

export async function queueNightlyReconcile(deps: { sql: Sql }): Promise<NightlyReconcileAccepted> {
  return { firms: await queueReconcileJobs(deps.sql) };
}

export async function readFirmReconcile(sql: Sql, firmId: string, jobId: string): Promise<ReconcileJob> {
  const view = await readReconcileJob(sql, firmId, jobId);
  if (!view) throw notFound('No such reconciliation');
  return view;
}
