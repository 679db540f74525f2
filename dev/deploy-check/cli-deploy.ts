// Runs the pinned Supabase CLI's `functions deploy --use-api` against the local Management API stand-in
// and writes exactly what it uploaded for each function into a folder of its own:
// <outDir>/<slug>/<path the CLI gave the file>. Nothing else goes into those folders.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DENO_EDGE } from '../deno-binaries.ts';
import { startManagementApi, type DeployMetadata } from './management-api.ts';

const run = promisify(execFile);
const SUPABASE_BIN = fileURLToPath(new URL('../../node_modules/.bin/supabase', import.meta.url));
/** Any 20 lowercase letters pass the CLI's project-ref check. */
const PROJECT_REF = 'deploycheckaaaaaaaaa';

export type Bundle = {
  slug: string;
  /** The folder holding this function's uploaded files. */
  dir: string;
  metadata: DeployMetadata;
  /** Every uploaded path, sorted. */
  files: string[];
};

export type CliDeploy = { bundles: Bundle[]; cliOutput: string };

/**
 * `root` is the project (supabase/config.toml, supabase/functions, deno.json); `slugs` limits the deploy
 * to those functions (the CLI deploys one with a single request, several with bundleOnly uploads and a
 * bulk update).
 */
export async function deployWithCli(options: { root: string; outDir: string; slugs?: string[] }): Promise<CliDeploy> {
  const api = await startManagementApi(PROJECT_REF);
  // The CLI reads and writes ~/.supabase (access token, profile name, telemetry): a home of its own.
  const home = await mkdtemp(join(tmpdir(), 'casehug-cli-home-'));
  try {
    // A profile is a file the CLI loads with viper when --profile is not a built-in name
    // (internal/utils/profile.go); api_url is where every Management API call goes.
    const profile = join(home, 'deploy-check-profile.json');
    await writeFile(
      profile,
      JSON.stringify({ name: 'deploy-check', api_url: api.url, dashboard_url: `${api.url}/dashboard`, project_host: 'supabase.co' }),
    );
    const args = ['--profile', profile, 'functions', 'deploy', ...(options.slugs ?? []), '--use-api', '--project-ref', PROJECT_REF];
    let cliOutput: string;
    try {
      const out = await run(SUPABASE_BIN, args, {
        cwd: options.root,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          // The CLI's format for personal access tokens; the stand-in accepts any.
          SUPABASE_ACCESS_TOKEN: `sbp_${'0'.repeat(40)}`,
          SUPABASE_TELEMETRY_DISABLED: '1',
          DO_NOT_TRACK: '1',
        },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 120_000,
      });
      cliOutput = `${out.stdout}${out.stderr}`;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`supabase functions deploy failed: ${e.stderr || e.stdout || e.message}`);
    }
    if (api.unexpected.length) throw new Error(`the CLI made requests the stand-in does not know: ${api.unexpected.join(', ')}`);

    const bundles: Bundle[] = [];
    for (const upload of [...api.uploads.values()].sort((a, b) => a.slug.localeCompare(b.slug))) {
      const dir = join(options.outDir, upload.slug);
      await rm(dir, { recursive: true, force: true });
      for (const [path, content] of upload.files) {
        const target = join(dir, safeRelative(path));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, content);
      }
      bundles.push({ slug: upload.slug, dir, metadata: upload.metadata, files: [...upload.files.keys()].sort() });
    }
    return { bundles, cliOutput };
  } finally {
    await api.close();
    await rm(home, { recursive: true, force: true });
  }
}

/** The CLI names files relative to its working directory; anything else would escape the bundle. */
function safeRelative(path: string): string {
  const normal = normalize(path);
  if (isAbsolute(normal) || normal === '..' || normal.startsWith(`..${sep}`)) throw new Error(`uploaded path outside the project: ${path}`);
  return normal;
}

/**
 * How a bundle runs as the Edge Runtime runs it: on its Deno, from the bundle's folder alone, with the
 * uploaded deno.json as the configuration and the uploaded entry point. No --node-modules-dir flag: the
 * uploaded deno.json alone decides where npm packages come from, as it does when deployed.
 */
export function edgeLaunch(bundle: Bundle): { deno: string; cwd: string; denoFlags: string[]; entry: string } {
  const config = bundle.metadata.import_map_path;
  return {
    deno: DENO_EDGE,
    cwd: bundle.dir,
    denoFlags: [...(config ? ['--config', config] : []), '--no-lock'],
    entry: bundle.metadata.entrypoint_path,
  };
}
