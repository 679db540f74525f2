// Users of a test firm who call the functions: each a new user with a role in the firm and an access token
// signed for them by the stack's key, as Supabase Auth would issue it.
import { createFirm, createMember, type Sql } from './db.ts';
import { signToken } from './stack.ts';

export type FirmUser = { id: string; email: string; token: string };

/** A new user who is an admin or member of `firmId`, with their token. */
export async function createFirmUser(sql: Sql, firmId: string, role: 'admin' | 'member'): Promise<FirmUser> {
  const user = await createMember(sql, firmId, role);
  return { ...user, token: await signToken({ sub: user.id, email: user.email }) };
}

/** A new firm (not connected) and its admin, with the admin's token. */
export async function createFirmAdmin(sql: Sql, fields: { jurisdiction?: string } = {}) {
  const firm = await createFirm(sql, fields);
  const admin = await createFirmUser(sql, firm.id, 'admin');
  return { firm, admin, token: admin.token };
}
