// `npm start` as a newcomer runs it: prints `ready`, serves health to `npm run token`'s token, and
// leaves no Postgres or Deno process behind on Ctrl-C (SIGINT) or SIGTERM.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, test } from 'vitest';
import { freePort } from '../../dev/net.ts';
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
  expect(await health.json()).toEqual({ ok: true, database: 'ok', smokeball: { configured: true } });

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
}, 60_000);

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
