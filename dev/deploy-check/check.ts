// The deploy rehearsal behind `npm run deploy:check`: the pinned CLI deploys every function to the local
// Management API stand-in, each function boots from exactly the files it uploaded on the Edge Runtime's
// Deno with an empty Deno cache (so every npm package is fetched as the platform fetches it, and no
// node_modules exists anywhere in the bundle), and each answers a request without credentials.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionProcess } from '../gateway/function-process.ts';
import { loadOrCreateKeys, publicJwks } from '../keys.ts';
import { freePort } from '../net.ts';
import { deployWithCli, edgeLaunch, type Bundle } from './cli-deploy.ts';
import { checkAnswer, DEFAULT_EXPECTATION, describeExpectation, EXPECTATIONS } from './expectations.ts';

export type CheckRow = {
  fn: string;
  files: number;
  expected: string;
  /** What was wrong; undefined when the function booted and answered as expected. */
  problem?: string;
};

export type DeployCheckResult = {
  rows: CheckRow[];
  ok: boolean;
  bundles: Bundle[];
  timings: { cliMs: number; bootMs: number; totalMs: number };
};

/** Functions booting at once on the 2.1.4 Deno: the first alone fills the empty cache, then a few at a time. */
const BOOT_CONCURRENCY = 4;
/** Where the functions are told the app lives (the OAuth callback redirects there). */
const APP_URL = 'https://app.casehug.invalid/app';

export async function runDeployCheck(options: { root: string; slugs?: string[]; log?: (line: string) => void }): Promise<DeployCheckResult> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const work = await mkdtemp(join(tmpdir(), 'casehug-deploy-check-'));
  const processes: FunctionProcess[] = [];
  try {
    const { bundles } = await deployWithCli({ root: options.root, outDir: join(work, 'bundles'), slugs: options.slugs });
    const cliMs = Date.now() - started;
    log(`CLI uploaded ${bundles.length} functions in ${(cliMs / 1000).toFixed(1)} s`);

    // An empty cache of the check's own: nothing prepared, nothing from the machine's Deno.
    const denoDir = join(work, 'deno-dir');
    await mkdir(denoDir);
    const env = await functionEnv(work, denoDir);
    const output = new Map<string, string[]>();
    const rows = new Map<string, CheckRow>();
    for (const bundle of bundles) {
      const expectation = EXPECTATIONS[bundle.slug] ?? DEFAULT_EXPECTATION;
      rows.set(bundle.slug, { fn: bundle.slug, files: bundle.files.length, expected: describeExpectation(expectation) });
      const nodeModules = bundle.files.find((f) => f.split('/').includes('node_modules'));
      if (nodeModules) rows.get(bundle.slug)!.problem = `uploaded a node_modules file: ${nodeModules}`;
    }

    const bootStarted = Date.now();
    const boot = async (bundle: Bundle) => {
      const row = rows.get(bundle.slug)!;
      if (row.problem) return;
      const lines: string[] = [];
      output.set(bundle.slug, lines);
      const proc = new FunctionProcess({ name: bundle.slug, root: bundle.dir, env, onLine: (_fn, line) => lines.push(line), launch: edgeLaunch(bundle) });
      processes.push(proc);
      try {
        const port = await proc.port();
        const expectation = EXPECTATIONS[bundle.slug] ?? DEFAULT_EXPECTATION;
        const res = await fetch(`http://127.0.0.1:${port}/${bundle.slug}`, {
          method: expectation.method,
          body: expectation.body,
          headers: expectation.body ? { 'content-type': 'application/json' } : {},
          redirect: 'manual',
          signal: AbortSignal.timeout(15_000),
        });
        row.problem = await checkAnswer(expectation, res, APP_URL);
      } catch (err) {
        row.problem = `did not boot: ${firstError(lines) ?? (err instanceof Error ? err.message : String(err))}`;
      }
    };
    const queue = [...bundles];
    const first = queue.shift();
    if (first) await boot(first);
    await Promise.all(Array.from({ length: BOOT_CONCURRENCY }, async () => {
      for (let b = queue.shift(); b; b = queue.shift()) await boot(b);
    }));
    const bootMs = Date.now() - bootStarted;
    if (existsSync(join(denoDir, 'npm')) && readdirSync(join(denoDir, 'npm')).length === 0) {
      for (const row of rows.values()) row.problem ??= 'the npm cache stayed empty: packages came from somewhere else';
    }

    const list = [...rows.values()];
    return { rows: list, ok: list.length > 0 && list.every((r) => !r.problem), bundles, timings: { cliMs, bootMs, totalMs: Date.now() - started } };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await rm(work, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * The environment the platform gives a function, with the project's own variables set. The database and
 * Smokeball addresses are closed ports: a request without credentials must be refused before either.
 */
async function functionEnv(work: string, denoDir: string): Promise<Record<string, string>> {
  const keys = await loadOrCreateKeys(join(work, 'keys.json'));
  const closed = `http://127.0.0.1:${await freePort()}`;
  return {
    PATH: process.env.PATH ?? '',
    DENO_DIR: denoDir,
    SUPABASE_URL: closed,
    SUPABASE_DB_URL: `postgresql://postgres:postgres@127.0.0.1:${new URL(closed).port}/postgres`,
    SUPABASE_JWKS: JSON.stringify(publicJwks(keys.signingKey)),
    SUPABASE_SECRET_KEY: keys.secretKey,
    SUPABASE_PUBLISHABLE_KEY: keys.publishableKey,
    TOKEN_ENCRYPTION_KEYS: keys.tokenEncryptionKeys,
    APP_URL,
    SMOKEBALL_CLIENT_ID: 'deploy-check',
    SMOKEBALL_CLIENT_SECRET: 'deploy-check-secret',
    SMOKEBALL_API_KEY: 'deploy-check-api-key',
    SMOKEBALL_API_URL: closed,
    SMOKEBALL_AUTH_URL: closed,
  };
}

/** Deno's first `error:` line (a boot failure names the module or package it could not load). */
function firstError(lines: string[]): string | undefined {
  const i = lines.findIndex((l) => /\berror\b/i.test(l));
  return i < 0 ? undefined : lines.slice(i, i + 2).join(' ').replace(/\s+/g, ' ').slice(0, 300);
}

export function formatTable(rows: CheckRow[]): string {
  const header = ['function', 'files', 'expected', 'result'];
  const body = rows.map((r) => [r.fn, String(r.files), r.expected, r.problem ? `FAIL ${r.problem}` : 'ok']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => Math.min(b[i].length, i === 3 ? 200 : 60))));
  const line = (cells: string[]) => cells.map((c, i) => (i === 3 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
