// The shared-rate-limiter run, used by the integration test
// (tests/integration/smokeball/rate-limiter-processes.test.ts) and the benchmark
// (bench/scenarios/rate-limiter.ts): a dedicated simulator throttling at 5 rps / burst 5, one account
// seeded with a few contacts and matters, then N real OS processes (rate-limiter-worker.ts), each with its
// own postgres.js pool, Postgres GCRA limiter and typed client, firing their calls all at once. The
// simulator's stats and request log are the ground truth for 429s and for the lower bound on wall time.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SimControl, type RequestLogEntry, type Stats } from '../../dev/smokeball-sim/sim-client.ts';
import { startSmokeballSim } from '../../dev/smokeball-sim/server.ts';
import { createSql } from '../../shared/db/sql.ts';
import { createPostgresRateLimiter } from '../../shared/smokeball/postgres-rate-limiter.ts';
import { createSmokeballClient, type SmokeballClient } from '../../shared/smokeball/client.ts';
import type { RateLimiter } from '../../shared/smokeball/rate-limiter.ts';
import type { ApiCallRecord } from '../../shared/smokeball/request.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER_SCRIPT = fileURLToPath(new URL('./rate-limiter-worker.ts', import.meta.url));

/** Smokeball's documented limit (docs/smokeball.md §6), which the run is about. */
export const SMOKEBALL_LIMIT = { rps: 5, burst: 5 } as const;
/** The simulator's latency for the run: enough to overlap requests, small enough that pacing dominates. */
export const RUN_LATENCY_MS = { min: 30, max: 80 } as const;
/** A worker's pool: an Edge Function instance's size (shared/db/sql.ts POOL_SIZE). */
const WORKER_POOL_SIZE = 5;
/** Seeded per account: enough distinct ids that calls do not all read one row. */
const SEED_CONTACTS = 3;
const SEED_MATTERS = 3;
const SEED_LOCATION = 'IL';
/** Workers that have not answered by then are killed and the run fails (a hung run must not hang CI). */
const RUN_DEADLINE_MS = 180_000;

/** The mixed workload: each kind is exactly one API request on its own endpoint (one page at most). */
export const WORKLOAD_KINDS = ['contacts.search', 'contacts.get', 'matterTypes.list', 'matters.list', 'matters.get'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
export const workloadKindOf = (i: number): WorkloadKind => WORKLOAD_KINDS[i % WORKLOAD_KINDS.length];

export const WorkloadSeed = z.object({
  location: z.string().min(1),
  emails: z.array(z.string().min(1)).min(1),
  contactIds: z.array(z.string().min(1)).min(1),
  matterIds: z.array(z.string().min(1)).min(1),
});
export type WorkloadSeed = z.infer<typeof WorkloadSeed>;

const RateLimitInput = z.object({ rps: z.number().positive(), burst: z.number().int().positive(), jitterAllowanceMs: z.number().min(0).optional() });

export const WorkerInput = z.object({
  worker: z.number().int().min(0),
  dbUrl: z.string().min(1),
  apiUrl: z.string().min(1),
  apiKey: z.string().min(1),
  clientId: z.string().min(1),
  accessToken: z.string().min(1),
  rateLimit: RateLimitInput,
  requests: z.number().int().positive(),
  poolSize: z.number().int().positive(),
  seed: WorkloadSeed,
});
export type WorkerInput = z.infer<typeof WorkerInput>;

export type WorkerCallResult = { kind: WorkloadKind; ok: boolean; error?: { code: string; status?: number; message: string } };
export type WorkerResult = {
  type: 'result';
  worker: number;
  /** Epoch ms when the worker got `go` and when its last call settled. */
  startedAtMs: number;
  finishedAtMs: number;
  results: WorkerCallResult[];
  /** HTTP attempts the client made (retries included) and their statuses. */
  attempts: number;
  statuses: Record<string, number>;
};
export type WorkerMessage = { type: 'ready'; worker: number } | WorkerResult;

/** A typed client with real time and a fixed access token (the run is far shorter than its hour). */
export function createWorkloadClient(input: {
  apiUrl: string;
  apiKey: string;
  clientId: string;
  accessToken: string;
  limiter: RateLimiter;
  onRequest?: (call: ApiCallRecord) => void;
}): SmokeballClient {
  return createSmokeballClient({
    apiUrl: input.apiUrl,
    apiKey: input.apiKey,
    clientId: input.clientId,
    tokens: {
      getAccessToken: async () => input.accessToken,
      refreshAccessToken: async () => {
        throw new Error('the rate-limiter run does not refresh tokens');
      },
    },
    limiter: input.limiter,
    now: () => Date.now(),
    random: Math.random,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    onRequest: input.onRequest,
  });
}

/** Call `i` of a worker: one request of `kind`, over the seeded ids in turn. */
export async function runWorkloadCall(client: SmokeballClient, kind: WorkloadKind, i: number, seed: WorkloadSeed): Promise<void> {
  const pick = <T>(list: T[]) => list[i % list.length];
  switch (kind) {
    case 'contacts.search':
      await client.contacts.searchByEmail(pick(seed.emails));
      return;
    case 'contacts.get':
      await client.contacts.get(pick(seed.contactIds));
      return;
    case 'matterTypes.list':
      await client.matterTypes.list(seed.location);
      return;
    case 'matters.list':
      for await (const _matter of client.matters.list({ contactId: pick(seed.contactIds) })) {
        // Drains the (single) page.
      }
      return;
    case 'matters.get':
      await client.matters.get(pick(seed.matterIds));
      return;
  }
}

/** Contacts and matters to read, created through the API (202, then read until visible). */
export async function seedWorkloadAccount(client: SmokeballClient, tag: string): Promise<WorkloadSeed> {
  const emails = Array.from({ length: SEED_CONTACTS }, (_, n) => `${tag}-${n}@example.test`);
  const contactIds = await Promise.all(
    emails.map(async (email, n) => {
      const { data } = await client.contacts.createPerson({ firstName: `Load${n}`, lastName: tag, email });
      await client.contacts.get(data.id, { justCreated: true });
      return data.id;
    }),
  );
  const { data: types } = await client.matterTypes.list(SEED_LOCATION);
  if (types.length === 0) throw new Error(`no matter types in ${SEED_LOCATION}`);
  const matterIds = await Promise.all(
    Array.from({ length: SEED_MATTERS }, async (_, n) => {
      const { data } = await client.matters.create({
        matterTypeId: types[n % types.length].id,
        clientIds: [contactIds[n % contactIds.length]],
        status: 'Open',
        description: `${tag} load ${n}`,
      });
      await client.matters.get(data.id, { justCreated: true });
      return data.id;
    }),
  );
  return { location: SEED_LOCATION, emails, contactIds, matterIds };
}

/**
 * The least wall time any client could take: per endpoint, the first `burst` requests may go at once and
 * each further one needs 1/rps s, so (count − burst) ÷ rps; the run is bound by its busiest endpoint.
 */
export function lowerBoundMs(log: RequestLogEntry[], limit: { rps: number; burst: number }): number {
  const counts = new Map<string, number>();
  for (const entry of log) counts.set(entry.endpoint, (counts.get(entry.endpoint) ?? 0) + 1);
  let bound = 0;
  for (const count of counts.values()) bound = Math.max(bound, (Math.max(0, count - limit.burst) / limit.rps) * 1000);
  return bound;
}

/** Spawns `count` workers, starts them together once all are ready, and collects their results. */
export async function runWorkers(count: number, input: Omit<WorkerInput, 'worker'>): Promise<WorkerResult[]> {
  const children = Array.from({ length: count }, (_, worker) => startWorker({ ...input, worker }));
  const deadline = setTimeout(() => {
    for (const child of children) child.kill();
  }, RUN_DEADLINE_MS);
  try {
    await Promise.all(children.map((child) => child.expect('ready')));
    for (const child of children) child.go();
    return await Promise.all(children.map((child) => child.expect('result') as Promise<WorkerResult>));
  } finally {
    clearTimeout(deadline);
    for (const child of children) child.kill();
  }
}

function startWorker(input: WorkerInput) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const messages: WorkerMessage[] = [];
  const waiting: (() => void)[] = [];
  let exited: string | undefined;
  const wake = () => waiting.splice(0).forEach((resolve) => resolve());
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      messages.push(JSON.parse(line) as WorkerMessage);
    } catch {
      stderr += `(stdout) ${line}\n`;
    }
    wake();
  });
  child.on('exit', (code, signal) => {
    exited = `worker ${input.worker} exited (${signal ?? code})${stderr ? `: ${stderr.slice(-2000)}` : ''}`;
    wake();
  });
  child.stdin.write(`${JSON.stringify(input)}\n`);

  return {
    /** The next message, which must be of `type`. */
    async expect(type: WorkerMessage['type']): Promise<WorkerMessage> {
      for (;;) {
        const message = messages.shift();
        if (message) {
          if (message.type !== type) throw new Error(`worker ${input.worker} sent ${message.type}, expected ${type}`);
          return message;
        }
        if (exited) throw new Error(exited);
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
    go: () => child.stdin.write('go\n'),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

export type RateLimiterRun = {
  clientId: string;
  workers: WorkerResult[];
  /** From the first worker's `go` to the last call settled. */
  wallMs: number;
  lowerBoundMs: number;
  /** The API requests of the run itself (seeding excluded). */
  log: RequestLogEntry[];
  /** The dedicated simulator's counters over its whole life (seeding included). */
  stats: Stats;
  /** Every 429 of the simulator's life (seeding included), for the report when there is one. */
  throttled: RequestLogEntry[];
  limit: { rps: number; burst: number };
};

/**
 * The whole run on a dedicated simulator, so nothing else moves its counters: a unique client id (hence
 * unique `<client id>:<endpoint>` buckets in the shared Postgres limiter table), one account seeded through
 * the same limiter, then `workers` processes × `requestsPerWorker` concurrent calls.
 */
export async function runRateLimiterWorkload(options: {
  dbUrl: string;
  workers: number;
  requestsPerWorker: number;
  /** Smokeball's limit, which the simulator enforces and the limiter targets. */
  limit?: { rps: number; burst: number };
  /** Overrides the limiter's GCRA_JITTER_ALLOWANCE_MS (for measuring it; production uses the constant). */
  jitterAllowanceMs?: number;
  latencyMs?: { min: number; max: number };
}): Promise<RateLimiterRun> {
  const limit = options.limit ?? SMOKEBALL_LIMIT;
  const tag = `rl-${randomBytes(6).toString('hex')}`;
  const clientId = `casehug-${tag}`;
  const apiKey = `${clientId}-api-key`;
  const sim = await startSmokeballSim({
    port: 0,
    clientId,
    apiKey,
    rateLimit: { enabled: true, rps: limit.rps, burst: limit.burst, retryAfter: false },
    latencyMs: options.latencyMs ?? RUN_LATENCY_MS,
  });
  const control = new SimControl(sim.url);
  const sql = createSql(options.dbUrl, { max: 2 });
  try {
    const account = await control.createAccount(tag);
    const limiterLimit = { ...limit, jitterAllowanceMs: options.jitterAllowanceMs };
    const limiter = createPostgresRateLimiter(sql, { ...limiterLimit, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) });
    const clientInput = { apiUrl: sim.url, apiKey, clientId, accessToken: account.accessToken };
    let seedAttempts = 0;
    const seed = await seedWorkloadAccount(createWorkloadClient({ ...clientInput, limiter, onRequest: () => seedAttempts++ }), tag);
    // The sim logs a request when its response closes: wait for every seeding attempt to be there, so the
    // run's log below holds the run's requests only.
    const seedLog = await logOnceComplete(control, 0, seedAttempts);
    const since = seedLog.reduce((max, entry) => Math.max(max, entry.seq), 0);

    const workers = await runWorkers(options.workers, {
      ...clientInput,
      dbUrl: options.dbUrl,
      rateLimit: limiterLimit,
      requests: options.requestsPerWorker,
      poolSize: WORKER_POOL_SIZE,
      seed,
    });
    const log = await logOnceComplete(control, since, workers.reduce((sum, w) => sum + w.attempts, 0));
    const stats = await control.stats();
    const throttled = (await control.requests()).filter((e) => e.throttled);
    const wallMs = Math.max(...workers.map((w) => w.finishedAtMs)) - Math.min(...workers.map((w) => w.startedAtMs));
    return { clientId, workers, wallMs, lowerBoundMs: lowerBoundMs(log, limit), log, stats, throttled, limit };
  } finally {
    await sql.end({ timeout: 5 });
    await sim.close();
  }
}

/** The request log after `since` once it holds `count` entries (polled with a deadline, never a sleep
 * as synchronisation: the entries are written as the responses close). */
async function logOnceComplete(control: SimControl, since: number, count: number): Promise<RequestLogEntry[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const log = await control.requests({ since });
    if (log.length >= count) return log;
    if (Date.now() > deadline) throw new Error(`the simulator logged ${log.length} of ${count} requests`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
