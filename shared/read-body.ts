// Reading a request body with a size bound, for JSON endpoints and the webhook receiver alike: a body
// over the bound is refused (413) without being read whole.
import { AppError } from './errors.ts';

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

function tooLarge(maxBytes: number): AppError {
  return new AppError({ code: 'payload_too_large', status: 413, message: `Request body exceeds ${maxBytes} bytes` });
}
