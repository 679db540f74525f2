// One error class for every failure that ends a request or a job. The status comes from the
// kind of failure; `message` is safe to show a firm admin; `cause` is logged, never returned.
import { z } from 'zod';

/** Every error code this project answers with: stable snake_case strings a firm admin or the FAQ can cite. */
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
  'internal_error',
  // configuration and connection
  'smokeball_not_configured',
  'jurisdiction_ambiguous',
  'not_connected',
  // a queued job's parked reason (sync_jobs.last_error_code) after the firm disconnected
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

export type AppErrorOptions = {
  code: ErrorCode;
  status: number;
  /** Safe to show a firm admin: never a token, code, secret, key, raw body or document byte. */
  message: string;
  /** Logged (by name and message only), never returned to a caller. */
  cause?: unknown;
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(options: AppErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.status = options.status;
  }
}

export const badRequest = (code: ErrorCode, message: string, cause?: unknown) =>
  new AppError({ code, status: 400, message, cause });
export const unauthorized = (message = 'Authentication required', code: ErrorCode = 'unauthorized') =>
  new AppError({ code, status: 401, message });
export const forbidden = (message = 'You are not allowed to do this') =>
  new AppError({ code: 'forbidden', status: 403, message });
export const notFound = (message = 'Not found', code: ErrorCode = 'not_found') =>
  new AppError({ code, status: 404, message });
