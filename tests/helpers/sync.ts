// A connected test firm with its own simulator account, and the steps sync tests repeat.
import { createHash, randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { SimControl, type RequestLogEntry } from '../../dev/smokeball-sim/control.ts';
import { connectFirm } from './connect.ts';
import { createFirm, createMember, type Sql } from './db.ts';
import { callFunction, signToken } from './stack.ts';

export const sim = () => new SimControl(inject('simUrl'));

export type ConnectedFirm = {
  id: string;
  jurisdiction: string;
  adminToken: string;
  memberToken: string;
  /** The firm's Smokeball (simulator) account. */
  username: string;
  accountId: string;
};

export async function createConnectedFirm(sql: Sql, jurisdiction = 'IL'): Promise<ConnectedFirm> {
  const firm = await createFirm(sql, { jurisdiction });
  const admin = await createMember(sql, firm.id, 'admin');
  const member = await createMember(sql, firm.id, 'member');
  const adminToken = await signToken({ sub: admin.id, email: admin.email });
  const memberToken = await signToken({ sub: member.id, email: member.email });
  const username = await connectFirm(adminToken, `firm-${firm.id}`);
  const state = await sim().state(username);
  return { id: firm.id, jurisdiction, adminToken, memberToken, username, accountId: state.accounts[0].accountId };
}

/** Puts a document's bytes in local Storage; returns their sha256. */
export async function putDocumentObject(storagePath: string, size = 4096): Promise<string> {
  const bytes = randomBytes(size);
  const res = await fetch(`${inject('gatewayUrl')}/storage/v1/object/documents/${storagePath}`, {
    method: 'POST',
    headers: { apikey: inject('secretKey'), 'content-type': 'application/pdf', 'x-upsert': 'true' },
    body: bytes,
  });
  if (!res.ok) throw new Error(`storage upload failed: ${res.status}`);
  return createHash('sha256').update(bytes).digest('hex');
}

export async function requestSync(token: string, matterId: string): Promise<Response> {
  return callFunction('sync-matter', {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ matterId }),
  });
}

/** The simulator's request log for one account, after the entry numbered `since`. */
export async function accountRequests(accountId: string, since = 0): Promise<RequestLogEntry[]> {
  return (await sim().requests({ since })).filter((r) => r.accountId === accountId);
}

/** The seq of the account's last logged request (a bookmark for "what came after"). */
export async function bookmark(accountId: string): Promise<number> {
  const log = await accountRequests(accountId);
  return log.length ? log[log.length - 1].seq : 0;
}

export const isWrite = (r: RequestLogEntry) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && !r.endpoint.startsWith('PUT /s3');
