// The tenant-isolation matrix: firms A and B × every actor × every table in the
// public and private schemas × select / insert / update / delete (plus the column-level cases: link
// columns, firm moves, connection settings). Every cell comes from the one table `MATRIX` below and asserts
// its exact outcome. A table that exists in `public` or `private` but is missing from `MATRIX` fails, so a
// new table cannot ship without deciding who may touch it.
import { beforeAll, describe, expect, test } from 'vitest';
import { randomBytes } from 'node:crypto';
import {
  type Actor,
  type Sql,
  type Tx,
  asActor,
  attempt,
  createClient,
  createDocument,
  createFirm,
  createMatter,
  createMember,
  createUser,
  newId,
} from '../../helpers/db.ts';
import { useSuperuserSql } from '../../helpers/file-fixtures.ts';

// ---------------------------------------------------------------------------------------------------
// The expectation table.
//
// Actors, in this order in every row:  A admin | A member | B admin | outsider | anon | service
//   outsider = an authenticated user who belongs to no firm; service = the service_role.
// Each entry is two characters: the outcome against firm A's row, then against firm B's row.
//   Y  select: exactly that firm's fixture rows are visible; insert/update/delete: exactly 1 row affected
//   0  no row visible / affected (RLS filtered it out silently)
//   R  rejected by a policy's WITH CHECK (42501 "new row violates row-level security policy")
//   D  permission denied (42501: no grant on the table, column or schema)
//   V  a read-only view: Postgres refuses the write before any privilege check (55000)
//   .  not applicable (the cell is not run)
// Ops: `select`, `insert`, `update`, `delete` target the firm's fixture row(s) with an innocuous value;
// the other ops name the column they touch (link columns, `firm_id` moves, connection status, …).
// ---------------------------------------------------------------------------------------------------
type Outcome = 'Y' | '0' | 'R' | 'D' | 'V' | '.';
type Cell = `${Outcome}${Outcome}`;
type Row = readonly [aAdmin: Cell, aMember: Cell, bAdmin: Cell, outsider: Cell, anon: Cell, service: Cell];
type FirmKey = 'A' | 'B';

const ACTORS = ['A admin', 'A member', 'B admin', 'outsider', 'anon', 'service'] as const;
type ActorName = (typeof ACTORS)[number];

type Op =
  | { kind: 'select'; expect: Row }
  | { kind: 'insert'; row: (f: FirmFixture, x: Fixture) => Record<string, unknown>; setup?: (tx: Tx, f: FirmFixture) => Promise<unknown>; expect: Row }
  | { kind: 'update'; set: (f: FirmFixture, x: Fixture) => Record<string, unknown>; expect: Row }
  | { kind: 'delete'; expect: Row };

type TableSpec = {
  /** Schema-qualified table name. */
  table: string;
  /** Columns that identify a row, and the column holding its firm (null: a table with no tenant, whose
   * fixture rows are told apart by key). */
  key: readonly string[];
  firmColumn: string | null;
  /** All fixture rows of a firm (what a member must see, exactly) and the one row updates/deletes hit. */
  rows: (f: FirmFixture) => Record<string, string>[];
  target: (f: FirmFixture) => Record<string, string>;
  ops: Record<string, Op>;
};

const ALL_DENIED_BUT_SERVICE: Row = ['DD', 'DD', 'DD', 'DD', 'DD', 'YY'];
const MEMBERS_READ: Row = ['Y0', 'Y0', '0Y', '00', 'DD', 'YY'];
const MEMBERS_WRITE_ROWS: Row = ['Y0', 'Y0', '0Y', '00', 'DD', 'YY'];
const MEMBERS_INSERT: Row = ['YR', 'YR', 'RY', 'RR', 'DD', 'YY'];
const ADMINS_WRITE_ROWS: Row = ['Y0', '00', '0Y', '00', 'DD', 'YY'];
const ADMINS_INSERT: Row = ['YR', 'RR', 'RY', 'RR', 'DD', 'YY'];
const NOBODY: Row = ['DD', 'DD', 'DD', 'DD', 'DD', 'DD'];
const READ_ONLY_VIEW: Row = ['VV', 'VV', 'VV', 'VV', 'VV', 'VV'];
const NOBODY_MOVES: Row = ['DD', 'DD', 'DD', 'DD', 'DD', '..'];

const other = (f: FirmFixture, x: Fixture): string => (f.id === x.A.id ? x.B.id : x.A.id);

const MATRIX: TableSpec[] = [
  {
    table: 'public.firms',
    key: ['id'],
    firmColumn: 'id',
    rows: (f) => [{ id: f.id }],
    target: (f) => ({ id: f.id }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: { kind: 'insert', row: () => ({ id: newId(), name: 'New firm', jurisdiction: 'NY' }), expect: ALL_DENIED_BUT_SERVICE },
      update: { kind: 'update', set: () => ({ name: 'Renamed firm' }), expect: ADMINS_WRITE_ROWS },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    table: 'public.firm_members',
    key: ['firm_id', 'user_id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ firm_id: f.id, user_id: f.admin }, { firm_id: f.id, user_id: f.member }],
    target: (f) => ({ firm_id: f.id, user_id: f.member }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: { kind: 'insert', row: (f, x) => ({ firm_id: f.id, user_id: x.spare, role: 'member' }), expect: ADMINS_INSERT },
      update: { kind: 'update', set: () => ({ role: 'admin' }), expect: ADMINS_WRITE_ROWS },
      delete: { kind: 'delete', expect: ADMINS_WRITE_ROWS },
      'update firm_id (move)': { kind: 'update', set: (f, x) => ({ firm_id: other(f, x) }), expect: NOBODY_MOVES },
    },
  },
  {
    table: 'public.clients',
    key: ['id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ id: f.client }, { id: f.leafClient }],
    target: (f) => ({ id: f.leafClient }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: { kind: 'insert', row: (f) => ({ id: newId(), firm_id: f.id, first_name: 'New', last_name: 'Client' }), expect: MEMBERS_INSERT },
      update: { kind: 'update', set: () => ({ first_name: 'Renamed' }), expect: MEMBERS_WRITE_ROWS },
      delete: { kind: 'delete', expect: MEMBERS_WRITE_ROWS },
      'insert smokeball_contact_id': {
        kind: 'insert',
        row: (f) => ({ id: newId(), firm_id: f.id, first_name: 'New', last_name: 'Client', smokeball_contact_id: `sb-${newId()}` }),
        expect: ALL_DENIED_BUT_SERVICE,
      },
      'update smokeball_contact_id': { kind: 'update', set: () => ({ smokeball_contact_id: `sb-${newId()}` }), expect: ALL_DENIED_BUT_SERVICE },
      'update smokeball_version': { kind: 'update', set: () => ({ smokeball_version: '639074233716654000' }), expect: ALL_DENIED_BUT_SERVICE },
      // The reconciliation's deleted-in-Smokeball mark is a link column like the others.
      'update smokeball_deleted_at': { kind: 'update', set: () => ({ smokeball_deleted_at: new Date() }), expect: ALL_DENIED_BUT_SERVICE },
      'update firm_id (move)': { kind: 'update', set: (f, x) => ({ firm_id: other(f, x) }), expect: NOBODY_MOVES },
    },
  },
  {
    table: 'public.matters',
    key: ['id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ id: f.matter }],
    target: (f) => ({ id: f.matter }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: {
        kind: 'insert',
        row: (f) => ({ id: newId(), firm_id: f.id, client_id: f.client, case_type: 'will', title: 'New matter' }),
        expect: MEMBERS_INSERT,
      },
      update: { kind: 'update', set: () => ({ title: 'Renamed matter' }), expect: MEMBERS_WRITE_ROWS },
      delete: { kind: 'delete', expect: MEMBERS_WRITE_ROWS },
      'insert smokeball_matter_id': {
        kind: 'insert',
        row: (f) => ({ id: newId(), firm_id: f.id, client_id: f.client, case_type: 'will', title: 'New', smokeball_matter_id: `sb-${newId()}` }),
        expect: ALL_DENIED_BUT_SERVICE,
      },
      'update smokeball_matter_id': { kind: 'update', set: () => ({ smokeball_matter_id: `sb-${newId()}` }), expect: ALL_DENIED_BUT_SERVICE },
      'update smokeball_deleted_at': { kind: 'update', set: () => ({ smokeball_deleted_at: new Date() }), expect: ALL_DENIED_BUT_SERVICE },
      'update firm_id (move)': { kind: 'update', set: (f, x) => ({ firm_id: other(f, x) }), expect: NOBODY_MOVES },
    },
  },
  {
    table: 'public.documents',
    key: ['id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ id: f.document }],
    target: (f) => ({ id: f.document }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: { kind: 'insert', row: (f) => documentRow(f), expect: MEMBERS_INSERT },
      update: { kind: 'update', set: () => ({ status: 'approved', approved_at: new Date() }), expect: MEMBERS_WRITE_ROWS },
      delete: { kind: 'delete', expect: MEMBERS_WRITE_ROWS },
      'insert smokeball_file_id': { kind: 'insert', row: (f) => ({ ...documentRow(f), smokeball_file_id: `sb-${newId()}` }), expect: ALL_DENIED_BUT_SERVICE },
      'update smokeball_file_id': { kind: 'update', set: () => ({ smokeball_file_id: `sb-${newId()}` }), expect: ALL_DENIED_BUT_SERVICE },
      'update storage_path': { kind: 'update', set: (f) => ({ storage_path: `${f.id}/${f.matter}/moved-${newId()}.pdf` }), expect: ALL_DENIED_BUT_SERVICE },
      'update firm_id (move)': { kind: 'update', set: (f, x) => ({ firm_id: other(f, x) }), expect: NOBODY_MOVES },
    },
  },
  {
    table: 'public.smokeball_connections',
    key: ['firm_id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ firm_id: f.id }],
    target: (f) => ({ firm_id: f.id }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: {
        kind: 'insert',
        setup: (tx, f) => tx`delete from public.smokeball_connections where firm_id = ${f.id}`,
        row: (f) => ({ firm_id: f.id, region: 'US', account_id: `acct-${newId()}` }),
        expect: ALL_DENIED_BUT_SERVICE,
      },
      'update auto_sync': { kind: 'update', set: () => ({ auto_sync: false }), expect: ADMINS_WRITE_ROWS },
      'update push_to_smokeball': { kind: 'update', set: () => ({ push_to_smokeball: false }), expect: ADMINS_WRITE_ROWS },
      'update apply_from_smokeball': { kind: 'update', set: () => ({ apply_from_smokeball: false }), expect: ADMINS_WRITE_ROWS },
      'update status': { kind: 'update', set: () => ({ status: 'needs_reauth' }), expect: ALL_DENIED_BUT_SERVICE },
      'update account_id': { kind: 'update', set: () => ({ account_id: 'someone-else' }), expect: ALL_DENIED_BUT_SERVICE },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    table: 'public.case_type_mappings',
    key: ['id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ id: f.mapping }],
    target: (f) => ({ id: f.mapping }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: {
        kind: 'insert',
        row: (f) => ({ id: newId(), firm_id: f.id, case_type: 'maritime_salvage', matter_type_name: 'Admiralty' }),
        expect: ADMINS_INSERT,
      },
      update: { kind: 'update', set: () => ({ matter_type_name: 'General Litigation' }), expect: ADMINS_WRITE_ROWS },
      delete: { kind: 'delete', expect: ADMINS_WRITE_ROWS },
      'update firm_id (move)': { kind: 'update', set: (f, x) => ({ firm_id: other(f, x) }), expect: NOBODY_MOVES },
    },
  },
  {
    table: 'public.sync_jobs',
    key: ['id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ id: f.job }],
    target: (f) => ({ id: f.job }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      // A fresh subject: the fixture's queued job already holds the matter's one queued slot.
      insert: { kind: 'insert', row: (f) => ({ firm_id: f.id, kind: 'sync_matter', subject_id: newId(), trigger: 'manual' }), expect: ALL_DENIED_BUT_SERVICE },
      update: { kind: 'update', set: () => ({ status: 'dead' }), expect: ALL_DENIED_BUT_SERVICE },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    table: 'public.sync_runs',
    key: ['id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ id: f.run }],
    target: (f) => ({ id: f.run }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: { kind: 'insert', row: (f) => ({ firm_id: f.id, matter_id: f.matter, trigger: 'manual' }), expect: ALL_DENIED_BUT_SERVICE },
      update: { kind: 'update', set: () => ({ error_message: 'edited' }), expect: ALL_DENIED_BUT_SERVICE },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    table: 'public.smokeball_link_history',
    key: ['id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ id: f.linkHistory }],
    target: (f) => ({ id: f.linkHistory }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: {
        kind: 'insert',
        row: (f) => ({ firm_id: f.id, kind: 'matter', record_id: f.matter, smokeball_id: `old-${newId()}` }),
        expect: ALL_DENIED_BUT_SERVICE,
      },
      update: { kind: 'update', set: () => ({ smokeball_id: 'edited' }), expect: ALL_DENIED_BUT_SERVICE },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    table: 'public.smokeball_imports',
    key: ['id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ id: f.importRow }],
    target: (f) => ({ id: f.importRow }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: { kind: 'insert', row: (f) => ({ firm_id: f.id, batch_id: newId(), smokeball_matter_id: `sb-${newId()}` }), expect: ALL_DENIED_BUT_SERVICE },
      update: { kind: 'update', set: () => ({ status: 'failed' }), expect: ALL_DENIED_BUT_SERVICE },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    // Two-way sync's conflicts (20261201220100): members read their firm's; only the integration writes.
    table: 'public.smokeball_sync_conflicts',
    key: ['id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ id: f.conflict }],
    target: (f) => ({ id: f.conflict }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: { kind: 'insert', row: (f) => conflictRow(f), expect: ALL_DENIED_BUT_SERVICE },
      update: { kind: 'update', set: () => ({ winner: 'casehug' }), expect: ALL_DENIED_BUT_SERVICE },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    table: 'public.smokeball_reconcile_state',
    key: ['firm_id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ firm_id: f.id }],
    target: (f) => ({ firm_id: f.id }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: {
        kind: 'insert',
        setup: (tx, f) => tx`delete from public.smokeball_reconcile_state where firm_id = ${f.id}`,
        row: (f) => ({ firm_id: f.id }),
        expect: ALL_DENIED_BUT_SERVICE,
      },
      update: { kind: 'update', set: () => ({ last_finished_at: new Date() }), expect: ALL_DENIED_BUT_SERVICE },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    // CaseHug edits waiting to be pushed (20261201220100): only the integration (service role) touches them.
    table: 'private.smokeball_pending_pushes',
    key: ['firm_id', 'record_kind', 'record_id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ firm_id: f.id, record_kind: 'contact', record_id: f.client }],
    target: (f) => ({ firm_id: f.id, record_kind: 'contact', record_id: f.client }),
    ops: {
      select: { kind: 'select', expect: ALL_DENIED_BUT_SERVICE },
      insert: { kind: 'insert', row: (f) => ({ firm_id: f.id, record_kind: 'contact', record_id: f.leafClient, fields: {} }), expect: ALL_DENIED_BUT_SERVICE },
      update: { kind: 'update', set: () => ({ fields: {} }), expect: ALL_DENIED_BUT_SERVICE },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    table: 'public.webhook_subscriptions',
    key: ['id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ id: f.subscription }],
    target: (f) => ({ id: f.subscription }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: {
        kind: 'insert',
        row: (f) => ({ firm_id: f.id, smokeball_subscription_id: `sub-${newId()}`, event_types: ['matter.updated'] }),
        expect: ALL_DENIED_BUT_SERVICE,
      },
      update: { kind: 'update', set: () => ({ event_types: ['contact.updated'] }), expect: ALL_DENIED_BUT_SERVICE },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    table: 'public.webhook_events',
    key: ['id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ id: f.event }],
    target: (f) => ({ id: f.event }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: { kind: 'insert', row: (f) => ({ firm_id: f.id, fingerprint: `fp-${newId()}`, event_type: 'matter.updated' }), expect: ALL_DENIED_BUT_SERVICE },
      update: { kind: 'update', set: () => ({ status: 'ignored' }), expect: ALL_DENIED_BUT_SERVICE },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    table: 'private.smokeball_credentials',
    key: ['firm_id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ firm_id: f.id }],
    target: (f) => ({ firm_id: f.id }),
    ops: {
      select: { kind: 'select', expect: ALL_DENIED_BUT_SERVICE },
      insert: {
        kind: 'insert',
        setup: (tx, f) => tx`delete from private.smokeball_credentials where firm_id = ${f.id}`,
        row: (f) => ({
          firm_id: f.id,
          sealed_access_token: 'sealed-access',
          sealed_refresh_token: 'sealed-refresh',
          key_id: 'k1',
          access_token_expires_at: new Date(),
        }),
        expect: ALL_DENIED_BUT_SERVICE,
      },
      update: { kind: 'update', set: () => ({ key_id: 'k2' }), expect: ALL_DENIED_BUT_SERVICE },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    table: 'private.oauth_states',
    key: ['state_hash'],
    firmColumn: 'firm_id',
    rows: (f) => [{ state_hash: f.stateHash }],
    target: (f) => ({ state_hash: f.stateHash }),
    ops: {
      select: { kind: 'select', expect: ALL_DENIED_BUT_SERVICE },
      insert: {
        kind: 'insert',
        row: (f) => ({ state_hash: randomHex(), firm_id: f.id, user_id: f.admin, region: 'US', sealed_code_verifier: 'sealed-verifier' }),
        expect: ALL_DENIED_BUT_SERVICE,
      },
      update: { kind: 'update', set: () => ({ return_path: '/elsewhere' }), expect: ALL_DENIED_BUT_SERVICE },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    // Bulk-sync progress (20261126000700): a security_invoker view over sync_jobs, read-only for all.
    table: 'public.sync_batches',
    key: ['batch_id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ batch_id: f.batch }],
    target: (f) => ({ batch_id: f.batch }),
    ops: {
      select: { kind: 'select', expect: MEMBERS_READ },
      insert: { kind: 'insert', row: (f) => ({ firm_id: f.id, batch_id: newId() }), expect: READ_ONLY_VIEW },
      update: { kind: 'update', set: () => ({ total: 0 }), expect: READ_ONLY_VIEW },
      delete: { kind: 'delete', expect: READ_ONLY_VIEW },
    },
  },
  {
    // The matter-sync lease (20261126000600): written by the service role only.
    table: 'private.matter_sync_leases',
    key: ['matter_id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ matter_id: f.matter }],
    target: (f) => ({ matter_id: f.matter }),
    ops: {
      select: { kind: 'select', expect: ALL_DENIED_BUT_SERVICE },
      insert: {
        kind: 'insert',
        setup: (tx, f) => tx`delete from private.matter_sync_leases where matter_id = ${f.matter}`,
        row: (f) => ({ matter_id: f.matter, firm_id: f.id, holder: 'matrix', locked_until: new Date() }),
        expect: ALL_DENIED_BUT_SERVICE,
      },
      update: { kind: 'update', set: () => ({ holder: 'someone-else' }), expect: ALL_DENIED_BUT_SERVICE },
      delete: { kind: 'delete', expect: ALL_DENIED_BUT_SERVICE },
    },
  },
  {
    // A firm's own Smokeball app (20261201190100): the service role reads it; every write goes through the
    // operator's security-definer functions, so no API role writes the table itself.
    table: 'private.smokeball_apps',
    key: ['firm_id'],
    firmColumn: 'firm_id',
    rows: (f) => [{ firm_id: f.id }],
    target: (f) => ({ firm_id: f.id }),
    ops: {
      select: { kind: 'select', expect: ALL_DENIED_BUT_SERVICE },
      insert: {
        kind: 'insert',
        setup: (tx, f) => tx`delete from private.smokeball_apps where firm_id = ${f.id}`,
        row: (f) => ({ firm_id: f.id, client_id: 'matrix-app', sealed_client_secret: SEALED, sealed_api_key: SEALED, key_id: 'k1', region: 'US' }),
        expect: NOBODY,
      },
      update: { kind: 'update', set: () => ({ client_id: 'matrix-app-2' }), expect: NOBODY },
      delete: { kind: 'delete', expect: NOBODY },
    },
  },
  {
    // The limiter's waiting callers per class and firm (20261201180200): no tenant's to read, and no table
    // privilege for any API role; only private.smokeball_rate_limit_acquire() touches it.
    table: 'private.smokeball_rate_limit_waiters',
    key: ['bucket', 'class_rank', 'firm_id'],
    firmColumn: null,
    rows: (f) => [{ bucket: f.bucket, class_rank: '3', firm_id: f.id }],
    target: (f) => ({ bucket: f.bucket, class_rank: '3', firm_id: f.id }),
    ops: {
      select: { kind: 'select', expect: NOBODY },
      insert: { kind: 'insert', row: (f) => ({ bucket: `matrix:${newId()}`, class_rank: 3, firm_id: f.id, waiting_until: new Date() }), expect: NOBODY },
      update: { kind: 'update', set: () => ({ waiting_until: new Date() }), expect: NOBODY },
      delete: { kind: 'delete', expect: NOBODY },
    },
  },
  {
    // Each firm's last claim, for round-robin claims (20261201180100): no tenant's to read, and no table
    // privilege for any API role; only private.claim_sync_jobs() touches it.
    table: 'private.smokeball_claim_turns',
    key: ['firm_id'],
    firmColumn: null,
    rows: (f) => [{ firm_id: f.id }],
    target: (f) => ({ firm_id: f.id }),
    ops: {
      select: { kind: 'select', expect: NOBODY },
      insert: { kind: 'insert', row: () => ({ firm_id: newId(), last_claimed_at: new Date() }), expect: NOBODY },
      update: { kind: 'update', set: () => ({ last_claimed_at: new Date() }), expect: NOBODY },
      delete: { kind: 'delete', expect: NOBODY },
    },
  },
  {
    // Owned by the rate-limiter migration (20261126000500): no tenant, and no table privilege for any API
    // role — not even service_role, which goes through private.smokeball_rate_limit_reserve().
    table: 'private.smokeball_rate_limits',
    key: ['bucket'],
    firmColumn: null,
    rows: (f) => [{ bucket: f.bucket }],
    target: (f) => ({ bucket: f.bucket }),
    ops: {
      select: { kind: 'select', expect: NOBODY },
      insert: { kind: 'insert', row: () => ({ bucket: `matrix:${newId()}`, tat: new Date() }), expect: NOBODY },
      update: { kind: 'update', set: () => ({ tat: new Date() }), expect: NOBODY },
      delete: { kind: 'delete', expect: NOBODY },
    },
  },
];

function conflictRow(f: FirmFixture): Record<string, unknown> {
  return {
    firm_id: f.id,
    record_kind: 'contact',
    record_id: f.client,
    smokeball_id: `sb-${newId()}`,
    field: 'email',
    winner: 'smokeball',
    casehug_value: 'ours@example.com',
    smokeball_value: 'theirs@example.com',
    casehug_changed_at: new Date(),
    smokeball_changed_at: new Date(),
    smokeball_version: String(Date.now()),
  };
}

function documentRow(f: FirmFixture): Record<string, unknown> {
  const id = newId();
  return {
    id,
    firm_id: f.id,
    matter_id: f.matter,
    file_name: 'intake.pdf',
    storage_path: `${f.id}/${f.matter}/intake-${id}.pdf`,
    size_bytes: 10,
    content_type: 'application/pdf',
  };
}

function randomHex(): string {
  return randomBytes(32).toString('hex');
}

// ---------------------------------------------------------------------------------------------------
// Fixtures: two firms with one row (or two) in every table, fresh ids, committed once for this file.
// ---------------------------------------------------------------------------------------------------
type FirmFixture = {
  key: FirmKey;
  id: string;
  admin: string;
  member: string;
  client: string;
  leafClient: string;
  matter: string;
  document: string;
  mapping: string;
  job: string;
  run: string;
  subscription: string;
  event: string;
  stateHash: string;
  linkHistory: string;
  batch: string;
  bucket: string;
  importRow: string;
  conflict: string;
};
type Fixture = { A: FirmFixture; B: FirmFixture; outsider: string; spare: string };

/** A value of the sealed format the app table's checks require (never opened here). */
const SEALED = 'v1.k1.aXY.Y2lwaGVydGV4dA';

async function createFirmFixture(sql: Sql, key: FirmKey): Promise<FirmFixture> {
  const firm = await createFirm(sql, { name: `Matrix firm ${key}` });
  const admin = await createMember(sql, firm.id, 'admin');
  const member = await createMember(sql, firm.id, 'member');
  const client = await createClient(sql, firm.id);
  const leafClient = await createClient(sql, firm.id);
  const matter = await createMatter(sql, firm.id, client.id);
  const document = await createDocument(sql, firm.id, matter.id);
  const [mapping] = await sql`
    insert into public.case_type_mappings (firm_id, case_type, matter_type_name)
    values (${firm.id}, 'divorce_standard', 'Dissolution of Marriage') returning id`;
  await sql`
    insert into public.smokeball_connections (firm_id, region, account_id, connected_by)
    values (${firm.id}, 'US', ${`acct-${firm.id}`}, ${admin.id})`;
  await sql`
    insert into private.smokeball_credentials (firm_id, sealed_access_token, sealed_refresh_token, sealed_webhook_key, key_id, access_token_expires_at)
    values (${firm.id}, 'sealed-access', 'sealed-refresh', 'sealed-webhook-key', 'k1', now() + interval '1 hour')`;
  const stateHash = randomHex();
  await sql`
    insert into private.oauth_states (state_hash, firm_id, user_id, region, sealed_code_verifier)
    values (${stateHash}, ${firm.id}, ${admin.id}, 'US', 'sealed-verifier')`;
  const [linkHistory] = await sql`
    insert into public.smokeball_link_history (firm_id, account_id, kind, record_id, smokeball_id, replaced_by_account_id)
    values (${firm.id}, ${`acct-old-${firm.id}`}, 'matter', ${matter.id}, ${`old-matter-${firm.id}`}, ${`acct-${firm.id}`}) returning id`;
  const batch = newId();
  // Due in an hour: no worker (woken or sweeping) may claim it and take the matter's lease meanwhile.
  const [job] = await sql`
    insert into public.sync_jobs (firm_id, kind, subject_id, trigger, batch_id, run_after)
    values (${firm.id}, 'sync_matter', ${matter.id}, 'bulk', ${batch}, now() + interval '1 hour') returning id`;
  const [run] = await sql`
    insert into public.sync_runs (firm_id, matter_id, job_id, trigger, request_ids)
    values (${firm.id}, ${matter.id}, ${job.id}, 'manual', ${[`req-${newId()}`]}) returning id`;
  const [subscription] = await sql`
    insert into public.webhook_subscriptions (firm_id, smokeball_subscription_id, event_types)
    values (${firm.id}, ${`sub-${newId()}`}, ${['matter.updated', 'contact.updated']}) returning id`;
  const [event] = await sql`
    insert into public.webhook_events (firm_id, fingerprint, subscription_id, event_type, resource_id)
    values (${firm.id}, ${`fp-${newId()}`}, ${subscription.id}, 'matter.updated', ${`sb-${newId()}`}) returning id`;
  await sql`
    insert into private.matter_sync_leases (matter_id, firm_id, holder, locked_until)
    values (${matter.id}, ${firm.id}, 'matrix', now() + interval '1 minute')`;
  const bucket = `matrix:${key}:${newId()}`;
  await sql`insert into private.smokeball_rate_limits (bucket, tat) values (${bucket}, now())`;
  await sql`
    insert into private.smokeball_apps (firm_id, client_id, sealed_client_secret, sealed_api_key, key_id, region)
    values (${firm.id}, ${`matrix-app-${key}`}, ${SEALED}, ${SEALED}, 'k1', 'US')`;
  await sql`
    insert into private.smokeball_rate_limit_waiters (bucket, class_rank, firm_id, waiting_until)
    values (${bucket}, 3, ${firm.id}, now())`;
  const [importRow] = await sql`
    insert into public.smokeball_imports (firm_id, batch_id, smokeball_matter_id) values (${firm.id}, ${newId()}, ${`sb-import-${firm.id}`}) returning id`;
  await sql`insert into public.smokeball_reconcile_state (firm_id) values (${firm.id})`;
  const [conflict] = await sql`insert into public.smokeball_sync_conflicts ${sql(conflictRow({ id: firm.id, client: client.id } as FirmFixture) as Record<string, never>)} returning id`;
  await sql`
    insert into private.smokeball_pending_pushes (firm_id, record_kind, record_id, fields)
    values (${firm.id}, 'contact', ${client.id}, '{}'::jsonb)`;
  await sql`insert into private.smokeball_claim_turns (firm_id, last_claimed_at) values (${firm.id}, now())`;
  return {
    key,
    bucket,
    importRow: importRow.id,
    conflict: conflict.id,
    id: firm.id,
    admin: admin.id,
    member: member.id,
    client: client.id,
    leafClient: leafClient.id,
    matter: matter.id,
    document: document.id,
    mapping: mapping.id,
    job: job.id,
    run: run.id,
    subscription: subscription.id,
    event: event.id,
    stateHash,
    linkHistory: linkHistory.id,
    batch,
  };
}

function actorFor(name: ActorName, x: Fixture): Actor {
  switch (name) {
    case 'A admin':
      return { role: 'authenticated', userId: x.A.admin };
    case 'A member':
      return { role: 'authenticated', userId: x.A.member };
    case 'B admin':
      return { role: 'authenticated', userId: x.B.admin };
    case 'outsider':
      return { role: 'authenticated', userId: x.outsider };
    case 'anon':
      return { role: 'anon' };
    case 'service':
      return { role: 'service_role' };
  }
}

// ---------------------------------------------------------------------------------------------------
// Running one cell
// ---------------------------------------------------------------------------------------------------
function where(tx: Tx, key: Record<string, string>) {
  return Object.entries(key).reduce<ReturnType<Tx> | null>(
    (acc, [column, value]) => (acc ? tx`${acc} and ${tx(column)} = ${value}` : tx`${tx(column)} = ${value}`),
    null,
  )!;
}

/** For a table without a tenant column: the fixture firm whose row this is, or null. */
function firmOfKey(spec: TableSpec, row: Record<string, unknown>, x: Fixture): string | null {
  for (const f of [x.A, x.B]) {
    if (spec.rows(f).some((r) => keyString(r, spec.key) === keyString(row, spec.key))) return f.id;
  }
  return null;
}

const keyString = (row: Record<string, unknown>, key: readonly string[]): string => key.map((k) => String(row[k])).join('|');

/** Runs the op as the actor against the firm's row and reports the outcome as a matrix character. */
async function runCell(sql: Sql, spec: TableSpec, op: Op, actorName: ActorName, firm: FirmFixture, x: Fixture): Promise<string> {
  const actor = actorFor(actorName, x);
  const result = await attempt(() =>
    asActor(
      sql,
      actor,
      async (tx) => {
        switch (op.kind) {
          case 'select': {
            const rows = spec.firmColumn
              ? await tx`select ${tx([...spec.key])}, ${tx(spec.firmColumn)}::text as "firm" from ${tx(spec.table)}`
              : (await tx`select ${tx([...spec.key])} from ${tx(spec.table)}`).map((r) => ({ ...r, firm: firmOfKey(spec, r, x) }));
            // Our fresh users belong to A and/or B only: anything else they see is a leak.
            if (actor.role !== 'service_role') {
              const foreign = rows.filter((r) => r.firm !== x.A.id && r.firm !== x.B.id);
              if (foreign.length > 0) return `leak: ${foreign.length} row(s) of other firms`;
            }
            const visible = rows.filter((r) => r.firm === firm.id).map((r) => keyString(r, spec.key)).sort();
            const fixture = spec.rows(firm).map((r) => keyString(r, spec.key)).sort();
            if (visible.length === 0) return '0';
            return JSON.stringify(visible) === JSON.stringify(fixture) ? 'Y' : `rows: ${JSON.stringify(visible)}`;
          }
          case 'insert': {
            const result = await tx`insert into ${tx(spec.table)} ${tx(op.row(firm, x))}`;
            return countOutcome(result.count);
          }
          case 'update': {
            const result = await tx`update ${tx(spec.table)} set ${tx(op.set(firm, x))} where ${where(tx, spec.target(firm))}`;
            return countOutcome(result.count);
          }
          case 'delete': {
            const result = await tx`delete from ${tx(spec.table)} where ${where(tx, spec.target(firm))}`;
            return countOutcome(result.count);
          }
        }
      },
      op.kind === 'insert' && op.setup ? (tx) => op.setup!(tx, firm) : undefined,
    ),
  );
  if (result.ok) return result.value;
  const { code, message } = result.error;
  if (code === '42501') return /row-level security/.test(message) ? 'R' : 'D';
  if (code === '55000' && /^cannot (insert into|update|delete from) view/.test(message)) return 'V';
  return `error ${code}: ${message}`;
}

const countOutcome = (count: number): string => (count === 1 ? 'Y' : count === 0 ? '0' : `count ${count}`);

// ---------------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------------
const sql = useSuperuserSql({ max: 1 });
let x: Fixture;

beforeAll(async () => {
  const A = await createFirmFixture(sql, 'A');
  const B = await createFirmFixture(sql, 'B');
  const outsider = await createUser(sql);
  const spare = await createUser(sql);
  x = { A, B, outsider: outsider.id, spare: spare.id };
});

test('every table in the public and private schemas is in the matrix, and every matrix table exists', async () => {
  const rows = await sql<{ name: string }[]>`
    select n.nspname || '.' || c.relname as name
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'private')
      and c.relkind in ('r', 'p', 'v', 'm', 'f')
    order by 1`;
  expect(rows.map((r) => r.name)).toEqual(MATRIX.map((s) => s.table).sort());
});

test('every matrix table covers select, insert, update and delete', () => {
  for (const spec of MATRIX) {
    const kinds = new Set(Object.values(spec.ops).map((op) => op.kind));
    expect([spec.table, [...kinds].sort()]).toEqual([spec.table, ['delete', 'insert', 'select', 'update']]);
  }
});

describe.each(MATRIX.map((spec) => [spec.table, spec] as const))('%s', (_name, spec) => {
  const cells = Object.entries(spec.ops).flatMap(([opName, op]) =>
    ACTORS.flatMap((actorName, i) =>
      (['A', 'B'] as const).flatMap((target, t) => {
        const expected = op.expect[i]![t] as Outcome;
        return expected === '.' ? [] : [{ opName, op, actorName, target, expected }];
      }),
    ),
  );
  test.each(cells)('$opName as $actorName on firm $target row → $expected', async ({ op, actorName, target, expected }) => {
    expect(await runCell(sql, spec, op, actorName, x[target], x)).toBe(expected);
  });
});
