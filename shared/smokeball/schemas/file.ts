// Matter files (docs/smokeball.md §4).
import { z } from 'zod';
import { Link, OptionalText } from './common.ts';

/** 202 body of `POST /matters/{id}/documents/files`: where to PUT the bytes, and until when. */
export const UploadFileInfo = z.object({
  fileId: z.string().min(1),
  uploadUrl: z.string().url(),
  expiry: OptionalText,
});
export type UploadFileInfo = z.infer<typeof UploadFileInfo>;

/** Each item of `GET /matters/{id}/documents/files`. `name` has no extension; `fileExtension` is ".pdf". */
export const MatterFile = z.looseObject({
  id: z.string().min(1),
  href: OptionalText,
  versionId: OptionalText,
  name: OptionalText,
  fileExtension: OptionalText,
  folder: Link.nullish(),
  matter: Link.nullish(),
  sizeBytes: z.number().nullish(),
  dateCreated: OptionalText,
  dateModified: OptionalText,
  // `fileAdditionalData` as given on create: the sync finds the file an interrupted attempt created by it.
  // The OAS allows any JSON value per key, and null for the whole map (docs/smokeball.md §4): only string
  // values are ours, so anything else is kept as sent and ignored by the reader.
  additionalData: z.record(z.string(), z.unknown()).nullish().catch(null),
  isUploaded: z.boolean().nullish(),
  isCancelled: z.boolean().nullish(),
  isDeleted: z.boolean().nullish(),
});
export type MatterFile = z.infer<typeof MatterFile>;

/** `AddFileDto` (docs/smokeball.md §4 step 1): `fileName` with its extension, ≤256 characters. */
export const FileCreateInput = z.object({
  fileName: z.string().min(1).max(256),
  folderId: z.string().nullable().optional(),
  folderPath: z.string().optional(),
  fileAdditionalData: z.record(z.string(), z.string()).optional(),
});
export type FileCreateInput = z.infer<typeof FileCreateInput>;
