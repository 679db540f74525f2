// The typed Smokeball client: the operations the features need, grouped by resource. Every call goes
// through request.ts (rate limit, RequestId, retry, validation) and returns `{ data, requestId }`; list
// calls return async iterators or `{ data, requestIds }`. Paths and bodies follow docs/smokeball.md §2–§5.
import { z } from 'zod';
import { createMatterTypeCache, type MatterTypeCache } from './matter-type-cache.ts';
import { collectPages, iterateItems, iteratePages, pageParams } from './pagination.ts';
import { createRecordUpdates } from './record-updates.ts';
import { createSmokeballRequest, type SmokeballDeps, type SmokeballResult } from './request.ts';
import { CreatedLink } from './schemas/common.ts';
import { Contact, PERSON_CONTACT_TYPE, type PersonInput } from './schemas/contact.ts';
import { type FileCreateInput, MatterFile, UploadFileInfo } from './schemas/file.ts';
import { Matter, type MatterCreateInput, type MatterListQuery } from './schemas/matter.ts';
import { MatterTypeInfo } from './schemas/matter-type.ts';
import { MAX_PAGE_LIMIT, pagedCollection } from './schemas/paging.ts';
import { type WebhookCreateInput, WebhookSubscription, WebhookTypes } from './schemas/webhook.ts';
import { SmokeballInvalidResponseError, SmokeballUploadError } from './errors.ts';
import { type FreshResources, processFreshResources } from './fresh-resources.ts';
import { type UploadBody, uploadToPresignedUrl } from './upload.ts';
import { judgeUploadUrl, type UploadUrlPolicy } from './upload-policy.ts';

export type SmokeballClientDeps = SmokeballDeps & {
  /** Share one per process so every client (one per firm and call) hits the same cache. */
  matterTypeCache?: MatterTypeCache;
  /**
   * Where `files.upload` may send a document (upload-policy.ts). The functions always pass one; without
   * it any http(s) URL is followed (tests that drive the client against the simulator directly).
   */
  uploadPolicy?: UploadUrlPolicy;
  /** The ids created moments ago (fresh-resources.ts); defaults to the process's registry. */
  freshResources?: FreshResources;
};

/** Per-call options of reads. */
export type ReadOptions = {
  /** The id came from a 202 moments ago: ride out eventual consistency (retry.ts JUST_CREATED_WINDOW_MS). */
  justCreated?: boolean;
};

const ContactPage = pagedCollection(Contact);
const MatterPage = pagedCollection(Matter);
const MatterTypePage = pagedCollection(MatterTypeInfo);
const FilePage = pagedCollection(MatterFile);
const UploadFileInfoList = z.array(UploadFileInfo);
const WebhookPage = pagedCollection(WebhookSubscription);
const EmptyBody = z.unknown();
/** `POST /contacts/batch` answers a ContactCollection: `{ value: [Contact…] }` (OAS GetContactsBatch). */
const ContactBatch = z.object({ value: z.array(Contact).nullish().transform((value) => value ?? []) });
/** At most this many ids per `POST /contacts/batch` (docs/smokeball.md §2; more is a 400). */
export const MAX_CONTACT_BATCH_IDS = 500;

export function createSmokeballClient(deps: SmokeballClientDeps) {
  const request = createSmokeballRequest(deps);
  const matterTypeCache = deps.matterTypeCache ?? createMatterTypeCache({ now: deps.now });
  const fresh = deps.freshResources ?? processFreshResources;
  /** The age of the youngest just-created resource among `ids`, for a read that names them. */
  const freshAge = (...ids: (string | undefined)[]) => fresh.youngestAgeMs(ids);
  /** What a write naming `ids` (in its path, or in the body `fields`) needs to ride out their invisibility. */
  const freshReference = (ids: readonly string[], fields: readonly string[] = []) => {
    const ageMs = fresh.youngestAgeMs(ids);
    if (ageMs === undefined) return undefined;
    const names = [...ids.filter((id) => fresh.youngestAgeMs([id]) !== undefined), ...fields];
    return { ageMs, names, visibility: fresh };
  };
  /** Records the id a 202 answered with, so later writes naming it ride out its invisibility. */
  const remember = <T extends { data: { id: string } }>(result: T): T => {
    fresh.record(result.data.id);
    return result;
  };

  const contacts = {
    /**
     * Person contacts whose email equals `email` (case-insensitive; docs/smokeball.md §2 "Search by
     * email"). A search covers every contact type by default (Staff, Organisation, …), and a client must
     * never be linked to a staff member or a company sharing the address, so `Type=Person` narrows it. One
     * page of up to 500: an email is shared by a handful of contacts at most. The caller picks the match.
     */
    searchByEmail(email: string): Promise<SmokeballResult<Contact[]>> {
      const params = pageParams(0, MAX_PAGE_LIMIT);
      params.append('search', `email:${email}`);
      params.append('type', PERSON_CONTACT_TYPE);
      return request({ method: 'GET', route: '/contacts', searchParams: params, schema: ContactPage }).then(
        ({ data, requestId }) => ({ data: data.value, requestId }),
      );
    },

    /** Contacts whose name matches (`search=name:…`, case-insensitive); one page. */
    searchByName(name: string): Promise<SmokeballResult<Contact[]>> {
      const params = pageParams(0, MAX_PAGE_LIMIT);
      params.append('search', `name:${name}`);
      return request({ method: 'GET', route: '/contacts', searchParams: params, schema: ContactPage }).then(
        ({ data, requestId }) => ({ data: data.value, requestId }),
      );
    },

    /** `POST /contacts` with a `person` (202 + id; the contact appears later). */
    createPerson(
      person: PersonInput,
      options: { externalSystemId?: string } = {},
    ): Promise<SmokeballResult<CreatedLink>> {
      return request({
        method: 'POST',
        route: '/contacts',
        json: { person, ...(options.externalSystemId ? { externalSystemId: options.externalSystemId } : {}) },
        schema: CreatedLink,
      }).then(remember);
    },

    /**
     * Up to 500 contacts in one call, in the order asked (docs/smokeball.md §2 `POST /contacts/batch`). Ids
     * that do not resolve are left out — unknown, another account's, and possibly deleted or not yet
     * visible ones (the spec does not say): a missing id means "look closer", not "deleted". A read,
     * although a POST, so it is retried like one.
     */
    getMany(ids: readonly string[]): Promise<SmokeballResult<Contact[]>> {
      if (ids.length > MAX_CONTACT_BATCH_IDS) throw new RangeError(`at most ${MAX_CONTACT_BATCH_IDS} ids per batch`);
      return request({ method: 'POST', route: '/contacts/batch', json: { ids }, schema: ContactBatch, idempotent: true }).then(
        ({ data, requestId }) => ({ data: data.value, requestId }),
      );
    },

    /** `GET /contacts/{id}`, with a final 404 as `found: false`. */
    find(id: string) {
      return request.orMissing({ method: 'GET', route: '/contacts/{id}', ids: [id], schema: Contact });
    },

    get(id: string, options: ReadOptions = {}): Promise<SmokeballResult<Contact>> {
      return request({
        method: 'GET',
        route: '/contacts/{id}',
        ids: [id],
        schema: Contact,
        justCreated: options.justCreated || freshAge(id) !== undefined,
      });
    },
  };

  const matters = {
    /** `POST /matters` (202 + id). Reconcile by externalSystemId before calling again after `maybeDelivered`. */
    create(input: MatterCreateInput): Promise<SmokeballResult<CreatedLink>> {
      return request({
        method: 'POST',
        route: '/matters',
        json: input,
        schema: CreatedLink,
        // A client created moments ago may not be visible yet: the create is refused until it is.
        freshReference: freshReference([...input.clientIds, ...(input.otherSideIds ?? [])], ['clientIds', 'otherSideIds']),
      }).then(remember);
    },

    get(id: string, options: ReadOptions = {}): Promise<SmokeballResult<Matter>> {
      return request({
        method: 'GET',
        route: '/matters/{id}',
        ids: [id],
        schema: Matter,
        justCreated: options.justCreated || freshAge(id) !== undefined,
      });
    },

    /** Every matter matching `query`, page by page (500 per call). */
    list(query: MatterListQuery = {}): AsyncGenerator<Matter> {
      const base = new URLSearchParams();
      if (query.search) base.set('search', query.search);
      if (query.contactId) base.set('contactId', query.contactId);
      if (query.matterTypeId) base.set('matterTypeId', query.matterTypeId);
      for (const status of query.status ?? []) base.append('status', status);
      return iterateItems(
        iteratePages((offset, limit) =>
          request({ method: 'GET', route: '/matters', searchParams: pageParams(offset, limit, base), schema: MatterPage }),
        ),
      );
    },

    /** `GET /matters/{id}`, with a final 404 as `found: false`. */
    find(id: string) {
      return request.orMissing({ method: 'GET', route: '/matters/{id}', ids: [id], schema: Matter });
    },

    /** One page of the account's matters (`size` is the total), for a paged list in the app. */
    listPage(offset: number, limit: number): Promise<SmokeballResult<z.output<typeof MatterPage>>> {
      return request({ method: 'GET', route: '/matters', searchParams: pageParams(offset, limit), schema: MatterPage });
    },
  };

  /** Every non-deleted type of one location and `Type` (0 matter types, 1 lead types), page by page. */
  const listTypes = (location: string, type: '0' | '1'): Promise<{ data: MatterTypeInfo[]; requestIds: string[] }> => {
    const base = new URLSearchParams({ location, type });
    return collectPages(
      iteratePages((offset, limit) =>
        request({ method: 'GET', route: '/mattertypes', searchParams: pageParams(offset, limit, base), schema: MatterTypePage }),
      ),
    ).then(({ data, requestIds }) => ({ data: data.filter((type) => !type.isDeleted), requestIds }));
  };

  const matterTypes = {
    /** Matter types (not lead types) of one location, e.g. `IL` or `NSW`, deleted ones excluded. */
    list(location: string): Promise<{ data: MatterTypeInfo[]; requestIds: string[] }> {
      return listTypes(location, '0');
    },

    /** `list(location)` through the per-process cache (matter-type-cache.ts), keyed by account + location. */
    listCached(key: { accountId: string; location: string }): Promise<MatterTypeInfo[]> {
      return matterTypeCache.getOrLoad(key, async () => (await matterTypes.list(key.location)).data);
    },

    /** Lead types (`Type=1`, docs/smokeball.md §3 "Leads") of one location, deleted ones excluded. A matter cannot
     * be created with one; they are listed for pickers only. */
    listLeadTypes(location: string): Promise<{ data: MatterTypeInfo[]; requestIds: string[] }> {
      return listTypes(location, '1');
    },

    /** `listLeadTypes(location)` through the same cache under a key of its own (`kind: 'lead'`). */
    listLeadTypesCached(key: { accountId: string; location: string }): Promise<MatterTypeInfo[]> {
      return matterTypeCache.getOrLoad({ ...key, kind: 'lead' }, async () => (await matterTypes.listLeadTypes(key.location)).data);
    },

    /** Drops the account's cached matter and lead types of every location (this process's cache only). */
    invalidateCached(accountId: string): void {
      matterTypeCache.invalidate(accountId);
    },
  };

  const files = {
    /** Step 1 of an upload (docs/smokeball.md §4): the file record; answers where to PUT the bytes. */
    create(matterId: string, input: FileCreateInput): Promise<SmokeballResult<UploadFileInfo>> {
      return request({
        method: 'POST',
        route: '/matters/{id}/documents/files',
        ids: [matterId],
        json: input,
        schema: UploadFileInfo,
        freshReference: freshReference([matterId]),
      }).then((result) => {
        fresh.record(result.data.fileId);
        return result;
      });
    },

    /**
     * Step 1 for several files in one request (docs/smokeball.md §4 "Bulk"): one `UploadFileInfo` per
     * input, in the same order (the answer names no file by its input, so the order is the only link;
     * an answer of another length is refused as invalid). Same duplicate-write rules as `create`.
     * `justCreated`: the matter was created moments ago, so a 404 is "not visible yet" and is retried
     * within the consistency window (a 404 created nothing, so repeating is safe).
     */
    async createBulk(
      matterId: string,
      inputs: readonly FileCreateInput[],
      options: ReadOptions = {},
    ): Promise<SmokeballResult<UploadFileInfo[]>> {
      const result = await request({
        method: 'POST',
        route: '/matters/{id}/documents/files/bulk',
        ids: [matterId],
        json: inputs,
        schema: UploadFileInfoList,
        // A 5xx or timeout may come after Smokeball accepted the files: never repeated here (the caller
        // reconciles by listing the matter's files).
        idempotent: false,
        justCreated: options.justCreated,
        freshReference: freshReference([matterId]),
      });
      if (result.data.length !== inputs.length) {
        // The files were accepted all the same (a 2xx): the caller reconciles as after any ambiguous create.
        throw new SmokeballInvalidResponseError([`body: ${result.data.length} upload links for ${inputs.length} files`], {
          endpoint: 'POST /matters/{id}/documents/files/bulk',
          requestId: result.requestId,
          maybeDelivered: true,
        });
      }
      for (const info of result.data) fresh.record(info.fileId);
      return result;
    },

    /** A matter's files, oldest first. */
    list(matterId: string): AsyncGenerator<MatterFile> {
      return iterateItems(
        iteratePages((offset, limit) =>
          request({
            method: 'GET',
            route: '/matters/{id}/documents/files',
            ids: [matterId],
            searchParams: pageParams(offset, limit),
            schema: FilePage,
            // GetFiles documents 403 ("does not belong to the account") and no 404 for a matter it cannot
            // see, which a matter created moments ago may be.
            freshReference: freshReference([matterId]),
          }),
        ),
      );
    },

    /**
     * A matter's files, following the `next` links' cursors (OAS GetFiles `Cursor`, docs/smokeball.md §4
     * "List"): the first page is asked for plainly; each next page with the `cursor` its `next` link
     * carries (the envelope has no cursor field of its own), or — a `next` without one — by offset, until a
     * page has no `next`. Unlike offset paging a cursor neither skips nor repeats a file added while it
     * walks. The links are read for their `cursor` only; requests go to our own host (pagination.ts).
     */
    async *listByCursor(matterId: string, { pageSize = MAX_PAGE_LIMIT }: { pageSize?: number } = {}): AsyncGenerator<MatterFile> {
      let params = pageParams(0, pageSize);
      let offset = 0;
      for (let page = 0; page < 10_000; page++) {
        const { data } = await request({ method: 'GET', route: '/matters/{id}/documents/files', ids: [matterId], searchParams: params, schema: FilePage });
        yield* data.value;
        if (!data.next?.href || data.value.length === 0) return;
        offset += data.value.length;
        const cursor = cursorOf(data.next.href);
        if (cursor !== undefined && cursor === params.get('cursor')) throw new SmokeballInvalidResponseError(['next: the cursor does not advance'], {});
        params = cursor !== undefined ? new URLSearchParams({ cursor, limit: String(pageSize) }) : pageParams(offset, pageSize);
      }
      throw new SmokeballInvalidResponseError(['next: more pages than any matter has files'], {});
    },

    /** A fresh upload URL for an existing file (docs/smokeball.md §4: `GET …/files/{fileId}/upload`). */
    uploadInfo(matterId: string, fileId: string): Promise<SmokeballResult<UploadFileInfo>> {
      return request({
        method: 'GET',
        route: '/matters/{id}/documents/files/{id}/upload',
        ids: [matterId, fileId],
        schema: UploadFileInfo,
        freshReference: freshReference([matterId, fileId]),
      });
    },

    /** Step 2: stream the bytes to `uploadUrl` with their Content-Length (upload.ts; not rate limited). */
    upload(input: { uploadUrl: string; body: UploadBody; contentLength: number }): Promise<{ status: number }> {
      if (deps.uploadPolicy) {
        const judged = judgeUploadUrl(input.uploadUrl, deps.uploadPolicy);
        if (judged.verdict === 'refuse') {
          deps.log?.('smokeball_upload_url_refused', { reason: judged.reason });
          return Promise.reject(
            new SmokeballUploadError(undefined, `The upload link Smokeball returned is not on its storage hosts (${judged.reason}); nothing was sent`),
          );
        }
      }
      return uploadToPresignedUrl(input);
    },
  };

  const webhooks = {
    types(): Promise<SmokeballResult<string[]>> {
      return request({ method: 'GET', route: '/webhooks/types', schema: WebhookTypes }).then(({ data, requestId }) => ({
        data: data.value,
        requestId,
      }));
    },

    list(): Promise<{ data: WebhookSubscription[]; requestIds: string[] }> {
      return collectPages(
        iteratePages((offset, limit) =>
          request({ method: 'GET', route: '/webhooks', searchParams: pageParams(offset, limit), schema: WebhookPage }),
        ),
      );
    },

    /** `POST /webhooks` (200 with the subscription). List first: one subscription per firm (docs/smokeball.md §5). */
    create(input: WebhookCreateInput): Promise<SmokeballResult<WebhookSubscription>> {
      return request({ method: 'POST', route: '/webhooks', json: input, schema: WebhookSubscription });
    },

    /** `DELETE /webhooks/{id}`; `existed: false` when it was gone already (404), e.g. after a retried delete. */
    async delete(id: string): Promise<SmokeballResult<{ existed: boolean }>> {
      const { found, requestId } = await request.orMissing({ method: 'DELETE', route: '/webhooks/{id}', ids: [id], schema: EmptyBody });
      return { data: { existed: found }, requestId };
    },
  };

  // Two-way sync's writes to existing records (record-updates.ts).
  const updates = createRecordUpdates(request);

  return { contacts, matters, matterTypes, files, webhooks, updates };
}
export type SmokeballClient = ReturnType<typeof createSmokeballClient>;

/** The `cursor` query value of a `next` link (any casing), or undefined. */
function cursorOf(href: string | null | undefined): string | undefined {
  if (!href) return undefined;
  try {
    for (const [key, value] of new URL(href).searchParams) if (key.toLowerCase() === 'cursor' && value !== '') return value;
  } catch {
    return undefined;
  }
  return undefined;
}
