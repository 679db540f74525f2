// Comments cite only what the repository carries: docs/architecture.md and docs/smokeball.md. A citation
// of a design, style or reference document that lives elsewhere, or of an issue number, means nothing to
// a maintainer who has only this repository, so any such citation in code or SQL fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const FOLDERS = ['shared', 'supabase', 'dev', 'bench', 'tests'];
const CODE = /\.(ts|sql|js|mjs)$/;

/** The outside citations, spelled so that this file itself does not match them. */
export const OUTSIDE_CITATION = new RegExp(
  [['reference', '§'], ['DESIGN', '§'], ['STYLE', '§'], ['anchors', '§']]
    .map(([word, sign]) => `\\b${word} ${sign}`)
    .concat(['\\b[Ii]ssue #?\\d+'])
    .join('|'),
);

function* codeFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* codeFiles(path);
    else if (CODE.test(name)) yield path;
  }
}

describe('comments cite only the repository', () => {
  it('the pattern catches each kind of outside citation and not the repository docs', () => {
    const bads = ['(reference', 'DESIGN', 'STYLE', 'anchors'].map((word) => `${word} §4`).concat(['is' + 'sue 11', 'Is' + 'sue 4,']);
    for (const bad of bads) {
      expect(OUTSIDE_CITATION.test(bad), bad).toBe(true);
    }
    for (const good of ['docs/smokeball.md §5', 'docs/architecture.md §6', 'tissue 4', 'the issued token']) {
      expect(OUTSIDE_CITATION.test(good), good).toBe(false);
    }
  });

  it('no code or SQL file under shared/, supabase/, dev/, bench/ or tests/ has one', () => {
    const hits: string[] = [];
    for (const folder of FOLDERS) {
      for (const file of codeFiles(join(ROOT, folder))) {
        readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
          if (OUTSIDE_CITATION.test(line)) hits.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(hits).toEqual([]);
  });
});
