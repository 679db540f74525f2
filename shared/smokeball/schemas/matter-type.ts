// Matter types (docs/smokeball.md §3 "Matter types"). The docs example says `deleted`, the OAS `isDeleted`: both
// are read and exposed as `isDeleted`.
import { z } from 'zod';
import { OptionalText } from './common.ts';

export const MatterTypeInfo = z
  .looseObject({
    id: z.string().min(1),
    href: OptionalText,
    versionId: OptionalText,
    // Nullable in the OAS: an unnamed type is never matched by name (match-name.ts) but never fails the list.
    name: OptionalText,
    category: OptionalText,
    // 0 = matter type, 1 = lead type.
    type: z.number().int().nullish(),
    representativeOptions: z.array(z.string()).nullish(),
    location: OptionalText,
    isDeleted: z.boolean().nullish(),
    deleted: z.boolean().nullish(),
  })
  .transform(({ deleted, ...type }) => ({ ...type, isDeleted: type.isDeleted ?? deleted ?? false }));
export type MatterTypeInfo = z.infer<typeof MatterTypeInfo>;
