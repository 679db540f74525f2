import { describe, expect, test } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import {
  SmokeballError,
  SmokeballHttpError,
  SmokeballInvalidResponseError,
  SmokeballNetworkError,
  SmokeballTokenError,
} from '../../../shared/smokeball/errors.ts';

const endpoint = 'POST /matters/{id}/documents/files';

describe('SmokeballHttpError', () => {
  test.each([
    [429, 'smokeball_rate_limited', 503],
    [500, 'smokeball_unavailable', 503],
    [502, 'smokeball_unavailable', 503],
    [503, 'smokeball_unavailable', 503],
    [504, 'smokeball_unavailable', 503],
    [400, 'smokeball_bad_request', 502],
    [422, 'smokeball_bad_request', 502],
    [401, 'smokeball_unauthorized', 502],
    [403, 'smokeball_forbidden', 502],
    [404, 'smokeball_not_found', 502],
    [405, 'smokeball_error', 502],
    [409, 'smokeball_error', 502],
    [418, 'smokeball_error', 502],
  ])('Smokeball %i is our %s, answered %i (never Smokeball’s own status)', (upstream, code, status) => {
    const err = new SmokeballHttpError(upstream, undefined, { endpoint });
    expect(err).toBeInstanceOf(AppError);
    expect(err).toBeInstanceOf(SmokeballError);
    expect(err).toMatchObject({ code, status, upstreamStatus: upstream, name: 'SmokeballHttpError' });
  });

  test('the message names the endpoint and status, and the problem title when it is short', () => {
    const err = new SmokeballHttpError(400, { title: 'One or more validation errors occurred.' }, { endpoint });
    expect(err.message).toBe(`Smokeball rejected the request (status 400) (${endpoint}): One or more validation errors occurred.`);
    expect(new SmokeballHttpError(503, undefined, {}).message).toBe('Smokeball is unavailable (status 503) (request)');
  });

  test('the problem detail and field errors, which may quote the data sent, stay out of the message', () => {
    const problem = {
      title: 'Bad',
      detail: 'Email ada@example.com is invalid',
      errors: [{ field: 'email', message: 'ada@example.com is not valid' }],
    };
    const err = new SmokeballHttpError(422, problem, { endpoint });
    expect(err.message).not.toContain('ada@example.com');
    expect(err.problem).toEqual(problem);
  });

  test('a long title (which may be a quoted body) is left out', () => {
    const err = new SmokeballHttpError(400, { title: `x${'y'.repeat(200)}` }, { endpoint });
    expect(err.message).toBe(`Smokeball rejected the request (status 400) (${endpoint})`);
  });

  test('keeps the context for the sync history and the reconcile decision', () => {
    const err = new SmokeballHttpError(500, undefined, { endpoint, requestId: 'rid-1', attempts: 1, stopReason: 'unsafe_to_retry', maybeDelivered: true });
    expect(err).toMatchObject({ endpoint, requestId: 'rid-1', attempts: 1, stopReason: 'unsafe_to_retry', maybeDelivered: true });
    expect(new SmokeballHttpError(400, undefined, {}).maybeDelivered).toBe(false);
  });
});

describe('SmokeballNetworkError', () => {
  test('a timeout is 504 smokeball_timeout; a lost connection 502 smokeball_network_error', () => {
    expect(new SmokeballNetworkError(true, { endpoint })).toMatchObject({ code: 'smokeball_timeout', status: 504, timedOut: true });
    expect(new SmokeballNetworkError(false, {})).toMatchObject({
      code: 'smokeball_network_error',
      status: 502,
      message: 'Could not reach Smokeball (request)',
    });
  });

  test('its cause is kept for the log but not in the message', () => {
    const cause = new Error('connect ECONNREFUSED 10.1.2.3:443');
    const err = new SmokeballNetworkError(false, { endpoint, cause });
    expect(err.cause).toBe(cause);
    expect(err.message).not.toContain('10.1.2.3');
  });
});

describe('SmokeballTokenError', () => {
  test('invalid_grant on refresh: the connection must be authorised again (409)', () => {
    expect(new SmokeballTokenError('refresh_token', 400, 'invalid_grant')).toMatchObject({
      code: 'smokeball_reauth_required',
      status: 409,
      needsReauth: true,
    });
  });

  test('invalid_grant on the code exchange: the sign-in failed, and needs doing again', () => {
    expect(new SmokeballTokenError('authorization_code', 400, 'invalid_grant')).toMatchObject({
      code: 'token_exchange_failed',
      status: 409,
      needsReauth: true,
      message: 'Smokeball refused the sign-in (invalid_grant)',
    });
  });

  test.each([
    ['invalid_client', 401, 'Smokeball refused the sign-in (invalid_client)'],
    [undefined, 500, 'Smokeball refused the sign-in (status 500)'],
    [undefined, undefined, 'Smokeball refused the sign-in (no answer)'],
  ])('any other refusal (%s, %s) is 502 token_exchange_failed, not a reauth', (oauthError, status, message) => {
    expect(new SmokeballTokenError('refresh_token', status, oauthError)).toMatchObject({
      code: 'token_exchange_failed',
      status: 502,
      needsReauth: false,
      message,
    });
  });
});

describe('SmokeballInvalidResponseError', () => {
  test('is 502 and names the endpoint; the schema issues stay on the error, not in the message', () => {
    const err = new SmokeballInvalidResponseError(['value.0.id: Invalid input'], { endpoint });
    expect(err).toMatchObject({ code: 'smokeball_invalid_response', status: 502, issues: ['value.0.id: Invalid input'] });
    expect(err.message).toContain(endpoint);
    expect(err.message).not.toContain('value.0.id');
  });
});
