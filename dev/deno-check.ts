// `deno check` for every function entry point and the Deno-only dev scripts: the functions run on
// Deno in production, so they are type-checked by Deno, not only by tsc.
import { execFileSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { localDeno } from './deno-binaries.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const functionsDir = `${root}supabase/functions`;
const entries = readdirSync(functionsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_') && existsSync(`${functionsDir}/${d.name}/index.ts`))
  .map((d) => `supabase/functions/${d.name}/index.ts`);
const denoOnly = readdirSync(`${root}dev/deno`).filter((f) => f.endsWith('.ts')).map((f) => `dev/deno/${f}`);

execFileSync(localDeno(), ['check', '--quiet', ...entries, ...denoOnly], { cwd: root, stdio: 'inherit' });
console.log(`deno check: ${entries.length} functions, ${denoOnly.length} dev scripts`);
