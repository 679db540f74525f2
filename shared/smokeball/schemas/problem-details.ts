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
  // Smokeball's `errors` is an array of objects whose shape is not documented (docs/smokeball.md §7): each
  // keeps its `title` and message-like fields; another form (strings, the ASP.NET dictionary) never makes
  // the error unreadable: `errors` is then dropped and `title`/`detail` remain.
  errors: z
    .array(
      z.looseObject({
        title: OptionalText,
        field: OptionalText,
        propertyName: OptionalText,
        message: OptionalText,
        code: OptionalText,
      }),
    )
    .nullish()
    .catch(null),
});
export type ProblemDetails = z.infer<typeof ProblemDetails>;

export const GatewayError = z.object({ message: z.string() });
export type GatewayError = z.infer<typeof GatewayError>;
