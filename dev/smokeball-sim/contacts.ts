// Contacts (docs/smokeball.md §2): list and search, create (202 + Link), get, PUT (a full replace: WEDGE saw PUT
// clear omitted fields, so the sim replaces the whole contact). No PATCH, as in Smokeball.
import { matchesTerm, parseSearchTerms } from './contact-search.ts';
import { unixMsOfTicks } from './clock.ts';
import { shapeOn } from './options.ts';
import { json, ReplyError, type Reply } from './http.ts';
import { newGuid } from './ids.ts';
import { pagedEnvelope, pageOf } from './paging.ts';
import { refusePendingReference } from './pending-references.ts';
import { notFoundProblem, problem, throwIfInvalid, type FieldError } from './problem.ts';
import type { Account, ContactRecord, JsonObject } from './store.ts';
import { contactView } from './views.ts';
import { scheduleWrite } from './writes.ts';
import type { ApiCtx } from './world.ts';

const KINDS = ['person', 'company', 'trust', 'groupOfPeople'] as const;
type ContactBody = Pick<ContactRecord, 'externalSystemId' | 'person' | 'company' | 'trust' | 'groupOfPeople' | 'isDeleted'>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown) => typeof v === 'string' && v.trim() !== '';

/** Validates a ContactDto: exactly one typed sub-object, a name, a flat string email, object phones. */
export function parseContactBody(body: unknown, instance: string): ContactBody {
  const errors: FieldError[] = [];
  if (!isObject(body)) throw new ReplyError(problem(400, instance, 'The request body must be a JSON object.'));
  const kinds = KINDS.filter((k) => body[k] !== undefined && body[k] !== null);
  if (kinds.length !== 1) errors.push({ field: 'person', message: 'Exactly one of person, company, trust or groupOfPeople is required.' });
  for (const kind of kinds) {
    const part = body[kind];
    if (!isObject(part)) {
      errors.push({ field: kind, message: `${kind} must be an object.` });
      continue;
    }
    if (kind === 'person' && !nonEmpty(part.firstName) && !nonEmpty(part.lastName)) {
      errors.push({ field: 'person.lastName', message: 'A person needs a first or last name.' });
    }
    if (kind !== 'person' && !nonEmpty(part.name)) errors.push({ field: `${kind}.name`, message: `A ${kind} needs a name.` });
    if (part.email !== undefined && part.email !== null && typeof part.email !== 'string') {
      errors.push({ field: `${kind}.email`, message: 'email must be a string.' });
    }
    for (const phone of ['phone', 'cell', 'phone2', 'fax']) {
      if (part[phone] !== undefined && part[phone] !== null && !isObject(part[phone])) {
        errors.push({ field: `${kind}.${phone}`, message: `${phone} must be an object {areaCode, number}.` });
      }
    }
  }
  if (body.externalSystemId !== undefined && body.externalSystemId !== null && typeof body.externalSystemId !== 'string') {
    errors.push({ field: 'externalSystemId', message: 'externalSystemId must be a string.' });
  }
  throwIfInvalid(instance, errors);
  return {
    externalSystemId: (body.externalSystemId as string | undefined) ?? undefined,
    [kinds[0]]: body[kinds[0]] as JsonObject,
    isDeleted: body.isDeleted === true,
  };
}

/** 404 when missing, 403 when it belongs to another account (docs/smokeball.md §2 "Get"). */
export function requireVisibleContact(ctx: ApiCtx, id: string): ContactRecord {
  const contact = ctx.account.contacts.get(id);
  if (contact) return contact;
  for (const other of ctx.world.store.accounts.values()) {
    if (other !== ctx.account && other.contacts.has(id)) throw new ReplyError(problem(403, ctx.path, 'The contact belongs to another account.'));
  }
  throw notFoundProblem(ctx.path, 'Contact');
}

export const isKnownContact = (account: Account, id: string) => account.contacts.has(id) || account.pendingContactIds.has(id);

export async function createContact(ctx: ApiCtx): Promise<Reply> {
  const dto = parseContactBody(await ctx.body(), ctx.path);
  const id = newGuid();
  const { account, world } = ctx;
  account.pendingContactIds.add(id);
  scheduleWrite(ctx, {
    resourceName: 'Contact',
    resourceId: id,
    discard: () => account.pendingContactIds.delete(id),
    apply: () => {
      account.pendingContactIds.delete(id);
      const now = world.clock.nowMs();
      const record: ContactRecord = { id, versionId: newGuid(), createdMs: now, lastUpdatedMs: now, ...dto, isDeleted: dto.isDeleted ?? false };
      account.contacts.set(id, record);
      return [{ type: 'contact.created', payload: contactView(world.baseUrl, record, 'webhook', { poBoxObjects: shapeOn(world.options, 'poBoxObjects') }) }];
    },
  });
  return json(202, { id, href: `${world.baseUrl}/contacts/${id}` });
}

export async function replaceContact(ctx: ApiCtx): Promise<Reply> {
  const id = ctx.params.id;
  if (!isKnownContact(ctx.account, id)) requireVisibleContact(ctx, id);
  if (!ctx.account.contacts.has(id)) refusePendingReference(ctx, { kind: 'Contact', id, via: 'path' });
  const dto = parseContactBody(await ctx.body(), ctx.path);
  const { account, world } = ctx;
  scheduleWrite(ctx, {
    resourceName: 'Contact',
    resourceId: id,
    discard: () => undefined,
    apply: () => {
      const previous = account.contacts.get(id);
      if (!previous) return [];
      const record: ContactRecord = {
        id,
        createdMs: previous.createdMs,
        versionId: newGuid(),
        lastUpdatedMs: Math.max(world.clock.nowMs(), previous.lastUpdatedMs + 1),
        ...dto,
        isDeleted: dto.isDeleted ?? false,
      };
      account.contacts.set(id, record);
      return [{ type: 'contact.updated', payload: contactView(world.baseUrl, record, 'webhook', { poBoxObjects: shapeOn(world.options, 'poBoxObjects') }) }];
    },
  });
  return json(202, { id, href: `${world.baseUrl}/contacts/${id}` });
}

export function getContact(ctx: ApiCtx): Reply {
  return json(200, contactView(ctx.world.baseUrl, requireVisibleContact(ctx, ctx.params.id), 'api', { poBoxObjects: shapeOn(ctx.world.options, 'poBoxObjects') }));
}

const TYPE_OF_KIND: Record<string, string> = { person: 'Person', company: 'Organisation', trust: 'Trust', groupOfPeople: 'GroupOfPeople' };

export function listContacts(ctx: ApiCtx): Reply {
  const page = pageOf(ctx.query, ctx.path);
  const { terms, errors } = parseSearchTerms(ctx.query.getAll('search'));
  throwIfInvalid(ctx.path, errors);
  const types = ctx.query.getList('type').map((t) => t.toLowerCase());
  const updatedSince = ctx.query.get('updatedSince');
  const sinceMs = updatedSince && /^\d+$/.test(updatedSince) ? unixMsOfTicks(updatedSince) : undefined;
  const excludeDeleted = ctx.query.get('excludeDeletedContacts')?.toLowerCase() === 'true';

  const items = [...ctx.account.contacts.values()].filter((c) => {
    if (excludeDeleted && c.isDeleted) return false;
    if (sinceMs !== undefined && c.lastUpdatedMs < sinceMs) return false;
    if (types.length > 0) {
      const kind = KINDS.find((k) => c[k]) ?? 'person';
      if (!types.includes(TYPE_OF_KIND[kind].toLowerCase())) return false;
    }
    return terms.every((term) => matchesTerm(c, term));
  });
  const baseUrl = ctx.world.baseUrl;
  return json(200, pagedEnvelope(items, page, ctx.url, baseUrl, (c) => contactView(baseUrl, c, 'api', { poBoxObjects: shapeOn(ctx.world.options, 'poBoxObjects') })));
}
