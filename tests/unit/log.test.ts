import { describe, expect, test } from 'vitest';
import { AppError } from '../../shared/errors.ts';
import { createLogger, describeError, type LogFields } from '../../shared/log.ts';

/** A logger that keeps its lines, parsed. */
function capture(base?: LogFields) {
  const lines: string[] = [];
  const log = createLogger(base, (line) => lines.push(line));
  return { log, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const SECRET = 'eyJhbGciOiJSUzI1NiJ9.s3cr3t-value';

/** Fields as a caller could build them at run time, past the compile-time refusal of plain secret names. */
const untyped = (fields: Record<string, unknown>) => fields as LogFields;

describe('createLogger()', () => {
  test('writes one JSON line per call with level, event, time and the fields', () => {
    const { log, lines, entries } = capture({ fn: 'sync-matter', requestId: 'req-12345678' });
    log.info('request', { status: 200, durationMs: 12, ok: true, gone: null, ids: ['a', 'b'] });
    log.warn('slow', { n: 1 });
    log.error('failed', {});
    expect(lines).toHaveLength(3);
    const [info, warn, error] = entries();
    expect(info).toMatchObject({ level: 'info', event: 'request', fn: 'sync-matter', requestId: 'req-12345678', status: 200, durationMs: 12, ok: true, gone: null, ids: ['a', 'b'] });
    expect(new Date(info.time as string).toISOString()).toBe(info.time);
    expect(warn).toMatchObject({ level: 'warn', event: 'slow', n: 1 });
    expect(error).toMatchObject({ level: 'error', event: 'failed', fn: 'sync-matter' });
  });

  test('leaves out undefined fields', () => {
    const { log, entries } = capture();
    log.info('x', { firmId: undefined, matterId: 'm1' });
    expect(entries()[0]).not.toHaveProperty('firmId');
    expect(entries()[0]).toHaveProperty('matterId', 'm1');
  });

  // The promise: a field whose name could carry a secret never prints its value, whatever the value.
  test.each([
    'token',
    'accessToken',
    'access_token',
    'refresh_token',
    'idToken',
    'TOKEN',
    'secret',
    'clientSecret',
    'client_secret',
    'secretKey',
    'password',
    'authorization',
    'Authorization',
    'apikey',
    'apiKey',
    'api_key',
    'code_verifier',
    'codeVerifier',
    'pkce-verifier',
    'code',
    'Code',
    'authCode',
    'oauth_code',
    'grantCode',
    'authorizationCode',
    'signature',
    'key',
    'KEY',
    'webhookKey',
    'privateKey',
    'signing_keys',
    'credentials',
    'cookie',
    'setCookie',
    'body',
    'rawBody',
    'payload',
  ])('drops a field named %s', (name) => {
    const { log, lines } = capture();
    log.info('x', untyped({ [name]: SECRET, kept: 'yes' }));
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).not.toContain('s3cr3t');
    expect(JSON.parse(lines[0])).toHaveProperty('kept', 'yes');
  });

  test('the compiler refuses the plain secret names, so an error code is logged as errorCode', () => {
    const { log, entries } = capture();
    // @ts-expect-error `code` could be an OAuth code: it is never logged.
    log.error('failed', { code: 'smokeball_unavailable' });
    // @ts-expect-error
    log.info('x', { token: SECRET });
    // @ts-expect-error
    log.child({ key: SECRET });
    log.error('failed', { errorCode: 'smokeball_unavailable' });
    expect(entries()[0]).not.toHaveProperty('code');
    expect(entries()[2]).toHaveProperty('errorCode', 'smokeball_unavailable');
  });

  test('drops a secret-named array field too', () => {
    const { log, lines } = capture();
    log.info('x', untyped({ tokens: [SECRET] }));
    expect(lines[0]).not.toContain('s3cr3t');
  });

  test.each(['keyId', 'errorCode', 'statusCode', 'codeLength', 'requestId', 'firmId', 'status', 'endpoint', 'eventTypes', 'region'])(
    'keeps an ordinary field named %s',
    (name) => {
      const { log, entries } = capture();
      log.info('x', untyped({ [name]: 'visible' }));
      expect(entries()[0]).toHaveProperty(name, 'visible');
    },
  );

  test('drops secret-named base fields, on every line and in children', () => {
    const { log, lines } = capture(untyped({ token: SECRET, fn: 'f' }));
    log.info('a');
    log.child(untyped({ code: SECRET, firmId: 'firm-1' })).warn('b', untyped({ apikey: SECRET }));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain('s3cr3t');
    expect(JSON.parse(lines[1])).toMatchObject({ level: 'warn', event: 'b', fn: 'f', firmId: 'firm-1' });
  });

  test('a child adds its fields to its parent’s without changing the parent', () => {
    const { log, entries } = capture({ fn: 'f', requestId: 'r1' });
    const child = log.child({ firmId: 'firm-1', requestId: 'r2' });
    child.info('in-child', { matterId: 'm1' });
    log.info('in-parent');
    const [fromChild, fromParent] = entries();
    expect(fromChild).toMatchObject({ fn: 'f', requestId: 'r2', firmId: 'firm-1', matterId: 'm1' });
    expect(fromParent).toMatchObject({ fn: 'f', requestId: 'r1' });
    expect(fromParent).not.toHaveProperty('firmId');
  });

  test('a call’s fields win over the base fields of the same name', () => {
    const { log, entries } = capture({ status: 'base' });
    log.info('x', { status: 'call' });
    expect(entries()[0]).toHaveProperty('status', 'call');
  });

  test('writes with console.log when no writer is given', async () => {
    const { vi } = await import('vitest');
    const spy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      createLogger({ fn: 'f' }).info('to-console', untyped({ token: SECRET }));
      expect(spy).toHaveBeenCalledTimes(1);
      const line = String(spy.mock.calls[0][0]);
      expect(JSON.parse(line)).toMatchObject({ level: 'info', event: 'to-console', fn: 'f' });
      expect(line).not.toContain('s3cr3t');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('describeError()', () => {
  test('an Error gives its name and message only: no stack, cause or attached data', () => {
    const err = new AppError({ code: 'internal_error', status: 500, message: 'Something broke', cause: new Error(SECRET) });
    const fields = describeError(err);
    expect(fields).toEqual({ errorName: 'AppError', errorMessage: 'Something broke' });
    expect(JSON.stringify(fields)).not.toContain('s3cr3t');
  });

  test('keeps a subclass’s name', () => {
    expect(describeError(new TypeError('bad'))).toEqual({ errorName: 'TypeError', errorMessage: 'bad' });
  });

  test('cuts a long message at 300 characters', () => {
    const fields = describeError(new Error('x'.repeat(1_000)));
    expect(fields.errorMessage).toBe('x'.repeat(300));
  });

  test.each([
    ['a string', 'oops', 'string'],
    ['an object', { token: SECRET }, 'object'],
    ['null', null, 'object'],
    ['undefined', undefined, 'undefined'],
    ['a number', 42, 'number'],
  ])('a thrown non-Error (%s) gives only its type, never its content', (_name, thrown, type) => {
    const fields = describeError(thrown);
    expect(fields).toEqual({ errorName: type });
  });
});
