// A connected test firm with its own simulator account, and the steps sync tests repeat.
import { createHash, randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { SimControl, SimControlError, type FaultRuleInput, type RequestLogEntry } from '../../dev/smokeball-sim/sim-client.ts';
import { connectFirm } from './connect.ts';
import { createClient, createDocument, createFirm, createMatter, type Sql } from './db.ts';
import { createFirmUser } from './firm-users.ts';
import { HandedOffSync, SyncMatterResult } from '../../shared/api/functions.ts';
import { conforming } from './contract.ts';
import { callFunction } from './stack.ts';
import { waitFor } from './wait.ts';

export const sim = () => new SimControl(inject('simUrl'));

export type ConnectedFirm = {
  id: string;
  jurisdiction: string;
  /** The users of the firm's admin and member (the two tokens' `sub`). */
  adminId: string;
  memberId: string;
  adminToken: string;
  memberToken: string;
  /** The firm's Smokeball (simulator) account. */
  username: string;
  accountId: string;
};

/**
 * A firm connected to a simulator account of its own. `autoSync: false` turns the connection's auto-sync
 * off, so approving a document enqueues no job and only the test's own sync-matter calls touch the
 * account (the stack's job pump would otherwise sync the matter beside the test).
 */
export async function createConnectedFirm(sql: Sql, jurisdiction = 'IL', options: { autoSync?: boolean } = {}): Promise<ConnectedFirm> {
  const firm = await createFirm(sql, { jurisdiction });
  const admin = await createFirmUser(sql, firm.id, 'admin');
  const member = await createFirmUser(sql, firm.id, 'member');
  const username = await connectFirm(admin.token, `firm-${firm.id}`);
  if (options.autoSync === false) await sql`update public.smokeball_connections set auto_sync = false where firm_id = ${firm.id}`;
  const state = await sim().state(username);
  return { id: firm.id, jurisdiction, adminId: admin.id, memberId: member.id, adminToken: admin.token, memberToken: member.token, username, accountId: state.accounts[0].accountId };
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

/** What createMatterWithDocuments makes: each document's `sha256` is that of the bytes put in Storage. */
export type DocumentsOptions = {
  status: 'approved' | 'pending';
  /** The size of document `i`'s bytes. */
  bytes: number | ((i: number) => number);
  /** Document `i`'s file name (default: createDocument's). */
  fileName?: (i: number) => string;
  /** The matter's case type (default: createMatter's). */
  caseType?: string;
  /** The client's email (default: createClient's). */
  clientEmail?: string | null;
};

/** A matter of the firm, with a client of its own and `count` documents whose bytes are in Storage, made one by one. */
export async function createMatterWithDocuments(sql: Sql, firmId: string, count: number, options: DocumentsOptions) {
  const client = await createClient(sql, firmId, { email: options.clientEmail });
  const matter = await createMatter(sql, firmId, client.id, { caseType: options.caseType });
  const documents = [];
  for (let i = 0; i < count; i++) {
    const doc = await createDocument(sql, firmId, matter.id, { status: options.status, fileName: options.fileName?.(i) });
    const size = typeof options.bytes === 'number' ? options.bytes : options.bytes(i);
    documents.push({ ...doc, sha256: await putDocumentObject(doc.storagePath, size) });
  }
  return { client, matter, documents };
}

/** sync-matter `{ matterId }`; its answer (200 run, 202 handoff, or an error) is checked against the contract. */
export async function requestSync(token: string, matterId: string): Promise<Response> {
  const res = await callFunction('sync-matter', {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ matterId }),
  });
  return conforming(res, res.status === 202 ? HandedOffSync : SyncMatterResult);
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

/** The firm's simulator account as the simulator's state shows it. */
export async function simAccount(username: string) {
  return (await sim().state(username)).accounts[0];
}

/** The account once every accepted write is visible (no pending contact, matter or file). */
export async function settledSimAccount(username: string) {
  return waitFor(async () => {
    const account = await simAccount(username);
    return account.pendingContactIds.length === 0 && account.pendingMatterIds.length === 0 && account.pendingFileIds.length === 0 && account;
  }, { what: 'every accepted write to be visible in the simulator' });
}

/**
 * Runs `fn` with a fault rule scoped to the firm's own account (the simulator is shared by parallel test
 * files), and removes the rule afterwards unless it was used up.
 */
export async function withFault<T>(fault: FaultRuleInput & { account: string }, fn: () => Promise<T>): Promise<T> {
  const rule = await sim().addFault(fault);
  try {
    return await fn();
  } finally {
    await sim().removeFault(rule.id).catch((err) => {
      if (!(err instanceof SimControlError && err.status === 404)) throw err;
    });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LINK_COLUMNS = { clients: 'smokeball_contact_id', matters: 'smokeball_matter_id', documents: 'smokeball_file_id' } as const;

/**
 * Makes storing the Smokeball link of one row fail, the way a function that dies between Smokeball's 202
 * and our commit would leave things: a `before update of <link column>` trigger on that row only that
 * raises. Injected in the database, so product code has no test seam. The trigger function lives in a
 * schema of its own (`sync_test_faults`): nothing the catalog tests inspect, and no role but the
 * superuser can reach it. Call `remove()` in a `finally`.
 */
export async function failLinkStore(sql: Sql, table: keyof typeof LINK_COLUMNS, rowId: string): Promise<{ remove(): Promise<void> }> {
  if (!UUID.test(rowId)) throw new Error(`not a uuid: ${rowId}`);
  const column = LINK_COLUMNS[table];
  const name = `fail_${table}_${randomBytes(6).toString('hex')}`;
  await sql.begin(async (tx) => {
    await tx`create schema if not exists sync_test_faults`;
    // Identifiers and the uuid are checked constants above; DDL takes no bind parameters.
    await tx.unsafe(`
      create function sync_test_faults.${name}() returns trigger language plpgsql as $fn$
      begin
        raise exception 'injected failure: % of % not stored', '${column}', '${rowId}';
      end $fn$`);
    await tx.unsafe(`
      create trigger ${name} before update of ${column} on public.${table}
      for each row when (new.id = '${rowId}' and new.${column} is not null)
      execute function sync_test_faults.${name}()`);
  });
  return {
    async remove() {
      await sql.begin(async (tx) => {
        await tx.unsafe(`drop trigger if exists ${name} on public.${table}`);
        await tx.unsafe(`drop function if exists sync_test_faults.${name}()`);
      });
    },
  };
}

/**
 * The account's logged requests since `since` that a sync run sent, told apart by the RequestIds the run
 * recorded: other work on the account (webhook processing re-fetching what the run wrote) is not counted.
 */
export async function runRequests(sql: Sql, runId: string, accountId: string, since: number): Promise<RequestLogEntry[]> {
  const [run] = await sql<{ request_ids: string[] }[]>`select request_ids from public.sync_runs where id = ${runId}`;
  const ids = new Set(run?.request_ids ?? []);
  return (await accountRequests(accountId, since)).filter((r) => ids.has(r.requestId));
}
