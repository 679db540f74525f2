// Dispatches an authenticated API request to its resource handler (routes.ts holds the templates).
import { createContact, getContact, listContacts, replaceContact } from './contacts.ts';
import { createFile, getFile, getUploadInfo, listFiles } from './files.ts';
import { createFilesInBulk } from './files-bulk.ts';
import { batchContacts } from './contacts-batch.ts';
import { deleteContact, deleteFile, deleteMatter } from './deletions.ts';
import { gatewayError, type Reply } from './http.ts';
import { getMatterType, listCategories, listMatterTypes } from './matter-types.ts';
import { createMatter, getMatter, listMatters, patchMatter, replaceMatter } from './matters.ts';
import type { ApiRoute } from './routes.ts';
import {
  createSubscription, deleteSubscription, getSubscription, listSubscriptions, listWebhookTypes, notifySubscription, updateSubscription,
} from './webhooks.ts';
import type { ApiCtx } from './world.ts';

const HANDLERS: Record<ApiRoute, (ctx: ApiCtx) => Reply | Promise<Reply>> = {
  'GET /contacts': listContacts,
  'POST /contacts': createContact,
  'GET /contacts/{id}': getContact,
  'PUT /contacts/{id}': replaceContact,
  'DELETE /contacts/{id}': deleteContact,
  'POST /contacts/batch': batchContacts,
  'GET /matters': listMatters,
  'POST /matters': createMatter,
  'GET /matters/{id}': getMatter,
  'PATCH /matters/{id}': patchMatter,
  'PUT /matters/{id}': replaceMatter,
  'DELETE /matters/{id}': deleteMatter,
  'GET /mattertypes': listMatterTypes,
  'GET /mattertypes/categories': listCategories,
  'GET /mattertypes/{id}': getMatterType,
  'GET /matters/{id}/documents/files': listFiles,
  'POST /matters/{id}/documents/files': createFile,
  'POST /matters/{id}/documents/files/bulk': createFilesInBulk,
  'GET /matters/{id}/documents/files/{fileId}': getFile,
  'DELETE /matters/{id}/documents/files/{fileId}': deleteFile,
  'GET /matters/{id}/documents/files/{fileId}/upload': getUploadInfo,
  'GET /webhooks': listSubscriptions,
  'POST /webhooks': createSubscription,
  'GET /webhooks/types': listWebhookTypes,
  'GET /webhooks/{id}': getSubscription,
  'PUT /webhooks/{id}': updateSubscription,
  'DELETE /webhooks/{id}': deleteSubscription,
  'POST /webhooks/{id}/notify': notifySubscription,
};

export function dispatchApi(route: string | undefined, ctx: ApiCtx): Reply | Promise<Reply> {
  const handler = route ? HANDLERS[route as ApiRoute] : undefined;
  return handler ? handler(ctx) : gatewayError(404, 'Not Found');
}
