// Token endpoint bodies (docs/smokeball.md §1 "Token responses", "Token endpoint errors"). Cognito-style errors:
// 400 `{"error":"invalid_grant"}` etc. (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html).
import { z } from 'zod';

export const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().nullish(),
  // Seconds; authoritative (3600 documented, 21600 observed for client credentials, docs/smokeball.md §1).
  expires_in: z.number().int().positive(),
  // Absent on refresh: the caller keeps the old one (docs/smokeball.md §1; Nango bug #298 was a refresh that dropped it).
  refresh_token: z.string().min(1).nullish(),
  id_token: z.string().nullish(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const TokenErrorBody = z.object({
  error: z.string(),
  error_description: z.string().nullish(),
});
export type TokenErrorBody = z.infer<typeof TokenErrorBody>;
