// One OS process of the shared-rate-limiter run: its own postgres.js pool, its own Postgres GCRA
// limiter and its own typed Smokeball client, exactly as one Edge Function instance would have. Protocol
// on stdin/stdout, one JSON object per line: the parent sends the input, the worker answers `ready` once
// its modules are loaded and its pool is connected, the parent sends `go` to every worker at once, the
// worker fires all its calls concurrently and answers `result`. The access token comes over stdin, never
// argv (argv is visible in `ps`).
import { createInterface } from 'node:readline';
import { createSql } from '../../shared/db/sql.ts';
import { createPostgresRateLimiter } from '../../shared/smokeball/postgres-rate-limiter.ts';
import { SmokeballError, SmokeballHttpError } from '../../shared/smokeball/errors.ts';
import type { ApiCallRecord } from '../../shared/smokeball/request.ts';
import {
  createWorkloadClient,
  runWorkloadCall,
  WorkerInput,
  workloadKindOf,
  type WorkerCallResult,
  type WorkerMessage,
} from './rate-limiter-workers.ts';

const send = (message: WorkerMessage) => new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(message)}\n`, () => resolve()));

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('stdin closed before the protocol finished');
    return line.value;
  };
  const input = WorkerInput.parse(JSON.parse(await next()));
  const sql = createSql(input.dbUrl, { max: input.poolSize });
  try {
    await sql`select 1`;
    const calls: ApiCallRecord[] = [];
    const limiter = createPostgresRateLimiter(sql, {
      ...input.rateLimit,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    const client = createWorkloadClient({ ...input, limiter, onRequest: (call) => calls.push(call) });
    await send({ type: 'ready', worker: input.worker });
    if ((await next()).trim() !== 'go') throw new Error('expected go');

    const startedAtMs = Date.now();
    const results = await Promise.all(
      Array.from({ length: input.requests }, async (_, i): Promise<WorkerCallResult> => {
        const kind = workloadKindOf(i);
        try {
          await runWorkloadCall(client, kind, i, input.seed);
          return { kind, ok: true };
        } catch (error) {
          const code = error instanceof SmokeballError ? error.code : 'unexpected';
          const status = error instanceof SmokeballHttpError ? error.upstreamStatus : undefined;
          return { kind, ok: false, error: { code, status, message: error instanceof Error ? error.message : String(error) } };
        }
      }),
    );
    const finishedAtMs = Date.now();
    await send({ type: 'result', worker: input.worker, startedAtMs, finishedAtMs, results, attempts: calls.length, statuses: countStatuses(calls) });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function countStatuses(calls: ApiCallRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    const key = call.status === undefined ? call.outcome : String(call.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    process.stderr.write(`rate-limiter worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
