// Matters (docs/smokeball.md §3). Loose objects: `items`, staff links and referral fields pass through unmodelled.
import { z } from 'zod';
import { DotNetTicks, Link, OptionalText } from './common.ts';

export const MatterStatus = z.enum(['Open', 'Pending', 'Closed', 'Deleted', 'Cancelled']);
export type MatterStatus = z.infer<typeof MatterStatus>;

/** `GET /matters/{id}` and each item of `GET /matters`. */
export const Matter = z.looseObject({
  id: z.string().min(1),
  href: OptionalText,
  externalSystemId: OptionalText,
  // A numeric string such as "638138489289266248" (docs/smokeball.md §3 "Get").
  versionId: OptionalText,
  lastUpdated: DotNetTicks.nullish(),
  number: OptionalText,
  title: OptionalText,
  description: OptionalText,
  // Kept as a string: a status this client does not know must not make a matter unreadable.
  status: OptionalText,
  isLead: z.boolean().nullish(),
  matterType: Link.nullish(),
  clients: z.array(Link).nullish(),
  otherSides: z.array(Link).nullish(),
  openedDate: OptionalText,
  closedDate: OptionalText,
});
export type Matter = z.infer<typeof Matter>;

/** `POST /matters` body (`MatterDto`). The OAS names are sent (`openedDate`, `otherSideIds`), docs/smokeball.md §3. */
export const MatterCreateInput = z.object({
  matterTypeId: z.string().min(1),
  clientIds: z.array(z.string().min(1)).min(1),
  otherSideIds: z.array(z.string()).optional(),
  clientRole: z.string().optional(),
  status: MatterStatus,
  number: z.string().optional(),
  description: z.string().optional(),
  externalSystemId: z.string().optional(),
  isLead: z.boolean().optional(),
  openedDate: z.string().optional(),
});
export type MatterCreateInput = z.infer<typeof MatterCreateInput>;

/** `PATCH /matters/{id}` body (`MatterDto2`, partial; docs/smokeball.md §3 "Update"). */
export const MatterPatchInput = MatterCreateInput.partial().extend({ dateOpened: z.string().optional() });
export type MatterPatchInput = z.infer<typeof MatterPatchInput>;

/** Filters of `GET /matters` this project uses (docs/smokeball.md §3 "List"). */
export const MatterListQuery = z.object({
  search: z.string().optional(),
  contactId: z.string().optional(),
  matterTypeId: z.string().optional(),
  status: z.array(MatterStatus).optional(),
});
export type MatterListQuery = z.infer<typeof MatterListQuery>;
