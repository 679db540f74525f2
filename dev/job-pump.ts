// The local stand-in for the production wake-ups of the sync queue (migration 20261126000800): what
// pg_net does on approval, LISTEN/NOTIFY does here (a call to on-document-approved in Supabase's
// database-webhook shape), and what pg_cron does every few seconds, a periodic sweep does (a call to
// sync-worker). A missed notification only delays a job until the next sweep.
import postgres from 'postgres';

/** pg_cron on Supabase wakes sync-worker every 5 s; locally a tighter sweep keeps tests quick. */
export const SWEEP_INTERVAL_MS = 1_000;
/** sync-worker calls running at once, as overlapping pg_cron runs would be. */
const MAX_SWEEPS_IN_FLIGHT = 2;

export type JobPumpOptions = {
  dbUrl: string;
  functionsUrl: string;
  secretKey: string;
  /** Turn off to prove the sweep alone completes every job. */
  listen?: boolean;
  sweepIntervalMs?: number;
  log?: (line: string) => void;
};

export type JobPump = { stop(): Promise<void> };

export async function startJobPump(options: JobPumpOptions): Promise<JobPump> {
  const log = options.log ?? (() => undefined);
  const call = (name: string, body: unknown) =>
    fetch(`${options.functionsUrl}/${name}`, {
      method: 'POST',
      headers: { apikey: options.secretKey, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
      .then((res) => res.body?.cancel())
      .catch((err) => log(`[pump] ${name} failed: ${err instanceof Error ? err.message : String(err)}`));

  const sql = postgres(options.dbUrl, { max: 1, onnotice: () => undefined });
  let listener: { unlisten(): Promise<void> } | undefined;
  if (options.listen !== false) {
    listener = await sql.listen('casehug_sync_jobs', (payload) => {
      let event: { firm_id: string; matter_id: string; document_id: string };
      try {
        event = JSON.parse(payload);
      } catch {
        return;
      }
      void call('on-document-approved', {
        type: 'UPDATE',
        table: 'documents',
        schema: 'public',
        record: { id: event.document_id, firm_id: event.firm_id, matter_id: event.matter_id, status: 'approved' },
        old_record: null,
      });
    });
  }

  // pg_cron starts its call on schedule whether or not the last one finished; a cap keeps a slow queue
  // from piling up calls here.
  const sweeps = new Set<Promise<unknown>>();
  const timer = setInterval(() => {
    if (sweeps.size >= MAX_SWEEPS_IN_FLIGHT) return;
    const sweep = call('sync-worker', {}).finally(() => sweeps.delete(sweep));
    sweeps.add(sweep);
  }, options.sweepIntervalMs ?? SWEEP_INTERVAL_MS);

  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(sweeps);
      await listener?.unlisten().catch(() => undefined);
      await sql.end({ timeout: 2 });
    },
  };
}
