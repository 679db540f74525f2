// One error class for every failure that ends a request or a job. The status comes from the
// kind of failure; `message` is safe to show a firm admin; `cause` is logged, never returned.

// The closed list of codes lives in the app's contract (shared/api/errors.ts).
import { ErrorCode, type ErrorDetails } from './api/errors.ts';

export { ErrorCode };

export type AppErrorOptions = {
  code: ErrorCode;
  status: number;
  /** Safe to show a firm admin: never a token, code, secret, key, raw body or document byte. */
  message: string;
  /** Logged (by name and message only), never returned to a caller. */
  cause?: unknown;
  /** Machine-readable facts for the caller (`fields`, `caseType`), returned as `error.details`. */
  details?: ErrorDetails;
  /** The sync_runs row the failure was recorded in, returned as `error.runId`. */
  runId?: string;
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: ErrorDetails;
  readonly runId?: string;

  constructor(options: AppErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.status = options.status;
    if (options.details) this.details = options.details;
    if (options.runId) this.runId = options.runId;
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
/** The firm has no Smokeball connection (never connected, or disconnected). */
export const notConnected = () =>
  new AppError({ code: 'not_connected', status: 409, message: 'Smokeball is not connected for this firm; an admin must connect it first' });
/** The firm's connection needs an admin to connect again (its refresh token was refused). */
export const reauthRequired = () =>
  new AppError({
    code: 'smokeball_reauth_required',
    status: 409,
    message: 'The Smokeball connection has expired or was revoked; an admin must connect Smokeball again',
  });
