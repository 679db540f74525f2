// The Smokeball client's typed errors: subclasses of the one AppError. `status` is what our
// own HTTP layer answers (upstream failures are 502/503/504); Smokeball's status is `upstreamStatus`.
// Messages are safe to show a firm admin: they name the endpoint and status, never a token or a raw body.
import { AppError, type ErrorCode } from '../errors.ts';
import type { ProblemDetails } from './schemas/problem-details.ts';

/** Why the retry loop gave up (the `reason` of its last `stop` verdict), when it did. */
export type StopReason =
  | 'client_error'
  | 'not_found'
  | 'unauthorized_after_refresh'
  | 'unsafe_to_retry'
  | 'attempts_exhausted'
  | 'budget_exhausted';

export type SmokeballErrorContext = {
  /** `METHOD /route/{id}` (also the rate-limit endpoint), never the concrete URL with ids or query. */
  endpoint?: string;
  /** The `RequestId` of the last attempt, for Smokeball support and the sync history. */
  requestId?: string;
  /** Attempts made, including the last. */
  attempts?: number;
  stopReason?: StopReason;
  /**
   * True when a non-idempotent write may have reached Smokeball (5xx or network error after sending):
   * the caller must reconcile (look the resource up) before creating it again.
   */
  maybeDelivered?: boolean;
  cause?: unknown;
};

export class SmokeballError extends AppError {
  readonly endpoint?: string;
  readonly requestId?: string;
  readonly attempts?: number;
  readonly stopReason?: StopReason;
  readonly maybeDelivered: boolean;

  constructor(code: ErrorCode, status: number, message: string, context: SmokeballErrorContext = {}) {
    super({ code, status, message, cause: context.cause });
    this.name = 'SmokeballError';
    this.endpoint = context.endpoint;
    this.requestId = context.requestId;
    this.attempts = context.attempts;
    this.stopReason = context.stopReason;
    this.maybeDelivered = context.maybeDelivered ?? false;
  }
}

/** Smokeball answered with a non-2xx status. */
export class SmokeballHttpError extends SmokeballError {
  readonly upstreamStatus: number;
  readonly problem?: ProblemDetails;

  constructor(upstreamStatus: number, problem: ProblemDetails | undefined, context: SmokeballErrorContext) {
    const { code, status } = classifyUpstreamStatus(upstreamStatus);
    super(code, status, describeHttpFailure(upstreamStatus, problem, context.endpoint), context);
    this.name = 'SmokeballHttpError';
    this.upstreamStatus = upstreamStatus;
    this.problem = problem;
  }
}

/** The request failed before a response arrived (connection error or our per-attempt timeout). */
export class SmokeballNetworkError extends SmokeballError {
  readonly timedOut: boolean;

  constructor(timedOut: boolean, context: SmokeballErrorContext) {
    super(
      timedOut ? 'smokeball_timeout' : 'smokeball_network_error',
      timedOut ? 504 : 502,
      timedOut
        ? `Smokeball did not answer in time (${context.endpoint ?? 'request'})`
        : `Could not reach Smokeball (${context.endpoint ?? 'request'})`,
      context,
    );
    this.name = 'SmokeballNetworkError';
    this.timedOut = timedOut;
  }
}

/** A 2xx body that does not match the schema: a Smokeball change or a bug, never retried. */
export class SmokeballInvalidResponseError extends SmokeballError {
  /** Paths and messages of the schema issues; no values (they may hold client data). */
  readonly issues: string[];

  constructor(issues: string[], context: SmokeballErrorContext) {
    super(
      'smokeball_invalid_response',
      502,
      `Smokeball sent a response this integration does not understand (${context.endpoint ?? 'request'})`,
      context,
    );
    this.name = 'SmokeballInvalidResponseError';
    this.issues = issues;
  }
}

/**
 * The token endpoint refused. `invalid_grant` (expired/revoked refresh token, used or expired code) sets
 * `needsReauth`: the connection must be authorised again (RFC 6749 §5.2).
 */
export class SmokeballTokenError extends SmokeballError {
  readonly oauthError?: string;
  readonly upstreamStatus?: number;
  readonly needsReauth: boolean;

  constructor(
    grant: 'authorization_code' | 'refresh_token',
    upstreamStatus: number | undefined,
    oauthError: string | undefined,
    context: SmokeballErrorContext = {},
  ) {
    const needsReauth = oauthError === 'invalid_grant';
    const code: ErrorCode =
      needsReauth && grant === 'refresh_token' ? 'smokeball_reauth_required' : 'token_exchange_failed';
    const message =
      code === 'smokeball_reauth_required'
        ? 'The Smokeball connection has expired or was revoked; an admin must connect Smokeball again'
        : `Smokeball refused the sign-in (${oauthError ?? (upstreamStatus ? `status ${upstreamStatus}` : 'no answer')})`;
    // 409: the request is fine, the connection's state is not; 502 when Smokeball itself failed.
    super(code, needsReauth ? 409 : 502, message, context);
    this.name = 'SmokeballTokenError';
    this.oauthError = oauthError;
    this.upstreamStatus = upstreamStatus;
    this.needsReauth = needsReauth;
  }
}

/** The PUT of a document's bytes to the pre-signed storage URL failed. */
export class SmokeballUploadError extends SmokeballError {
  readonly upstreamStatus?: number;

  constructor(upstreamStatus: number | undefined, message: string, context: SmokeballErrorContext = {}) {
    super('smokeball_upload_failed', 502, message, context);
    this.name = 'SmokeballUploadError';
    this.upstreamStatus = upstreamStatus;
  }
}

function classifyUpstreamStatus(status: number): { code: ErrorCode; status: number } {
  if (status === 429) return { code: 'smokeball_rate_limited', status: 503 };
  if (status >= 500) return { code: 'smokeball_unavailable', status: 503 };
  if (status === 400 || status === 422) return { code: 'smokeball_bad_request', status: 502 };
  if (status === 401) return { code: 'smokeball_unauthorized', status: 502 };
  if (status === 403) return { code: 'smokeball_forbidden', status: 502 };
  if (status === 404) return { code: 'smokeball_not_found', status: 502 };
  return { code: 'smokeball_error', status: 502 };
}

const MAX_TITLE_CHARS = 160;

function describeHttpFailure(status: number, problem: ProblemDetails | undefined, endpoint: string | undefined) {
  const where = endpoint ?? 'request';
  const what =
    status === 429
      ? 'Smokeball is rate limiting requests: 429 Too Many Requests'
      : status >= 500
        ? `Smokeball is unavailable (status ${status})`
        : status === 401
          ? 'Smokeball did not accept the access token'
          : status === 403
            ? 'Smokeball denied access (missing scope, API key or permission)'
            : status === 404
              ? 'Smokeball could not find the resource'
              : `Smokeball rejected the request (status ${status})`;
  // ProblemDetails `title` is a generic phrase ("One or more validation errors occurred."); `detail` and
  // `errors` may quote the data sent, so they stay on `problem` for the caller to log, not in the message.
  const title = problem?.title && problem.title.length <= MAX_TITLE_CHARS ? `: ${problem.title}` : '';
  return `${what} (${where})${title}`;
}
