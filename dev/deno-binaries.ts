// The two Deno binaries the project runs. Both npm packages (`deno` and its alias `deno-edge`, npm
// `deno@2.1.4`) declare the bin name `deno`, so node_modules/.bin/deno links to whichever npm linked
// last: never use it. The binaries are spawned directly, not through the packages' bin.cjs (a Node
// launcher that waits on its child, so killing it would leave Deno running).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function binaryOf(pkg: string): string {
  const dir = fileURLToPath(new URL(`../node_modules/${pkg}/`, import.meta.url));
  const binary = `${dir}deno`;
  // The package's postinstall puts the binary there; when it did not run, bin.cjs fetches it once.
  if (!existsSync(binary)) execFileSync(process.execPath, [`${dir}bin.cjs`, '--version'], { stdio: 'ignore' });
  return binary;
}

/** The Deno of the local stack (npm `deno`). */
export const localDeno = (): string => binaryOf('deno');

/** The Deno of Supabase's Edge Runtime, 2.1.4 (npm `deno@2.1.4` under the alias `deno-edge`). */
export const edgeRuntimeDeno = (): string => binaryOf('deno-edge');
