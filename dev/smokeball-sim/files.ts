// Matter files (docs/smokeball.md §4): `POST …/documents/files` answers 202 `{fileId, uploadUrl, expiry}`; the
// bytes then go to the pre-signed S3 URL (s3.ts). The file record itself is an asynchronous write; its
// `isUploaded`/`sizeBytes` come from the S3 object once the PUT completed.
import { json, ReplyError, type Reply } from './http.ts';
import { newGuid } from './ids.ts';
import { isKnownMatter, requireVisibleMatter } from './matters.ts';
import { shapeOn } from './options.ts';
import { refusePendingReference } from './pending-references.ts';
import { pagedEnvelope, pageOf } from './paging.ts';
import { notFoundProblem, problem, throwIfInvalid, type FieldError } from './problem.ts';
import { presignUpload } from './s3.ts';
import type { FileRecord, JsonObject } from './store.ts';
import { fileView } from './views.ts';
import { scheduleWrite } from './writes.ts';
import type { ApiCtx } from './world.ts';

const MAX_FILE_NAME = 256;

/** "Letter.docx" → name "Letter", fileExtension ".docx" (File.name is without extension). */
export function splitFileName(fileName: string): { name: string; fileExtension: string } {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0 || dot === fileName.length - 1) return { name: fileName, fileExtension: '' };
  return { name: fileName.slice(0, dot), fileExtension: fileName.slice(dot) };
}

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function createFile(ctx: ApiCtx): Promise<Reply> {
  const matterId = requireFileWritableMatter(ctx);
  const body = await ctx.body();
  if (!isObject(body)) throw new ReplyError(problem(400, ctx.path, 'The request body must be a JSON object.'));
  throwIfInvalid(ctx.path, addFileErrors(body, ''));
  return json(202, acceptFile(ctx, matterId, body));
}

/**
 * The matter a file write names (`:id` of the path): visible, or refused. A matter accepted moments ago
 * and not applied yet is refused the way the single call documents (404, or 403 "does not belong to the
 * account"); an unknown matter is 404, another account's 403. Every file write (single or bulk) asks this.
 */
export function requireFileWritableMatter(ctx: ApiCtx): string {
  const matterId = ctx.params.id;
  if (!isKnownMatter(ctx.account, matterId)) requireVisibleMatter(ctx, matterId);
  if (!ctx.account.matters.has(matterId)) refusePendingReference(ctx, { kind: 'Matter', id: matterId, via: 'path', allowForbidden: true });
  return matterId;
}

/** The validation errors of one `AddFileDto`; `at` prefixes each field (`''` for the single call, `[2].` in a bulk array). */
export function addFileErrors(item: JsonObject, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const fileName = item.fileName;
  if (typeof fileName !== 'string' || fileName.trim() === '' || fileName.length > MAX_FILE_NAME) {
    errors.push({ field: `${at}fileName`, message: `fileName is required (at most ${MAX_FILE_NAME} characters, with its extension).` });
  }
  const additional = item.fileAdditionalData ?? {};
  if (!isObject(additional) || Object.values(additional).some((v) => typeof v !== 'string')) {
    errors.push({ field: `${at}fileAdditionalData`, message: 'fileAdditionalData must map strings to strings.' });
  }
  return errors;
}

/**
 * Accepts one validated `AddFileDto` on `matterId`: a pending file (invisible until its asynchronous write
 * is applied, `isUploaded` only once its bytes arrive at the pre-signed URL) and its `UploadFileInfo`. The
 * single call and the bulk call both create their files through here.
 */
export function acceptFile(ctx: ApiCtx, matterId: string, item: JsonObject): { fileId: string; uploadUrl: string; expiry: string } {
  const { account, world } = ctx;
  const now = world.clock.nowMs();
  const id = newGuid();
  const versionId = newGuid();
  const s3Key = `${account.id}/${matterId}/${id}/${versionId}`;
  const upload = presignUpload(world, s3Key);
  const additional = (item.fileAdditionalData ?? {}) as JsonObject;
  const record: FileRecord = {
    id,
    matterId,
    versionId,
    ...splitFileName(item.fileName as string),
    folderId: typeof item.folderId === 'string' ? item.folderId : null,
    folderPath: typeof item.folderPath === 'string' ? item.folderPath : null,
    ownerId: typeof item.userId === 'string' ? item.userId : null,
    additionalData: shapeOn(world.options, 'anyJsonAdditionalData') ? withOtherMetadata(additional) : additional,
    dateCreated: typeof item.dateCreated === 'string' ? item.dateCreated : new Date(now).toISOString(),
    dateModified: typeof item.dateModified === 'string' ? item.dateModified : new Date(now).toISOString(),
    s3Key,
    createdMs: now,
  };
  account.pendingFileIds.add(id);
  scheduleWrite(ctx, {
    resourceName: 'File',
    resourceId: id,
    discard: () => account.pendingFileIds.delete(id),
    apply: () => {
      account.pendingFileIds.delete(id);
      account.files.set(id, record);
      return [];
    },
  });
  return { fileId: id, uploadUrl: upload.url, expiry: new Date(upload.expiresAtMs).toISOString() };
}

/**
 * A file's metadata as Smokeball may hold it: besides what the caller sent, values any JSON can be (other
 * integrations and Smokeball itself add metadata), including null.
 */
function withOtherMetadata(sent: JsonObject): JsonObject {
  return { ...sent, pageCount: 3, reviewed: false, source: { system: 'Smokeball', version: 2 }, retentionTag: null };
}

/** GetFiles documents 403 ("does not belong to the account") for a matter it cannot see, and no 404. */
function requireListableMatter(ctx: ApiCtx, id: string) {
  if (ctx.account.pendingMatterIds.has(id) && shapeOn(ctx.world.options, 'pendingReferences')) {
    ctx.world.stats.pendingReferenceRefusals++;
    throw new ReplyError(problem(403, ctx.path, 'The matter does not belong to the account.'));
  }
  return requireVisibleMatter(ctx, id);
}

export function listFiles(ctx: ApiCtx): Reply {
  const matter = requireListableMatter(ctx, ctx.params.id);
  // docs/smokeball.md §4 "List": default order is oldest first.
  const items = [...ctx.account.files.values()].filter((f) => f.matterId === matter.id).sort((a, b) => a.createdMs - b.createdMs);
  const { baseUrl, store } = ctx.world;
  const view = (f: FileRecord) => fileView(baseUrl, f, store.objects.get(f.s3Key));
  const cursor = ctx.query.get('cursor');
  if (cursor !== undefined) return json(200, cursorPage(ctx, matter.id, items, cursor, view));
  // An offset page's `next` link speaks cursor (the pessimistic reading of a list that has both): a client
  // that follows `next` must read its cursor; one that counts offsets itself still may.
  const page = pageOf(ctx.query, ctx.path);
  const envelope = pagedEnvelope(items, page, ctx.url, baseUrl, view);
  const nextStart = page.offset + envelope.value.length;
  return json(200, envelope.next ? { ...envelope, next: cursorLink(ctx, matter.id, nextStart, page.limit) } : envelope);
}

const encodeCursor = (matterId: string, start: number) => Buffer.from(`f1.${matterId}.${start}`).toString('base64url');
const cursorLink = (ctx: ApiCtx, matterId: string, start: number, limit: number) => ({
  href: `${ctx.world.baseUrl}${ctx.url.pathname}?${new URLSearchParams({ cursor: encodeCursor(matterId, start), limit: String(limit) })}`,
  rel: 'collection',
});

/**
 * Cursor paging of a matter's files (OAS GetFiles `Cursor`; docs/smokeball.md §4 "List"). The spec gives the
 * parameter and no format, so the sim's cursor is opaque and travels only in the `next` link's `cursor`
 * query value (the envelope has no cursor field), also on offset pages; `cursor=` (empty) starts at the
 * first file. `Sort` and
 * `Search` do not apply to cursor paging (the OAS says so); `Offset` is ignored. A cursor of another matter
 * or one the sim did not issue is a 400.
 */
function cursorPage<V>(ctx: ApiCtx, matterId: string, items: FileRecord[], cursor: string, view: (f: FileRecord) => V) {
  let start = 0;
  if (cursor !== '') {
    const decoded = /^f1\.([0-9a-f-]{1,64})\.(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!decoded || decoded[1] !== matterId) throw new ReplyError(problem(400, ctx.path, 'The cursor is not valid for this list.', [{ field: 'Cursor', message: 'Unknown cursor.' }]));
    start = Number(decoded[2]);
  }
  const { limit } = pageOf(ctx.query, ctx.path);
  const value = items.slice(start, start + limit).map(view);
  const nextStart = start + value.length;
  return {
    href: `${ctx.world.baseUrl}${ctx.url.pathname}?${new URLSearchParams({ cursor, limit: String(limit) })}`,
    limit,
    size: items.length,
    ...(nextStart < items.length ? { next: cursorLink(ctx, matterId, nextStart, limit) } : {}),
    value,
  };
}

export function getFile(ctx: ApiCtx): Reply {
  requireVisibleMatter(ctx, ctx.params.id);
  const file = ctx.account.files.get(ctx.params.fileId);
  if (!file || file.matterId !== ctx.params.id) throw notFoundProblem(ctx.path, 'File');
  return json(200, fileView(ctx.world.baseUrl, file, ctx.world.store.objects.get(file.s3Key)));
}

/** `GET …/files/{fileId}/upload` (docs/smokeball.md §4 "Related endpoints"): a fresh upload URL for the file. */
export function getUploadInfo(ctx: ApiCtx): Reply {
  requireVisibleMatter(ctx, ctx.params.id);
  const file = ctx.account.files.get(ctx.params.fileId);
  if (!file || file.matterId !== ctx.params.id) throw notFoundProblem(ctx.path, 'File');
  const upload = presignUpload(ctx.world, file.s3Key);
  return json(200, { fileId: file.id, uploadUrl: upload.url, expiry: new Date(upload.expiresAtMs).toISOString() });
}
