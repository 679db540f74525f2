// `npm start` as a newcomer runs it: prints `ready`, serves health to `npm run token`'s token, and
// leaves no Postgres or Deno process behind on Ctrl-C (SIGINT) or SIGTERM — also when the signal reaches
// the whole process group (as a terminal sends it) in the middle of a bulk sync with keep-alive
// connections open.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, test } from 'vitest';
import postgres from 'postgres';
import { freePort } from '../../dev/net.ts';
import type { StackKeys } from '../../dev/keys.ts';
import { SimControl } from '../../dev/smokeball-sim/sim-client.ts';
import type { Stack } from '../../dev/stack.ts';
import { createConnectedFirm, createDocument, createMatter, type BenchContext } from '../../bench/lib/bench-stack.ts';
import { waitFor } from '../helpers/wait.ts';

// As package.json's scripts run them: node with the tsx loader, so signals reach the stack directly.
const NODE_TS = [process.execPath, '--import', 'tsx'];
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test.each(['SIGINT', 'SIGTERM'] as const)('npm start prints ready, serves health, and %s leaves no process behind', async (signal) => {
  const dir = await mkdtemp(join(tmpdir(), 'casehug-stack-'));
  dirs.push(dir);
  const env = {
    ...process.env,
    STACK_DATA_DIR: dir,
    STACK_GATEWAY_PORT: String(await freePort()),
    STACK_DB_PORT: String(await freePort()),
    SMOKEBALL_SIM_PORT: String(await freePort()),
  };
  const stack = spawn(NODE_TS[0], [...NODE_TS.slice(1), 'dev/stack.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: stack.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line === 'ready') resolve();
    });
    stack.once('exit', (code) => reject(new Error(`stack exited early (${code})`)));
  });
  await ready;
  const gateway = await new Promise<string>((resolve) => {
    const check = () => {
      const line = lines.find((l) => l.startsWith('database'));
      if (line) resolve(lines.find((l) => l.startsWith('gateway'))!.split(/\s+/)[1]);
      else setTimeout(check, 10);
    };
    check();
  });
  expect(lines.find((l) => l.startsWith('database'))).toMatch(/postgresql:\/\//);

  const token = execFileSync(NODE_TS[0], [...NODE_TS.slice(1), 'dev/token.ts'], { env, encoding: 'utf8' }).trim();
  expect(token.split('.')).toHaveLength(3);
  const health = await fetch(`${gateway}/functions/v1/health`, { headers: { authorization: `Bearer ${token}` } });
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true, database: 'ok', smokeball: { configured: true } });

  const children = descendants(stack.pid!);
  expect(children.some((c) => c.args.includes('postgres -D'))).toBe(true);
  expect(children.some((c) => c.args.includes('deno'))).toBe(true);

  const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
  stack.kill(signal);
  expect(await exited).toBe(0);
  // Postgres and the functions are stopped before the stack exits …
  expect(children.filter((c) => /postgres|deno/.test(c.args) && isAlive(c.pid))).toEqual([]);
  // … and tsx's esbuild helper ends itself once its parent's pipe closes.
  await waitFor(async () => children.every((c) => !isAlive(c.pid)), { timeoutMs: 5_000, what: 'every child to exit' });
  // A bound, not a measure: a fresh stack (initdb, every migration, Deno's first start) on a busy 2-core
  // machine has taken over a minute.
}, 180_000);

test.each(['SIGINT'] as const)(
  '%s to the process group in the middle of a bulk sync, keep-alive connections open: everything stops and the ports are free',
  async (signal) => {
    const dir = await mkdtemp(join(tmpdir(), 'casehug-stack-'));
    dirs.push(dir);
    const simPort = await freePort();
    const gatewayPort = await freePort();
    const env = { ...process.env, STACK_DATA_DIR: dir, STACK_GATEWAY_PORT: String(gatewayPort), STACK_DB_PORT: String(await freePort()), SMOKEBALL_SIM_PORT: String(simPort) };
    // Its own process group, as a terminal starts a foreground job: the signal goes to every process in it.
    const stack = spawn(NODE_TS[0], [...NODE_TS.slice(1), 'dev/stack.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    let ended = false;
    void exited.then(() => (ended = true));
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: stack.stdout! }).on('line', (line) => line === 'ready' && resolve());
      void exited.then((code) => reject(new Error(`stack exited early (${code})`)));
    });
    const info = JSON.parse(await readFile(join(dir, 'stack.json'), 'utf8')) as { gatewayUrl: string; dbUrl: string; simUrl: string; issuer: string };
    const keys = JSON.parse(await readFile(join(dir, 'keys.json'), 'utf8')) as StackKeys;
    const sql = postgres(info.dbUrl, { max: 2, onnotice: () => undefined });
    const agent = new Agent({ keepAlive: true });
    try {
      const ctx = { stack: { ...info, keys } as unknown as Stack, dataDir: dir, sql, sim: new SimControl(info.simUrl), quick: true, log: () => undefined } as BenchContext;
      // Consent without a browser: the simulator approves `?auto=approve` once told to.
      await ctx.sim.config({ autoApprove: true });
      const firm = await createConnectedFirm(ctx, 'lifecycle', { autoSync: false });
      for (let m = 0; m < 15; m++) {
        const { matterId } = await createMatter(ctx, firm.id, m);
        await createDocument(ctx, firm.id, matterId, { status: 'approved', sizeBytes: 4096 });
      }
      const bulk = await fetch(`${info.gatewayUrl}/functions/v1/sync-matter`, {
        method: 'POST',
        headers: { authorization: `Bearer ${firm.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ all: true }),
      });
      expect(bulk.status).toBe(202);
      // In the middle: some matters synced, others still queued or running.
      await waitFor(
        async () => {
          const [{ done, left }] = await sql<{ done: number; left: number }[]>`
            select count(*) filter (where status = 'succeeded')::int as done, count(*) filter (where status in ('queued', 'running'))::int as left
            from public.sync_jobs where firm_id = ${firm.id}`;
          return done >= 1 && left >= 5;
        },
        { timeoutMs: 60_000, what: 'the bulk sync to be under way' },
      );
      // Keep-alive connections to the gateway and the simulator, idle now, as a browser or load tool leaves them.
      for (const url of [`${info.gatewayUrl}/functions/v1/health`, `${info.simUrl}/__sim/health`]) {
        await new Promise<void>((resolve) => request(url, { agent }, (res) => res.resume().on('end', resolve)).on('error', () => resolve()).end());
      }
      // … and one still in flight: a manual sync of another matter waiting on the limiter.
      const { matterId: waiting } = await createMatter(ctx, firm.id, 99);
      const inFlight = fetch(`${info.gatewayUrl}/functions/v1/sync-matter`, {
        method: 'POST',
        headers: { authorization: `Bearer ${firm.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ matterId: waiting }),
      }).catch(() => undefined);

      const children = descendants(stack.pid!);
      expect(children.some((c) => c.args.includes('postgres -D'))).toBe(true);
      await sql.end({ timeout: 1 });
      process.kill(-stack.pid!, signal);
      // A few seconds, whatever is in flight (the stack bounds its own shutdown at 10 s and exits 1 then).
      await waitFor(async () => ended, { timeoutMs: 15_000, what: 'the stack to exit' });
      expect(await exited).toBe(0);
      await inFlight;
      await waitFor(async () => children.every((c) => !isAlive(c.pid)), { timeoutMs: 5_000, what: 'every child to exit' });
      expect(await isPortFree(simPort)).toBe(true);
      expect(await isPortFree(gatewayPort)).toBe(true);
    } finally {
      agent.destroy();
      await sql.end({ timeout: 1 }).catch(() => undefined);
      if (!ended) process.kill(-stack.pid!, 'SIGKILL');
    }
  },
  180_000,
);

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function descendants(root: number): { pid: number; args: string }[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
  const found: { pid: number; args: string }[] = [];
  const queue = [root];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const row of rows.filter((r) => r.ppid === parent)) {
      found.push({ pid: row.pid, args: row.args });
      queue.push(row.pid);
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
