// Which functions exist and whether each needs a JWT, read from supabase/functions/* and the
// [functions.<name>] sections of supabase/config.toml (only `verify_jwt` matters locally).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type FunctionSpec = { name: string; verifyJwt: boolean };

export function readFunctionSpecs(root: string): FunctionSpec[] {
  const dir = join(root, 'supabase', 'functions');
  const verify = readVerifyJwt(readFileSync(join(root, 'supabase', 'config.toml'), 'utf8'));
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^[A-Za-z][A-Za-z0-9_-]*$/.test(d.name) && existsSync(join(dir, d.name, 'index.ts')))
    .map((d) => ({ name: d.name, verifyJwt: verify.get(d.name) ?? true }));
}

/** `verify_jwt` per `[functions.<name>]` section; Supabase's default is true. */
export function readVerifyJwt(toml: string): Map<string, boolean> {
  const result = new Map<string, boolean>();
  let current: string | undefined;
  for (const raw of toml.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const section = /^\[functions\.([A-Za-z0-9_-]+)\]$/.exec(line);
    if (section) {
      current = section[1];
      continue;
    }
    if (line.startsWith('[')) current = undefined;
    const kv = /^verify_jwt\s*=\s*(true|false)$/.exec(line);
    if (current && kv) result.set(current, kv[1] === 'true');
  }
  return result;
}
