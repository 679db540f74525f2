// The one writer of responses: JSON bodies and `{ "error": { "code", "message" } }`.
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
  return jsonResponse(e.status, { error: { code: e.code, message: e.message }, requestId }, {
    'x-request-id': requestId,
    ...headers,
  });
}
