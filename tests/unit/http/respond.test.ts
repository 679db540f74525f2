import { describe, expect, test } from 'vitest';
import { AppError, forbidden } from '../../../shared/errors.ts';
import { ErrorEnvelope } from '../../../shared/api/errors.ts';
import { errorResponse, jsonResponse } from '../../../shared/http/respond.ts';
import { SmokeballHttpError } from '../../../shared/smokeball/errors.ts';
import { helpFor } from '../../../shared/error-help.ts';

describe('jsonResponse()', () => {
  test('writes the status, the JSON body and a JSON content type; extra headers are added', async () => {
    const res = jsonResponse(201, { id: 'm1', n: [1, 2] }, { 'x-extra': 'yes' });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(await res.json()).toEqual({ id: 'm1', n: [1, 2] });
  });
});

describe('errorResponse()', () => {
  test('an AppError keeps its status, code and message, with the request id in body and header', async () => {
    const res = errorResponse(forbidden('Only a firm admin can do this'), 'req-12345678');
    expect(res.status).toBe(403);
    expect(res.headers.get('x-request-id')).toBe('req-12345678');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      error: { code: 'forbidden', message: 'Only a firm admin can do this', help: helpFor('forbidden'), retryable: false },
      requestId: 'req-12345678',
    });
  });

  test('a subclass of AppError (a Smokeball failure) answers as itself', async () => {
    const res = errorResponse(new SmokeballHttpError(503, undefined, { endpoint: 'POST /matters' }), 'r1');
    expect(res.status).toBe(503);
    expect((await res.json()).error).toMatchObject({ code: 'smokeball_unavailable', help: helpFor('smokeball_unavailable') });
  });

  test('the cause of an AppError is never returned', async () => {
    const err = new AppError({ code: 'token_exchange_failed', status: 502, message: 'Smokeball refused the sign-in', cause: new Error('refresh_token=abc123') });
    const text = await errorResponse(err, 'r1').text();
    expect(text).not.toContain('abc123');
    expect(JSON.parse(text)).toEqual({ error: { code: 'token_exchange_failed', message: 'Smokeball refused the sign-in', help: helpFor('token_exchange_failed'), retryable: false }, requestId: 'r1' });
  });

  test.each([
    ['an Error', new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'token')")],
    ['a string', 'hunter2'],
    ['null', null],
    ['an object that looks like an AppError', { code: 'forbidden', status: 403, message: 'hunter2' }],
  ])('anything else (%s) is 500 internal_error with no detail', async (_name, thrown) => {
    const res = errorResponse(thrown, 'r1');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on our side', help: helpFor('internal_error'), retryable: true }, requestId: 'r1' });
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('ECONNREFUSED');
  });

  test('extra headers (CORS) are added to the error', async () => {
    const res = errorResponse(forbidden(), 'r1', { 'Access-Control-Allow-Origin': '*' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-request-id')).toBe('r1');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('errorResponse(): the contract envelope', () => {
  test('details and the run id travel with the error; every body parses as the ErrorEnvelope', async () => {
    const res = errorResponse(
      new AppError({ code: 'matter_type_unmapped', status: 422, message: 'No matter type', details: { caseType: 'maritime_salvage' }, runId: '6b1f0c1e-7a53-4c55-9d53-2b2a4f6f0a11' }),
      'r2',
    );
    const body = ErrorEnvelope.parse(await res.json());
    expect(body.error).toEqual({
      code: 'matter_type_unmapped',
      message: 'No matter type',
      help: helpFor('matter_type_unmapped'),
      retryable: false,
      details: { caseType: 'maritime_salvage' },
      runId: '6b1f0c1e-7a53-4c55-9d53-2b2a4f6f0a11',
    });
  });

  test('retryable: true for a busy or unreachable Smokeball, false for what needs a change first', async () => {
    const busy = await errorResponse(new SmokeballHttpError(503, undefined, { endpoint: 'POST /matters' }), 'r3').json();
    expect(ErrorEnvelope.parse(busy).error.retryable).toBe(true);
    const invalid = await errorResponse(new AppError({ code: 'invalid_body', status: 400, message: 'bad', details: { fields: ['matterId'] } }), 'r4').json();
    expect(ErrorEnvelope.parse(invalid).error).toMatchObject({ retryable: false, details: { fields: ['matterId'] } });
  });
});
