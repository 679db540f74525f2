// The deploy rehearsal itself (dev/deploy-check/): what the pinned CLI uploads, and that a deno.json the
// Edge Runtime cannot run from that upload fails the check. Each test deploys a copy of the project, so
// it can change the copy's deno.json without touching the checkout.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ROOT } from '../../dev/db/migrate.ts';
import { runDeployCheck } from '../../dev/deploy-check/check.ts';
import { deployWithCli } from '../../dev/deploy-check/cli-deploy.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A copy of what `functions deploy` reads: config.toml, the functions, shared/ and deno.json. */
async function projectCopy(editDenoJson?: (json: Record<string, unknown>) => Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'casehug-deploy-project-'));
  dirs.push(dir);
  await cp(join(ROOT, 'supabase', 'config.toml'), join(dir, 'supabase', 'config.toml'));
  await cp(join(ROOT, 'supabase', 'functions'), join(dir, 'supabase', 'functions'), { recursive: true });
  await cp(join(ROOT, 'shared'), join(dir, 'shared'), { recursive: true });
  const denoJson = JSON.parse(await readFile(join(ROOT, 'deno.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(dir, 'deno.json'), JSON.stringify(editDenoJson ? editDenoJson(denoJson) : denoJson, null, 2));
  return dir;
}

describe('deploy:check', () => {
  test('the CLI uploads deno.json and the files the entry point imports — no lock file, package.json or node_modules', async () => {
    const root = await projectCopy();
    // Present in the project, and still not uploaded: the CLI walks imports from the entry point only.
    await writeFile(join(root, 'deno.lock'), '{"version":"4"}');
    await writeFile(join(root, 'package.json'), '{}');
    const out = await mkdtemp(join(tmpdir(), 'casehug-deploy-out-'));
    dirs.push(out);
    const { bundles } = await deployWithCli({ root, outDir: out, slugs: ['health', 'oauth-callback'] });

    expect(bundles.map((b) => b.slug)).toEqual(['health', 'oauth-callback']);
    for (const b of bundles) {
      expect(b.metadata).toMatchObject({ entrypoint_path: `supabase/functions/${b.slug}/index.ts`, import_map_path: 'deno.json' });
      expect(b.files).toContain('deno.json');
      expect(b.files).toContain(`supabase/functions/${b.slug}/index.ts`);
      expect(b.files).toContain(`supabase/functions/${b.slug}/handler.ts`);
      expect(b.files.filter((f) => f !== 'deno.json' && !f.startsWith(`supabase/functions/${b.slug}/`) && !f.startsWith('shared/'))).toEqual([]);
      expect(b.files.some((f) => /(^|\/)(deno\.lock|package\.json|node_modules)(\/|$)/.test(f))).toBe(false);
      // The uploaded files are the project's bytes.
      expect(await readFile(join(b.dir, 'deno.json'), 'utf8')).toBe(await readFile(join(root, 'deno.json'), 'utf8'));
    }
    // Only what health imports: the OAuth callback's own modules are not in health's upload.
    expect(bundles[0].files).not.toContain('shared/sync/connection/receive-callback.ts');
    expect(bundles[1].files).toContain('shared/sync/connection/receive-callback.ts');
  }, 60_000);

  test('with "nodeModulesDir": "manual" in deno.json no function boots from the upload; without it, it does', async () => {
    const manual = await runDeployCheck({ root: await projectCopy((j) => ({ ...j, nodeModulesDir: 'manual' })), slugs: ['health'] });
    expect(manual.ok).toBe(false);
    expect(manual.rows).toHaveLength(1);
    expect(manual.rows[0].problem).toMatch(/did not boot: .*Could not find a matching package for 'npm:[^']+' in the node_modules directory/);

    const without = await runDeployCheck({ root: await projectCopy((j) => { const { nodeModulesDir: _gone, ...rest } = j; return rest; }), slugs: ['health'] });
    expect(without.rows).toEqual([{ fn: 'health', files: expect.any(Number), expected: '401 {error}', problem: undefined }]);
    expect(without.ok).toBe(true);
  }, 120_000);
});
