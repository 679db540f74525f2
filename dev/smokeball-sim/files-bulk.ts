// `POST /matters/{matterId}/documents/files/bulk` (docs/smokeball.md §4 "Related endpoints"): an array of
// `AddFileDto` in, 202 with an array of `UploadFileInfo` out, one per file in the order given. Smokeball
// documents no cap on the array's length, so none is imposed here beyond the request-body size limit.
//
// As pessimistic as it gets where the docs are silent: the matter must be visible (a matter accepted
// moments ago answers 404 until its write is applied), the whole array is validated before anything is
// accepted (one bad element refuses the call, nothing is created), and each file is its own asynchronous
// write: it appears `writeVisibilityDelayMs` after the 202 and shows `isUploaded: true` only once its
// bytes have arrived at its pre-signed URL, exactly like a file made by the single call.
import { splitFileName } from './files.ts';
import { json, ReplyError, type Reply } from './http.ts';
import { newGuid } from './ids.ts';
import { requireVisibleMatter } from './matters.ts';
import { problem, throwIfInvalid, type FieldError } from './problem.ts';
import { presignUpload } from './s3.ts';
import type { FileRecord, JsonObject } from './store.ts';
import { scheduleWrite } from './writes.ts';
import type { ApiCtx } from './world.ts';

const MAX_FILE_NAME = 256;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function createFilesInBulk(ctx: ApiCtx): Promise<Reply> {
  const matterId = ctx.params.id;
  requireVisibleMatter(ctx, matterId);
  const body = await ctx.body();
  if (!Array.isArray(body) || body.length === 0) {
    throw new ReplyError(problem(400, ctx.path, 'The request body must be a non-empty JSON array of files.'));
  }
  const errors: FieldError[] = [];
  body.forEach((item, i) => {
    if (!isObject(item)) {
      errors.push({ field: `[${i}]`, message: `Element ${i} must be a JSON object.` });
      return;
    }
    const fileName = item.fileName;
    if (typeof fileName !== 'string' || fileName.trim() === '' || fileName.length > MAX_FILE_NAME) {
      errors.push({ field: `[${i}].fileName`, message: `fileName is required (at most ${MAX_FILE_NAME} characters, with its extension).` });
    }
    const additional = item.fileAdditionalData ?? {};
    if (!isObject(additional) || Object.values(additional).some((v) => typeof v !== 'string')) {
      errors.push({ field: `[${i}].fileAdditionalData`, message: 'fileAdditionalData must map strings to strings.' });
    }
  });
  throwIfInvalid(ctx.path, errors);

  const { account, world } = ctx;
  const now = world.clock.nowMs();
  const infos = (body as JsonObject[]).map((item) => {
    const id = newGuid();
    const versionId = newGuid();
    const s3Key = `${account.id}/${matterId}/${id}/${versionId}`;
    const upload = presignUpload(world, s3Key);
    const record: FileRecord = {
      id,
      matterId,
      versionId,
      ...splitFileName(item.fileName as string),
      folderId: typeof item.folderId === 'string' ? item.folderId : null,
      folderPath: typeof item.folderPath === 'string' ? item.folderPath : null,
      ownerId: typeof item.userId === 'string' ? item.userId : null,
      additionalData: (item.fileAdditionalData ?? {}) as Record<string, string>,
      dateCreated: typeof item.dateCreated === 'string' ? item.dateCreated : new Date(now).toISOString(),
      dateModified: typeof item.dateModified === 'string' ? item.dateModified : new Date(now).toISOString(),
      s3Key,
      createdMs: now,
    };
    scheduleWrite(ctx, {
      resourceName: 'File',
      resourceId: id,
      discard: () => undefined,
      apply: () => {
        account.files.set(id, record);
        return [];
      },
    });
    return { fileId: id, uploadUrl: upload.url, expiry: new Date(upload.expiresAtMs).toISOString() };
  });
  return json(202, infos);
}
