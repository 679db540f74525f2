// Error bodies (docs/smokeball.md §7): RFC 7807 ProblemDetails from the application, with Smokeball's `errors`
// extension as an array of objects whose element shape is undocumented; API-Gateway bodies
// `{"message":"Unauthorized"}` for gateway-level 401/403/429.
import { z } from 'zod';
import { OptionalText } from './common.ts';

export const ProblemDetails = z.object({
  type: OptionalText,
  title: OptionalText,
  status: z.number().int().nullish(),
  detail: OptionalText,
  instance: OptionalText,
  // Element shape UNCONFIRMED (docs/smokeball.md §7): keep whatever is sent; the best guess names the field.
  errors: z
    .array(
      z.looseObject({
        field: OptionalText,
        propertyName: OptionalText,
        message: OptionalText,
        code: OptionalText,
      }),
    )
    .nullish(),
});
export type ProblemDetails = z.infer<typeof ProblemDetails>;

export const GatewayError = z.object({ message: z.string() });
export type GatewayError = z.infer<typeof GatewayError>;
