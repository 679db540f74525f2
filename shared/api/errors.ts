// The error side of the contract: the closed list of codes, the envelope every error body has, and the
// codes the OAuth callback puts in the app's URL as `error=`. Zod only: the app imports this file.
import { z } from 'zod';

/** Every error code a function answers with: stable snake_case strings a firm admin or the FAQ can cite. */
export const ErrorCode = z.enum([
  // request shape and auth
  'invalid_body',
  'invalid_query',
  'invalid_json',
  'payload_too_large',
  'method_not_allowed',
  'not_found',
  'function_not_found',
  'unauthorized',
  'invalid_jwt',
  'forbidden',
  'firm_required',
  'internal_error',
  /** The function could not be started or did not answer (a platform failure, not the function's error). */
  'function_unavailable',
  // configuration and connection
  'smokeball_not_configured',
  'jurisdiction_ambiguous',
  'not_connected',
  /** A queued job's parked reason (sync_jobs.last_error_code) after the firm disconnected. */
  'disconnected',
  'smokeball_reauth_required',
  'invalid_state',
  'token_exchange_failed',
  'oauth_user_mismatch',
  'smokeball_account_changed',
  // Smokeball upstream
  'smokeball_rate_limited',
  'smokeball_unavailable',
  'smokeball_timeout',
  'smokeball_network_error',
  'smokeball_bad_request',
  'smokeball_unauthorized',
  'smokeball_forbidden',
  'smokeball_not_found',
  'smokeball_invalid_response',
  'smokeball_upload_failed',
  'smokeball_error',
  // inbound webhooks
  'invalid_webhook',
  'webhook_unverified',
  /** The intake's queue of deliveries waiting to be stored is full (503): Smokeball redelivers. */
  'webhook_intake_busy',
  'smokeball_async_error',
  // sync domain
  'matter_type_unmapped',
  'document_unavailable',
  'document_size_unknown',
  'document_too_large',
  'sync_in_progress',
  'sync_interrupted',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * Codes worth retrying as they are: the same request may succeed later without anyone changing anything
 * (Smokeball busy or unreachable, another sync holding the matter). Every other code needs a change first.
 */
export const RETRYABLE_ERROR_CODES: readonly ErrorCode[] = [
  'internal_error',
  'function_unavailable',
  'smokeball_rate_limited',
  'smokeball_unavailable',
  'smokeball_timeout',
  'smokeball_network_error',
  'smokeball_upload_failed',
  'smokeball_error',
  'webhook_intake_busy',
  'sync_in_progress',
  'sync_interrupted',
];

export const isRetryableErrorCode = (code: ErrorCode): boolean => RETRYABLE_ERROR_CODES.includes(code);

/** Machine-readable facts a UI acts on: the offending fields of `invalid_body`/`invalid_query`, the case type of `matter_type_unmapped`. */
export const ErrorDetails = z
  .object({
    fields: z.array(z.string()).optional(),
    caseType: z.string().optional(),
  })
  .strict();
export type ErrorDetails = z.infer<typeof ErrorDetails>;

/** `{ error: { code, message, retryable, help, details?, runId? }, requestId }`: every error body. */
export const ErrorEnvelope = z
  .object({
    error: z
      .object({
        code: ErrorCode,
        /** Safe to show a firm admin. */
        message: z.string(),
        /** True when the same request may succeed later unchanged. */
        retryable: z.boolean(),
        /** What a firm admin can do about it: the code's one help text (shared/error-help.ts). */
        help: z.string(),
        details: ErrorDetails.optional(),
        /** The sync_runs row the failure was recorded in, when the error concerns a run. */
        runId: z.uuid().optional(),
      })
      .strict(),
    requestId: z.string(),
  })
  .strict();
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** A document's failure inside a sync that went on (a `partial` run). */
export const ItemError = z.object({ code: ErrorCode, message: z.string(), help: z.string() }).strict();
export type ItemError = z.infer<typeof ItemError>;

/** The authorization server's error codes (RFC 6749 §4.1.2.1), passed on as they are; any other becomes `authorization_failed`. */
export const AuthorizationServerErrorCode = z.enum([
  'access_denied',
  'invalid_request',
  'unauthorized_client',
  'unsupported_response_type',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
]);
export type AuthorizationServerErrorCode = z.infer<typeof AuthorizationServerErrorCode>;

/**
 * What `oauth-callback` puts in the app's URL as `error=` (it never answers with a page): the project's
 * own codes, and the authorization server's (RFC 6749 §4.1.2.1) passed on as they are.
 */
export const OAuthRedirectErrorCode = z.enum([
  'invalid_state',
  'smokeball_not_configured',
  'internal_error',
  'authorization_failed',
  ...AuthorizationServerErrorCode.options,
]);
export type OAuthRedirectErrorCode = z.infer<typeof OAuthRedirectErrorCode>;

/** The app URL's query after a callback: either `connect=<handle>` (pass it to oauth-complete) or `error=<code>`. */
export const OAuthRedirectQuery = z.union([
  z.object({ connect: z.string().min(20) }),
  z.object({ error: OAuthRedirectErrorCode }),
]);
export type OAuthRedirectQuery = z.infer<typeof OAuthRedirectQuery>;
