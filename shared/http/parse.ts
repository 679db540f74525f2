// Request input through zod `.strict()` schemas; each failure has its own code and never echoes input.
import type { z } from 'zod';
import { AppError } from '../errors.ts';

/** Bodies of browser-called functions are small JSON objects. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/** `emptyAs`: what an empty body means for endpoints whose every field is optional. */
export async function readJsonBody(req: Request, options: { maxBytes?: number; emptyAs?: unknown } = {}): Promise<unknown> {
  const text = await readTextBody(req, options.maxBytes ?? MAX_JSON_BODY_BYTES);
  if (text.trim() === '') {
    if (options.emptyAs !== undefined) return options.emptyAs;
    throw new AppError({ code: 'invalid_json', status: 400, message: 'Request body must be JSON' });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError({ code: 'invalid_json', status: 400, message: 'Request body is not valid JSON' });
  }
}

/** Reads at most `maxBytes`, checking the declared length first so an oversized body is never read. */
export async function readTextBody(req: Request, maxBytes: number): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, code: 'invalid_body' | 'invalid_query'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const where = code === 'invalid_body' ? 'body' : 'query';
  const fields = [...new Set(result.error.issues.map((i) => i.path.join('.') || where))].slice(0, 5);
  throw new AppError({ code, status: 400, message: `Invalid request ${where}: check ${fields.join(', ')}`, details: { fields } });
}

function tooLarge(maxBytes: number): AppError {
  return new AppError({ code: 'payload_too_large', status: 413, message: `Request body exceeds ${maxBytes} bytes` });
}
