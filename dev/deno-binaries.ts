// The two Deno versions the project runs: `deno` (the current release, a dev dependency, for the local
// stack and `deno check`) and `deno-edge` (an optional dependency on npm @deno/linux-x64-glibc@2.1.4, the
// binary of Deno 2.1.4, which the Supabase Edge Runtime is built on). npm `deno@2.1.4` itself cannot be
// locked: it names platform packages never published for 2.1.x, so npm ci refuses the lock npm writes.
// The binaries are run by path, never through node_modules/.bin/deno or a package's Node launcher.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The current Deno (local stack, `deno check`). */
export const DENO = denoBinary('deno');
/** The Edge Runtime's Deno (deploy:check, `npm start -- --edge`). */
export const DENO_EDGE = denoBinary('deno-edge');
/** What the hosted Edge Runtime is built on (supabase/edge-runtime v1.74, deno/Cargo.toml). */
export const EDGE_DENO_VERSION = '2.1.4';

/**
 * Flags for every `deno run` / `deno check` the project starts. npm packages come from Deno's own cache
 * (DENO_DIR), never from the checkout's node_modules: a deployed function has none, and with a
 * package.json beside deno.json Deno would otherwise read node_modules. No lock file: the CLI does not
 * upload one, and the current Deno writes a lock format (v5) that Deno 2.1.4 refuses to read.
 */
export const DENO_NPM_FLAGS = ['--node-modules-dir=none', '--no-lock'];

/**
 * The environment every spawned Deno gets on top of its own: the system's CA store, so Deno can fetch npm
 * packages where the registry is reached through a TLS-intercepting proxy, and no update check or colour.
 */
export function denoEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return { ...out, DENO_TLS_CA_STORE: 'system', DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
}

/** The package's native binary: `deno` puts it there in its postinstall (else install_api.cjs links it);
 * `deno-edge` ships it there. */
function denoBinary(pkg: 'deno' | 'deno-edge'): string {
  const dir = fileURLToPath(new URL(`../node_modules/${pkg}/`, import.meta.url));
  const exe = `${dir}deno`;
  if (existsSync(exe)) return exe;
  if (!existsSync(`${dir}install_api.cjs`)) return exe; // reported by the spawn that uses it
  const require = createRequire(import.meta.url);
  return (require(`${dir}install_api.cjs`) as { runInstall(): string }).runInstall();
}
