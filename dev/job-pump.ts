// The local stand-in for the production wake-ups of the sync queue (migrations 20261126000700 and
// 20261126000800). Production: a statement that queues jobs calls sync-worker once through pg_net, and
// pg_cron calls sync-worker every 30 s. Here: the same statement's NOTIFY on `casehug_sync_jobs` (sent
// by the same trigger, once per statement) makes the pump call sync-worker, and a periodic sweep calls
// it on production's schedule unless told otherwise. A missed notification only delays a job until the
// next sweep.
import postgres from 'postgres';

/** Production's sweep: pg_cron's `30 seconds` schedule in 20261126000800_sync_wakeups.sql. */
export const PRODUCTION_SWEEP_INTERVAL_MS = 30_000;
/** sync-worker sweeps running at once, as overlapping pg_cron runs would be. */
const MAX_SWEEPS_IN_FLIGHT = 2;
/** The channel the queue's per-statement wake-up notifies (private.smokeball_wake_sync_worker). */
export const WAKE_CHANNEL = 'casehug_sync_jobs';

export type JobPumpOptions = {
  dbUrl: string;
  functionsUrl: string;
  secretKey: string;
  /** Turn off to prove the sweep alone completes every job. */
  listen?: boolean;
  /** Default: production's. The test stack sweeps every second, so retries and lease expiry stay quick. */
  sweepIntervalMs?: number;
  log?: (line: string) => void;
};

export type JobPump = { stop(): Promise<void> };

export async function startJobPump(options: JobPumpOptions): Promise<JobPump> {
  const log = options.log ?? (() => undefined);
  // Stopping aborts the calls in flight: a sweep during a bulk sync runs for many seconds, and the
  // stack must not wait for it (sync-worker's jobs survive: their leases expire and are claimed again).
  const stopping = new AbortController();
  const callSyncWorker = () =>
    fetch(`${options.functionsUrl}/sync-worker`, {
      method: 'POST',
      headers: { apikey: options.secretKey, 'content-type': 'application/json' },
      body: '{}',
      signal: stopping.signal,
    })
      .then((res) => res.body?.cancel())
      .catch((err) => stopping.signal.aborted || log(`[pump] sync-worker failed: ${err instanceof Error ? err.message : String(err)}`));

  const sql = postgres(options.dbUrl, { max: 1, onnotice: () => undefined });
  let listener: { unlisten(): Promise<void> } | undefined;
  const wakes = new Set<Promise<unknown>>();
  if (options.listen !== false) {
    // One call per notification, as pg_net makes one per statement; the payload only names the firms.
    listener = await sql.listen(WAKE_CHANNEL, () => {
      const wake = callSyncWorker().finally(() => wakes.delete(wake));
      wakes.add(wake);
    });
  }

  // pg_cron starts its call on schedule whether or not the last one finished; a cap keeps a slow queue
  // from piling up calls here.
  const sweeps = new Set<Promise<unknown>>();
  const timer = setInterval(() => {
    if (sweeps.size >= MAX_SWEEPS_IN_FLIGHT) return;
    const sweep = callSyncWorker().finally(() => sweeps.delete(sweep));
    sweeps.add(sweep);
  }, options.sweepIntervalMs ?? PRODUCTION_SWEEP_INTERVAL_MS);

  return {
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await Promise.race([listener?.unlisten().catch(() => undefined), new Promise((r) => setTimeout(r, 1_000))]);
      await Promise.all([...sweeps, ...wakes]);
      await sql.end({ timeout: 1 });
    },
  };
}
