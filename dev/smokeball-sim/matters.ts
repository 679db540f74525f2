// Matters (docs/smokeball.md §3): create (202, validated like Smokeball: matter type, clients, status → 400
// ProblemDetails), get, list with filters and paging, PATCH (partial, MatterDto2) and PUT (full, with
// Smokeball's restrictions). Writes are asynchronous (writes.ts).
import { findMatterType, LOCATIONS, type MatterTypeRecord } from './catalog.ts';
import { ticksOf, unixMsOfTicks } from './clock.ts';
import { isKnownContact } from './contacts.ts';
import { json, ReplyError, type Reply } from './http.ts';
import { newGuid } from './ids.ts';
import { pagedEnvelope, pageOf } from './paging.ts';
import { shapeOn } from './options.ts';
import { refusePendingReference } from './pending-references.ts';
import { notFoundProblem, problem, throwIfInvalid, type FieldError } from './problem.ts';
import type { Account, JsonObject, MatterRecord } from './store.ts';
import { matterView } from './views.ts';
import { scheduleWrite } from './writes.ts';
import type { ApiCtx } from './world.ts';

/** Reference §3 "Create": status is one of these and effectively mandatory. */
export const MATTER_STATUSES = ['Open', 'Pending', 'Closed', 'Deleted', 'Cancelled'];

/** MatterDto fields kept as sent; `dateOpened` (the tutorial's name) is stored as `openedDate`. */
const EXTRA_FIELDS = [
  'openedDate', 'closedDate', 'leadOpenedDate', 'leadClosedDate', 'leadClosedReason', 'personResponsibleStaffId',
  'personAssistingStaffId', 'personAssistingStaffIds', 'originatingStaffId', 'originatingStaffIds', 'referralType', 'referrerId',
  'branchId', 'clientCode',
];

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalString = (body: JsonObject, field: string, errors: FieldError[]) => {
  const v = body[field];
  if (v !== undefined && v !== null && typeof v !== 'string') errors.push({ field, message: `${field} must be a string.` });
  return typeof v === 'string' ? v : undefined;
};

function parseMatterType(value: unknown, errors: FieldError[]): MatterTypeRecord | undefined {
  if (typeof value !== 'string' || value === '') {
    errors.push({ field: 'matterTypeId', message: 'matterTypeId is required.' });
    return undefined;
  }
  const location = value.includes('_') ? value.slice(value.lastIndexOf('_') + 1) : '';
  if (!LOCATIONS.includes(location)) {
    errors.push({ field: 'matterTypeId', message: `matterTypeId '${value.slice(0, 80)}' does not name a valid location.` });
    return undefined;
  }
  const type = findMatterType(value);
  if (!type || type.isDeleted) errors.push({ field: 'matterTypeId', message: `Matter type '${value.slice(0, 80)}' does not exist.` });
  return type && !type.isDeleted ? type : undefined;
}

/** Contact ids a body names that do not exist at all: with `shapes.asyncInvalidReference` they are not a
 * 400 but a 202 followed by an `error` webhook (the write is validated when it is processed). */
type Unknown = { field: string; id: string }[];

function parseContactIds(
  ctx: ApiCtx,
  body: JsonObject,
  field: string,
  required: boolean,
  errors: FieldError[],
  unknown: Unknown,
): string[] | undefined {
  const account = ctx.account;
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) errors.push({ field, message: `${field} must contain at least one client.` });
    return undefined;
  }
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string')) {
    errors.push({ field, message: `${field} must be an array of contact ids.` });
    return undefined;
  }
  if (required && value.length === 0) errors.push({ field, message: `${field} must contain at least one client.` });
  for (const id of value as string[]) {
    if (!isKnownContact(account, id)) {
      if (shapeOn(ctx.world.options, 'asyncInvalidReference')) unknown.push({ field, id });
      else errors.push({ field, message: `Contact '${id.slice(0, 80)}' does not exist.` });
    }
  }
  return value as string[];
}

function parseStatus(body: JsonObject, required: boolean, errors: FieldError[]): string | undefined {
  const value = body.status;
  if (value === undefined || value === null) {
    if (required) errors.push({ field: 'status', message: `status is required (${MATTER_STATUSES.join(', ')}).` });
    return undefined;
  }
  const status = MATTER_STATUSES.find((s) => typeof value === 'string' && s.toLowerCase() === value.toLowerCase());
  if (!status) errors.push({ field: 'status', message: `status must be one of ${MATTER_STATUSES.join(', ')}.` });
  return status;
}

function parseRoles(body: JsonObject, type: MatterTypeRecord | undefined, errors: FieldError[]) {
  const clientRole = optionalString(body, 'clientRole', errors);
  const otherSideRole = optionalString(body, 'otherSideRole', errors);
  if (!type) return { clientRole, otherSideRole };
  for (const [field, role] of [['clientRole', clientRole], ['otherSideRole', otherSideRole]] as const) {
    if (role !== undefined && !type.representativeOptions.includes(role)) {
      errors.push({ field, message: `${field} must be one of ${type.representativeOptions.join(', ')}.` });
    }
  }
  if (clientRole !== undefined && clientRole === otherSideRole) errors.push({ field: 'otherSideRole', message: 'clientRole and otherSideRole cannot be the same.' });
  return { clientRole, otherSideRole };
}

function extrasOf(body: JsonObject): JsonObject {
  const extra: JsonObject = {};
  if (body.dateOpened !== undefined && body.openedDate === undefined) extra.openedDate = body.dateOpened;
  for (const field of EXTRA_FIELDS) if (body[field] !== undefined && body[field] !== null) extra[field] = body[field];
  return extra;
}

/** Reference §3 "Create": the OAS name is `otherSideIds`; the tutorial's typo `otherSidesIds` is accepted too. */
const otherSidesField = (body: JsonObject) => (body.otherSideIds === undefined && body.otherSidesIds !== undefined ? 'otherSidesIds' : 'otherSideIds');

type MatterFields = Omit<MatterRecord, 'id' | 'title' | 'versionId' | 'createdMs' | 'lastUpdatedMs'>;

function parseFullMatter(ctx: ApiCtx, body: unknown, unknown: Unknown): MatterFields {
  if (!isObject(body)) throw new ReplyError(problem(400, ctx.path, 'The request body must be a JSON object.'));
  const errors: FieldError[] = [];
  const type = parseMatterType(body.matterTypeId, errors);
  const clientIds = parseContactIds(ctx, body, 'clientIds', true, errors, unknown) ?? [];
  const otherSideIds = parseContactIds(ctx, body, otherSidesField(body), false, errors, unknown) ?? [];
  const status = parseStatus(body, true, errors);
  const isLead = body.isLead === true;
  if (type && isLead !== (type.type === 1)) {
    errors.push({ field: 'matterTypeId', message: isLead ? 'A lead needs a lead type (Type=1).' : 'A matter cannot use a lead type.' });
  }
  const roles = parseRoles(body, type, errors);
  const number = optionalString(body, 'number', errors) ?? '';
  const description = optionalString(body, 'description', errors) ?? '';
  const externalSystemId = optionalString(body, 'externalSystemId', errors);
  throwIfInvalid(ctx.path, errors);
  refusePendingContacts(ctx, [...clientIds.map((id) => ({ field: 'clientIds', id })), ...otherSideIds.map((id) => ({ field: 'otherSideIds', id }))]);
  return {
    externalSystemId,
    number,
    matterTypeId: type!.id,
    clientIds,
    otherSideIds,
    clientRole: roles.clientRole ?? type!.representativeOptions[0],
    otherSideRole: roles.otherSideRole ?? type!.representativeOptions[1],
    description,
    status: status!,
    isLead,
    extra: extrasOf(body),
  };
}

/** A body naming a contact that is accepted but not visible yet (pending-references.ts). */
function refusePendingContacts(ctx: ApiCtx, named: { field: string; id: string }[]): void {
  const pending = named.find(({ id }) => ctx.account.pendingContactIds.has(id) && !ctx.account.contacts.has(id));
  if (pending) refusePendingReference(ctx, { kind: 'Contact', id: pending.id, via: 'body', field: pending.field });
}

/** The async failure of a write naming contacts that do not exist (see Unknown). */
const invalidReferenceOf = (unknown: Unknown) =>
  unknown.length > 0 ? { message: `Contact '${unknown[0].id.slice(0, 80)}' does not exist.` } : undefined;

/** e.g. "2024-001 - Smith - Divorce" (docs/smokeball.md §3: the title is built by Smokeball). */
function titleOf(account: Account, m: MatterFields): string {
  const surname = (id: string) => {
    const c = account.contacts.get(id);
    return String(c?.person?.lastName ?? c?.company?.name ?? c?.trust?.name ?? c?.groupOfPeople?.name ?? '').trim();
  };
  const parts = [m.number, m.clientIds.map(surname).filter(Boolean).join(' & '), findMatterType(m.matterTypeId)?.name ?? ''];
  const otherSides = m.otherSideIds.map(surname).filter(Boolean).join(' & ');
  if (otherSides) parts.push(otherSides);
  return parts.filter((p) => p !== '').join(' - ');
}

/** versionId is a numeric string of ticks (docs/smokeball.md §3 "Get") that grows on every change. */
function nextVersion(nowMs: number, previous?: string): string {
  const ticks = BigInt(ticksOf(nowMs));
  return previous !== undefined && ticks <= BigInt(previous) ? (BigInt(previous) + 1n).toString() : ticks.toString();
}

/** Applies a change to a stored matter: new version, new lastUpdated, title rebuilt. */
export function reviseMatter(account: Account, previous: MatterRecord, fields: Partial<MatterFields>, nowMs: number): MatterRecord {
  const merged = { ...previous, ...fields, extra: { ...previous.extra, ...fields.extra } };
  const record: MatterRecord = {
    ...merged,
    title: titleOf(account, merged),
    versionId: nextVersion(nowMs, previous.versionId),
    lastUpdatedMs: Math.max(nowMs, previous.lastUpdatedMs),
  };
  account.matters.set(record.id, record);
  return record;
}

export function requireVisibleMatter(ctx: ApiCtx, id: string): MatterRecord {
  const matter = ctx.account.matters.get(id);
  if (matter) return matter;
  for (const other of ctx.world.store.accounts.values()) {
    if (other !== ctx.account && other.matters.has(id)) throw new ReplyError(problem(403, ctx.path, 'The matter belongs to another account.'));
  }
  throw notFoundProblem(ctx.path, 'Matter');
}

export const isKnownMatter = (account: Account, id: string) => account.matters.has(id) || account.pendingMatterIds.has(id);

export async function createMatter(ctx: ApiCtx): Promise<Reply> {
  const unknown: Unknown = [];
  const fields = parseFullMatter(ctx, await ctx.body(), unknown);
  const { account, world } = ctx;
  const id = newGuid();
  account.pendingMatterIds.add(id);
  scheduleWrite(ctx, {
    resourceName: 'Matter',
    resourceId: id,
    invalidReference: invalidReferenceOf(unknown),
    discard: () => account.pendingMatterIds.delete(id),
    apply: () => {
      account.pendingMatterIds.delete(id);
      const now = world.clock.nowMs();
      const record: MatterRecord = { id, ...fields, title: titleOf(account, fields), versionId: nextVersion(now), createdMs: now, lastUpdatedMs: now };
      account.matters.set(id, record);
      return [{ type: 'matter.created', payload: matterView(world.baseUrl, record, 'webhook') }];
    },
  });
  return json(202, { id, href: `${world.baseUrl}/matters/${id}` });
}

function parsePatch(ctx: ApiCtx, body: unknown, current: MatterRecord | undefined): Partial<MatterFields> {
  if (!isObject(body)) throw new ReplyError(problem(400, ctx.path, 'The request body must be a JSON object.'));
  const errors: FieldError[] = [];
  const patch: Partial<MatterFields> = {};
  for (const field of ['number', 'description', 'externalSystemId'] as const) {
    const v = optionalString(body, field, errors);
    if (v !== undefined) patch[field] = v;
  }
  const status = parseStatus(body, false, errors);
  if (status) patch.status = status;
  const unknown: Unknown = [];
  const clientIds = parseContactIds(ctx, body, 'clientIds', body.clientIds !== undefined, errors, unknown);
  if (clientIds) patch.clientIds = clientIds;
  const otherSideIds = parseContactIds(ctx, body, otherSidesField(body), false, errors, unknown);
  if (otherSideIds) patch.otherSideIds = otherSideIds;
  // Reference §3 "PATCH": a lead converts to a matter with isLead:false + matterTypeId; never back.
  const converting = current?.isLead === true && body.isLead === false;
  if (body.isLead === true && current && !current.isLead) errors.push({ field: 'isLead', message: 'A matter cannot go back to being a lead.' });
  if (body.matterTypeId !== undefined) {
    const type = parseMatterType(body.matterTypeId, errors);
    if (type && !converting && type.id !== current?.matterTypeId) {
      errors.push({ field: 'matterTypeId', message: 'matterTypeId can only change when converting a lead to a matter.' });
    }
    if (type && converting && type.type !== 0) errors.push({ field: 'matterTypeId', message: 'A matter cannot use a lead type.' });
    if (type) patch.matterTypeId = type.id;
  }
  if (converting) patch.isLead = false;
  if (body.items !== undefined && (body.clientIds !== undefined || body.otherSideIds !== undefined)) {
    errors.push({ field: 'items', message: 'items cannot change together with clientIds or otherSideIds.' });
  }
  const extra = extrasOf(body);
  if (Object.keys(extra).length > 0) patch.extra = extra;
  // A PATCH is applied as it is processed too, but the sim keeps refusing unknown ids in it at once.
  for (const { field, id } of unknown) errors.push({ field, message: `Contact '${id.slice(0, 80)}' does not exist.` });
  throwIfInvalid(ctx.path, errors);
  refusePendingContacts(ctx, [...(clientIds ?? []).map((id) => ({ field: 'clientIds', id })), ...(otherSideIds ?? []).map((id) => ({ field: 'otherSideIds', id }))]);
  return patch;
}

function scheduleUpdate(ctx: ApiCtx, id: string, fields: Partial<MatterFields>): Reply {
  const { account, world } = ctx;
  scheduleWrite(ctx, {
    resourceName: 'Matter',
    resourceId: id,
    discard: () => undefined,
    apply: () => {
      const previous = account.matters.get(id);
      if (!previous) return [];
      const record = reviseMatter(account, previous, fields, world.clock.nowMs());
      return [{ type: 'matter.updated', payload: matterView(world.baseUrl, record, 'webhook') }];
    },
  });
  return json(202, { id, href: `${world.baseUrl}/matters/${id}` });
}

export async function patchMatter(ctx: ApiCtx): Promise<Reply> {
  const id = ctx.params.id;
  if (!isKnownMatter(ctx.account, id)) requireVisibleMatter(ctx, id);
  if (!ctx.account.matters.has(id)) refusePendingReference(ctx, { kind: 'Matter', id, via: 'path' });
  return scheduleUpdate(ctx, id, parsePatch(ctx, await ctx.body(), ctx.account.matters.get(id)));
}

/** Reference §3 "Update": PUT replaces, but clients and other sides cannot change, nor the type (except a lead conversion). */
export async function replaceMatter(ctx: ApiCtx): Promise<Reply> {
  const current = requireVisibleMatter(ctx, ctx.params.id);
  const unknown: Unknown = [];
  const fields = parseFullMatter(ctx, await ctx.body(), unknown);
  const errors: FieldError[] = unknown.map(({ field, id }) => ({ field, message: `Contact '${id.slice(0, 80)}' does not exist.` }));
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(fields.clientIds, current.clientIds)) errors.push({ field: 'clientIds', message: 'clientIds cannot change with PUT; use PATCH.' });
  if (!same(fields.otherSideIds, current.otherSideIds)) errors.push({ field: 'otherSideIds', message: 'otherSideIds cannot change with PUT; use PATCH.' });
  if (fields.isLead && !current.isLead) errors.push({ field: 'isLead', message: 'A matter cannot go back to being a lead.' });
  if (fields.matterTypeId !== current.matterTypeId && !(current.isLead && !fields.isLead)) {
    errors.push({ field: 'matterTypeId', message: 'matterTypeId can only change when converting a lead to a matter.' });
  }
  throwIfInvalid(ctx.path, errors);
  return scheduleUpdate(ctx, current.id, { ...fields, extra: fields.extra });
}

export function getMatter(ctx: ApiCtx): Reply {
  return json(200, matterView(ctx.world.baseUrl, requireVisibleMatter(ctx, ctx.params.id)));
}

export function listMatters(ctx: ApiCtx): Reply {
  const { query, account } = ctx;
  const page = pageOf(query, ctx.path);
  const types = query.getList('type').map((t) => t.toLowerCase());
  const wantMatters = types.length === 0 || types.includes('matters');
  const wantLeads = types.includes('leads') || query.get('isLead')?.toLowerCase() === 'true';
  const statuses = query.getList('status').map((s) => s.toLowerCase());
  const contactId = query.get('contactId');
  const matterTypeId = query.get('matterTypeId');
  const search = query.get('search')?.toLowerCase();
  const updatedSince = query.get('updatedSince');
  const sinceMs = updatedSince && /^\d+$/.test(updatedSince) ? unixMsOfTicks(updatedSince) : undefined;
  const nameOf = (id: string) => {
    const c = account.contacts.get(id);
    return [c?.person?.firstName, c?.person?.lastName, c?.company?.name].filter(Boolean).join(' ').toLowerCase();
  };

  const items = [...account.matters.values()].filter((m) => {
    if (m.isLead ? !wantLeads : !wantMatters) return false;
    if (statuses.length > 0 && !statuses.includes(m.status.toLowerCase())) return false;
    if (contactId && !m.clientIds.includes(contactId) && !m.otherSideIds.includes(contactId)) return false;
    if (matterTypeId && m.matterTypeId !== matterTypeId) return false;
    if (sinceMs !== undefined && m.lastUpdatedMs < sinceMs) return false;
    if (search) {
      const haystack = [m.number, m.description, m.title, ...m.clientIds.map(nameOf), ...m.otherSideIds.map(nameOf)].join(' ').toLowerCase();
      if (!haystack.includes(search)) return false;
    }
    return true;
  });
  const baseUrl = ctx.world.baseUrl;
  return json(200, pagedEnvelope(items, page, ctx.url, baseUrl, (m) => matterView(baseUrl, m)));
}
