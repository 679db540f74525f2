// `POST /contacts/batch` (docs/smokeball.md §2, added Aug 2026 [RN]; OAS GetContactsBatch): body
// `{"ids": [...]}`, at most 500 (else 400); answers `{ value: [Contact…] }` in the order of the request,
// leaving out ids that do not resolve or belong to another account.
//
// Where the spec is silent the sim is pessimistic: a contact accepted moments ago but not visible yet is
// left out like an unknown id (it does not resolve yet), and so is a deleted contact (whether a deleted
// contact "resolves" is not said; GET /contacts/{id} still shows it with `isDeleted: true`). A caller
// must therefore read an id missing from the answer as "look closer", never as "deleted".
import { json, ReplyError, type Reply } from './http.ts';
import { shapeOn } from './options.ts';
import { problem } from './problem.ts';
import { contactView } from './views.ts';
import type { ApiCtx } from './world.ts';

export const MAX_BATCH_IDS = 500;

export async function batchContacts(ctx: ApiCtx): Promise<Reply> {
  const body = await ctx.body();
  const ids = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { ids?: unknown }).ids : undefined;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
    throw new ReplyError(problem(400, ctx.path, 'ids must be an array of contact ids.', [{ field: 'ids', message: 'ids must be an array of strings.' }]));
  }
  if (ids.length > MAX_BATCH_IDS) {
    throw new ReplyError(problem(400, ctx.path, `At most ${MAX_BATCH_IDS} ids may be supplied.`, [{ field: 'ids', message: `At most ${MAX_BATCH_IDS} ids.` }]));
  }
  const { baseUrl, options } = ctx.world;
  const value = (ids as string[])
    .map((id) => ctx.account.contacts.get(id))
    .filter((c) => c !== undefined && !c.isDeleted)
    .map((c) => contactView(baseUrl, c!, 'api', { poBoxObjects: shapeOn(options, 'poBoxObjects') }));
  return json(200, { value });
}
