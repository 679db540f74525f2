// Why every Deno the project starts gets `--node-modules-dir=none` and no lock file (dev/deno-binaries.ts,
// docs/deploy.md): shown on a tiny project (deno.json importing zod, no node_modules) with an empty cache.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';
import { DENO, DENO_EDGE, DENO_NPM_FLAGS, denoEnv } from '../../dev/deno-binaries.ts';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tinyProject(extra: Record<string, string> = {}): Promise<{ dir: string; denoDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'casehug-deno-resolution-'));
  dirs.push(dir);
  const denoJson = JSON.parse(await readFile(new URL('../../deno.json', import.meta.url), 'utf8')) as { imports: Record<string, string> };
  await writeFile(join(dir, 'deno.json'), JSON.stringify({ imports: { zod: denoJson.imports.zod } }));
  await writeFile(join(dir, 'main.ts'), "import { z } from 'zod';\nconsole.log(z.string().parse('ok'));\n");
  for (const [name, content] of Object.entries(extra)) await writeFile(join(dir, name), content);
  return { dir, denoDir: join(dir, '.deno-dir') };
}

async function deno(bin: string, args: string[], where: { dir: string; denoDir: string }) {
  try {
    const out = await run(bin, args, { cwd: where.dir, env: denoEnv({ PATH: process.env.PATH, DENO_DIR: where.denoDir }) });
    return { ok: true, output: out.stdout + out.stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

test('with a package.json beside deno.json, Deno reads node_modules unless told --node-modules-dir=none', async () => {
  const project = await tinyProject({ 'package.json': '{"name":"tiny","private":true}' });
  const byDefault = await deno(DENO, ['run', '--no-lock', 'main.ts'], project);
  expect(byDefault.ok).toBe(false);
  expect(byDefault.output).toMatch(/Could not find a matching package for 'npm:zod@[^']+' in the node_modules directory/);

  const fromCache = await deno(DENO, ['run', ...DENO_NPM_FLAGS, 'main.ts'], project);
  expect(fromCache).toEqual({ ok: true, output: expect.stringContaining('ok') });
}, 60_000);

test('the lock file the current Deno writes is one Deno 2.1.4 cannot read', async () => {
  const project = await tinyProject();
  expect((await deno(DENO, ['run', '--node-modules-dir=none', 'main.ts'], project)).ok).toBe(true);
  expect(JSON.parse(await readFile(join(project.dir, 'deno.lock'), 'utf8'))).toMatchObject({ version: '5' });

  const edge = await deno(DENO_EDGE, ['run', '--node-modules-dir=none', 'main.ts'], project);
  expect(edge.ok).toBe(false);
  expect(edge.output).toMatch(/Unsupported lockfile version '5'/);
  // Without the lock file, the same project runs on 2.1.4.
  expect(await deno(DENO_EDGE, ['run', ...DENO_NPM_FLAGS, 'main.ts'], project)).toEqual({ ok: true, output: expect.stringContaining('ok') });
}, 60_000);
