// The one writer of responses: JSON bodies and the error envelope
// `{ "error": { "code", "message", "help", "retryable", "details"?, "runId"? }, "requestId" }`, `help`
// saying what to do about the code (shared/error-help.ts).
import { isRetryableErrorCode, type ErrorEnvelope } from '../api/errors.ts';
import { helpFor } from '../error-help.ts';
import { AppError } from '../errors.ts';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** Anything thrown becomes our error shape; an unknown error is 500 `internal_error` with no detail. */
export function errorResponse(err: unknown, requestId: string, headers: Record<string, string> = {}): Response {
  const e = err instanceof AppError
    ? err
    : new AppError({ code: 'internal_error', status: 500, message: 'Something went wrong on our side' });
  return jsonResponse(e.status, errorEnvelope(e, requestId), {
    'x-request-id': requestId,
    ...headers,
  });
}

/** The error body of the contract (shared/api/errors.ts `ErrorEnvelope`). */
export function errorEnvelope(e: AppError, requestId: string): ErrorEnvelope {
  return {
    error: {
      code: e.code,
      message: e.message,
      help: helpFor(e.code),
      retryable: isRetryableErrorCode(e.code),
      ...(e.details ? { details: e.details } : {}),
      ...(e.runId ? { runId: e.runId } : {}),
    },
    requestId,
  };
}
