// Without Smokeball credentials the function answers 503 smokeball_not_configured (docs/architecture.md §5), for the
// picker and the preview alike, after authorizing the caller.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startUnconfiguredFunction } from '../../helpers/connect.ts';
import { createFirm, createMember } from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';
import { signToken } from '../../helpers/stack.ts';
import { FUNCTION } from './helpers.ts';

const sql = useSuperuserSql();
let fn: Awaited<ReturnType<typeof startUnconfiguredFunction>>;
beforeAll(async () => {
  fn = await startUnconfiguredFunction(FUNCTION);
});
afterAll(() => fn?.stop());

describe('smokeball-matter-types without Smokeball credentials', () => {
  test.each(['', '?preview=1', '?type=lead'])('GET %s answers 503 smokeball_not_configured', async (query) => {
    const firm = await createFirm(sql);
    const member = await createMember(sql, firm.id, 'member');
    const token = await signToken({ sub: member.id, email: member.email });
    const res = await fetch(`${fn.url}${query}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: { code: 'smokeball_not_configured', message: expect.stringContaining('Smokeball integration is not configured') },
    });
  });
});
