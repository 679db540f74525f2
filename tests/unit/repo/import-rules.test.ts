// Data flows one way: functions → shared/runtime (composition) → shared/sync (the domain) → shared/db and
// shared/smokeball. The domain imports neither HTTP nor the runtime; the SQL layer imports neither the
// Smokeball client nor anything above it; HTTP knows nothing of the domain. shared/api, the contract the
// app imports as it is, imports zod and its own files only. Checked on every import line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SHARED = join(ROOT, 'shared');

/** Folder under shared/ → folders under shared/ it must not import from. */
const FORBIDDEN: Record<string, string[]> = {
  sync: ['http', 'runtime'],
  db: ['smokeball', 'sync', 'http', 'runtime'],
  smokeball: ['sync', 'http', 'runtime'],
  http: ['sync', 'runtime'],
};

/** The relative specifiers of a file's static and dynamic imports and re-exports. */
export function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(pattern)) found.push(m[1] ?? m[2] ?? m[3]);
  return found;
}

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (name.endsWith('.ts')) yield path;
  }
}

/** The shared/ folder a path is in ('' for a file directly under shared/), or undefined outside shared/. */
function sharedFolder(path: string): string | undefined {
  const rel = relative(SHARED, path);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(/[\\/]/);
  return parts.length > 1 ? parts[0] : '';
}

describe('import rules', () => {
  it('finds static, type-only, multi-line, re-exported and dynamic imports', () => {
    const source = [
      "import { a } from '../http/respond.ts';",
      "import type { B } from '../runtime/runtime.ts';",
      'import {\n  c,\n  d,\n} from "../db/links.ts";',
      "export { e } from './e.ts';",
      "const f = await import('../log.ts');",
      "import '../side-effect.ts';",
      "// import { g } from 'not-an-import';",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual(['../http/respond.ts', '../runtime/runtime.ts', '../db/links.ts', './e.ts', '../log.ts', '../side-effect.ts']);
  });

  for (const [folder, forbidden] of Object.entries(FORBIDDEN)) {
    it(`shared/${folder} imports nothing from ${forbidden.map((f) => `shared/${f}`).join(', ')}`, () => {
      const broken: string[] = [];
      for (const file of tsFiles(join(SHARED, folder))) {
        for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
          if (!spec.startsWith('.')) continue;
          const target = sharedFolder(resolve(dirname(file), spec));
          if (target !== undefined && forbidden.includes(target)) broken.push(`${relative(ROOT, file)} → ${spec}`);
        }
      }
      expect(broken).toEqual([]);
    });
  }

  it('shared/api imports nothing but zod and its own files (the app imports it without the server)', () => {
    const broken: string[] = [];
    for (const file of tsFiles(join(SHARED, 'api'))) {
      for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
        const own = spec.startsWith('./') && dirname(resolve(dirname(file), spec)) === join(SHARED, 'api');
        if (spec !== 'zod' && !own) broken.push(`${relative(ROOT, file)} → ${spec}`);
      }
    }
    expect(broken).toEqual([]);
    // The check sees the contract's imports at all (it would pass vacuously on an empty folder).
    expect([...tsFiles(join(SHARED, 'api'))].length).toBeGreaterThanOrEqual(4);
  });
});
