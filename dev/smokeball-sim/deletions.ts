// Deleting contacts, matters and files (docs/smokeball.md §2–§4: `DELETE /contacts/{id}`,
// `DELETE /matters/{id}`, `DELETE …/documents/files/{fileId}`, each 202 + Link and applied later, like
// every write), and the same deletions made by a firm user in Smokeball (`/__sim/` controls).
//
// What a deletion looks like afterwards, where the spec is silent, is the pessimistic reading:
// - a contact is kept with `isDeleted: true` (the field exists and `isDeleted: false` restores one,
//   docs/smokeball.md §2 "Update") and a `contact.deleted` webhook is sent;
// - a matter vanishes: GET answers 404 and lists leave it out, and no webhook is sent (there is no
//   `matter.deleted` event type, docs/smokeball.md §5);
// - a file vanishes from the matter's files (GET 404) and no webhook is sent.
// So only a reconciliation that looks finds a deleted matter or file.
import { json, type Reply } from './http.ts';
import { requireVisibleContact } from './contacts.ts';
import { requireVisibleMatter } from './matters.ts';
import { shapeOn } from './options.ts';
import { notFoundProblem } from './problem.ts';
import type { Account } from './store.ts';
import { contactView } from './views.ts';
import { emitEvent } from './webhook-delivery.ts';
import { scheduleWrite } from './writes.ts';
import type { ApiCtx, World } from './world.ts';

/** Marks the contact deleted; returns false when the account has no such (visible) contact. */
export function markContactDeleted(world: World, account: Account, id: string, requestId: string | null, source: 'API' | 'Smokeball'): boolean {
  const previous = account.contacts.get(id);
  if (!previous) return false;
  const record = { ...previous, isDeleted: true, lastUpdatedMs: Math.max(world.clock.nowMs(), previous.lastUpdatedMs + 1) };
  account.contacts.set(id, record);
  emitEvent(world, account, { type: 'contact.deleted', source, requestId, payload: contactView(world.baseUrl, record, 'webhook', { poBoxObjects: shapeOn(world.options, 'poBoxObjects') }) });
  return true;
}

export function removeMatter(account: Account, id: string): boolean {
  if (!account.matters.delete(id)) return false;
  for (const [fileId, file] of account.files) if (file.matterId === id) account.files.delete(fileId);
  return true;
}

export const removeFile = (account: Account, id: string): boolean => account.files.delete(id);

export function deleteContact(ctx: ApiCtx): Reply {
  const id = requireVisibleContact(ctx, ctx.params.id).id;
  scheduleWrite(ctx, { resourceName: 'Contact', resourceId: id, discard: () => undefined, apply: () => {
    markContactDeleted(ctx.world, ctx.account, id, ctx.requestId, 'API');
    return [];
  } });
  return json(202, { id, href: `${ctx.world.baseUrl}/contacts/${id}` });
}

export function deleteMatter(ctx: ApiCtx): Reply {
  const id = requireVisibleMatter(ctx, ctx.params.id).id;
  scheduleWrite(ctx, { resourceName: 'Matter', resourceId: id, discard: () => undefined, apply: () => {
    removeMatter(ctx.account, id);
    return [];
  } });
  return json(202, { id, href: `${ctx.world.baseUrl}/matters/${id}` });
}

export function deleteFile(ctx: ApiCtx): Reply {
  requireVisibleMatter(ctx, ctx.params.id);
  const file = ctx.account.files.get(ctx.params.fileId);
  if (!file || file.matterId !== ctx.params.id) throw notFoundProblem(ctx.path, 'File');
  scheduleWrite(ctx, { resourceName: 'File', resourceId: file.id, discard: () => undefined, apply: () => {
    removeFile(ctx.account, file.id);
    return [];
  } });
  return json(202, { id: file.id, href: `${ctx.world.baseUrl}/matters/${file.matterId}/documents/files/${file.id}` });
}
