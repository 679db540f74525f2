import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { MAX_JSON_BODY_BYTES, parseWith, readJsonBody, readTextBody } from '../../../shared/http/parse.ts';

const Body = z
  .object({
    matterId: z.uuid(),
    force: z.boolean().optional(),
    items: z.array(z.object({ name: z.string().min(1) })).optional(),
  })
  .strict();

function caught(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a throw');
}
async function rejected(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request('http://127.0.0.1/f', { method: 'POST', body, headers });

/** A body that arrives in pieces and says nothing of its length (as a chunked upload does). */
function streamed(chunks: Uint8Array[], headers: Record<string, string> = {}): { req: Request; pulled: () => number; cancelled: () => boolean } {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled === chunks.length) return controller.close();
        controller.enqueue(chunks[pulled++]);
      },
      cancel() {
        cancelled = true;
      },
    },
    // Nothing is pulled ahead of the reader, so `pulled` counts what was read.
    { highWaterMark: 0 },
  );
  const req = new Request('http://127.0.0.1/f', { method: 'POST', body: stream, headers, duplex: 'half' } as RequestInit);
  return { req, pulled: () => pulled, cancelled: () => cancelled };
}

describe('parseWith()', () => {
  const id = '0b7a3c1e-8f4d-4a2b-9c6e-1d2f3a4b5c6d';

  test('returns the parsed value, with defaults and transforms applied', () => {
    const WithDefault = z.object({ limit: z.coerce.number().int().default(50) }).strict();
    expect(parseWith(Body, { matterId: id }, 'invalid_body')).toEqual({ matterId: id });
    expect(parseWith(WithDefault, {}, 'invalid_query')).toEqual({ limit: 50 });
    expect(parseWith(WithDefault, { limit: '7' }, 'invalid_query')).toEqual({ limit: 7 });
  });

  test('a bad body is 400 invalid_body naming the field, never its value', () => {
    const err = caught(() => parseWith(Body, { matterId: 'not-a-uuid-<script>' }, 'invalid_body'));
    expect(err).toMatchObject({ code: 'invalid_body', status: 400, message: 'Invalid request body: check matterId' });
    expect(err.message).not.toContain('<script>');
  });

  test('a bad query is 400 invalid_query and says query', () => {
    const err = caught(() => parseWith(Body, { matterId: 'x' }, 'invalid_query'));
    expect(err).toMatchObject({ code: 'invalid_query', status: 400, message: 'Invalid request query: check matterId' });
  });

  test('nested fields are named by their path', () => {
    const err = caught(() => parseWith(Body, { matterId: id, items: [{ name: 'a' }, { name: '' }] }, 'invalid_body'));
    expect(err.message).toBe('Invalid request body: check items.1.name');
  });

  test('an input that is not an object, or has unknown keys, points at the whole body without echoing the key', () => {
    for (const input of [null, 'text', 42, [], undefined]) {
      expect(caught(() => parseWith(Body, input, 'invalid_body')).message).toBe('Invalid request body: check body');
    }
    const err = caught(() => parseWith(Body, { matterId: id, 'secret-looking-key': 1 }, 'invalid_body'));
    expect(err.message).toBe('Invalid request body: check body');
    expect(err.message).not.toContain('secret-looking-key');
    expect(caught(() => parseWith(Body, { extra: 1, matterId: id }, 'invalid_query')).message).toBe('Invalid request query: check query');
  });

  test('a union of shapes that matched none names the fields of the shape the input came closest to', () => {
    const Either = z.union([z.object({ ids: z.array(z.string()).min(1).max(2) }).strict(), z.object({ all: z.literal(true) }).strict()]);
    expect(caught(() => parseWith(Either, { ids: ['a', 'b', 'c'] }, 'invalid_body')).details).toEqual({ fields: ['ids'] });
    expect(caught(() => parseWith(Either, { all: false }, 'invalid_body')).details).toEqual({ fields: ['all'] });
    // Both shapes at once: an unknown key either way, named as the body (the key is not echoed).
    const both = caught(() => parseWith(Either, { ids: ['a'], all: true, 'secret-looking-key': 1 }, 'invalid_body'));
    expect(both.details).toEqual({ fields: ['body'] });
    expect(both.message).not.toContain('secret-looking-key');
  });

  test('a field with several failures is named once', () => {
    // `min(2)` and `max(1)` both fail for a one-letter value: two issues for each field.
    const Twice = z.object({ a: z.string().min(2).max(1), b: z.string().min(2).max(1) }).strict();
    const err = caught(() => parseWith(Twice, { a: 'q', b: 'q' }, 'invalid_body'));
    expect(err.message).toBe('Invalid request body: check a, b');
  });

  test('at most five fields are named', () => {
    const letters = 'abcdefgh'.split('');
    const Many = z.object(Object.fromEntries(letters.map((k) => [k, z.number()]))).strict();
    const err = caught(() => parseWith(Many, Object.fromEntries(letters.map((k) => [k, 'q'])), 'invalid_body'));
    expect(err.message).toBe('Invalid request body: check a, b, c, d, e');
  });

  test('one missing required field is named', () => {
    expect(caught(() => parseWith(Body, {}, 'invalid_body')).message).toBe('Invalid request body: check matterId');
  });
});

describe('readJsonBody()', () => {
  test('parses a JSON body', async () => {
    expect(await readJsonBody(post('{"a":[1,2]}'))).toEqual({ a: [1, 2] });
  });

  test('an empty or blank body is 400 invalid_json, unless the endpoint says what empty means', async () => {
    for (const body of [null, '', '  \n\t ']) {
      expect(await rejected(readJsonBody(post(body)))).toMatchObject({ code: 'invalid_json', status: 400, message: 'Request body must be JSON' });
      expect(await readJsonBody(post(body), { emptyAs: {} })).toEqual({});
    }
  });

  test('a body that is not JSON is 400 invalid_json without echoing it', async () => {
    const err = await rejected(readJsonBody(post('{"token": "abc", oops')));
    expect(err).toMatchObject({ code: 'invalid_json', status: 400, message: 'Request body is not valid JSON' });
    expect(err.message).not.toContain('abc');
  });

  test('JSON scalars are returned as they are (the schema decides)', async () => {
    expect(await readJsonBody(post('null'))).toBeNull();
    expect(await readJsonBody(post('"x"'))).toBe('x');
  });

  test('the default limit is 64 KiB: a body one byte over is 413 payload_too_large', async () => {
    expect(MAX_JSON_BODY_BYTES).toBe(65_536);
    const atLimit = JSON.stringify({ p: 'x'.repeat(MAX_JSON_BODY_BYTES - 8) });
    expect(atLimit.length).toBe(MAX_JSON_BODY_BYTES);
    expect(await readJsonBody(post(atLimit))).toMatchObject({ p: expect.any(String) });
    const over = JSON.stringify({ p: 'x'.repeat(MAX_JSON_BODY_BYTES - 7) });
    expect(await rejected(readJsonBody(post(over)))).toMatchObject({ code: 'payload_too_large', status: 413 });
  });
});

describe('readTextBody()', () => {
  test('decodes UTF-8, counting bytes rather than characters', async () => {
    expect(await readTextBody(post('héllo'), 6)).toBe('héllo');
    expect(await rejected(readTextBody(post('héllo'), 5))).toMatchObject({ code: 'payload_too_large', message: 'Request body exceeds 5 bytes' });
  });

  test('no body reads as an empty string', async () => {
    expect(await readTextBody(new Request('http://127.0.0.1/f'), 10)).toBe('');
  });

  test('a declared Content-Length over the limit is refused before any byte is read', async () => {
    const body = streamed([new TextEncoder().encode('{}')], { 'content-length': '1000' });
    expect(await rejected(readTextBody(body.req, 999))).toMatchObject({ code: 'payload_too_large', status: 413 });
    expect(body.pulled()).toBe(0);
  });

  test('a declared length that lies is caught while reading, and the stream is cancelled', async () => {
    const chunk = new Uint8Array(400).fill(0x61);
    const body = streamed([chunk, chunk, chunk, chunk, chunk], { 'content-length': '10' });
    expect(await rejected(readTextBody(body.req, 1_000))).toMatchObject({ code: 'payload_too_large' });
    expect(body.pulled()).toBeLessThan(5);
    expect(body.cancelled()).toBe(true);
  });

  test('a body of unknown length is joined across chunks up to the limit', async () => {
    const enc = new TextEncoder();
    const body = streamed([enc.encode('{"a":'), enc.encode('"b'), enc.encode('c"}')]);
    expect(await readTextBody(body.req, 12)).toBe('{"a":"bc"}');
  });

  test('an unreadable Content-Length is ignored, and the real size still decides', async () => {
    const body = streamed([new Uint8Array(20)], { 'content-length': 'lots' });
    expect(await rejected(readTextBody(body.req, 10))).toMatchObject({ code: 'payload_too_large' });
  });
});
