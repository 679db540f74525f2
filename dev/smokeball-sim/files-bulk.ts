// `POST /matters/{matterId}/documents/files/bulk` (docs/smokeball.md §4 "Related endpoints"): an array of
// `AddFileDto` in, 202 with an array of `UploadFileInfo` out, one per file in the order given. Smokeball
// documents no cap on the array's length, so none is imposed here beyond the request-body size limit.
//
// As pessimistic as it gets where the docs are silent: the matter must be visible (a matter accepted
// moments ago is refused with 404 or 403 until its write is applied, as the single call is), the whole
// array is validated before anything is accepted (one bad element refuses the call, nothing is created),
// and each file is made by the single call's own `acceptFile`: its own asynchronous write, visible
// `writeVisibilityDelayMs` after the 202, `isUploaded: true` only once its bytes have arrived.
import { acceptFile, addFileErrors, isObject, requireFileWritableMatter } from './files.ts';
import { json, ReplyError, type Reply } from './http.ts';
import { problem, throwIfInvalid, type FieldError } from './problem.ts';
import type { JsonObject } from './store.ts';
import type { ApiCtx } from './world.ts';

export async function createFilesInBulk(ctx: ApiCtx): Promise<Reply> {
  const matterId = requireFileWritableMatter(ctx);
  const body = await ctx.body();
  if (!Array.isArray(body) || body.length === 0) {
    throw new ReplyError(problem(400, ctx.path, 'The request body must be a non-empty JSON array of files.'));
  }
  const errors: FieldError[] = [];
  body.forEach((item, i) => {
    if (!isObject(item)) errors.push({ field: `[${i}]`, message: `Element ${i} must be a JSON object.` });
    else errors.push(...addFileErrors(item, `[${i}].`));
  });
  throwIfInvalid(ctx.path, errors);
  return json(202, (body as JsonObject[]).map((item) => acceptFile(ctx, matterId, item)));
}
