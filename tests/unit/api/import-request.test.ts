// Import requests name Smokeball matters by their ids, which are GUIDs (docs/smokeball.md §8): nothing else
// passes the contract, so no id can walk the `matters/{id}` URL or put raw text into a note.
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ImportMattersRequest } from '../../../shared/api/functions.ts';

describe('ImportMattersRequest', () => {
  test('a GUID passes, trimmed and lowercased', () => {
    const id = randomUUID();
    expect(ImportMattersRequest.parse({ smokeballMatterIds: [` ${id.toUpperCase()} `] })).toEqual({ smokeballMatterIds: [id] });
  });

  test.each(['..', '.', '', '%2e%2e', `${randomUUID()}/..`, `../${randomUUID()}`, `${randomUUID()}?x=1`, randomUUID().replace(/-/g, ''), 'sb-matter-1'])(
    '%j is refused',
    (bad) => {
      const result = ImportMattersRequest.safeParse({ smokeballMatterIds: [bad] });
      expect(result.success).toBe(false);
    },
  );
});
