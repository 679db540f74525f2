import { inject, test, expect } from 'vitest';
import postgres from 'postgres';

test('the test database has the Supabase bootstrap: auth.uid() reads request.jwt.claims', async () => {
  const sql = postgres(inject('dbUrl'), { max: 1 });
  try {
    const id = '6f1c1f3e-4c53-4a53-9d7b-0d3c2b8f8e11';
    const [row] = await sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: id, role: 'authenticated' })}, true)`;
      await tx`set local role authenticated`;
      return tx`select auth.uid() as uid, auth.role() as role`;
    });
    expect(row).toEqual({ uid: id, role: 'authenticated' });
  } finally {
    await sql.end();
  }
});
