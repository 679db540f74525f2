// Small node:http helpers: replies as values, a case-insensitive query, bounded body reading.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler answers; server.ts writes it. */
export type Reply = {
  status: number;
  body?: unknown;
  /** Defaults to application/json when body is not a string. */
  contentType?: string;
  headers?: Record<string, string>;
};

/** Thrown by handlers to end a request with a given reply (validation, 404, …). */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super(`reply ${reply.status}`);
  }
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });

/** API Gateway error bodies are `{"message": …}`, not ProblemDetails (docs/smokeball.md §7). */
export const gatewayError = (status: number, message: string, headers?: Record<string, string>): Reply => ({
  status,
  body: { message },
  headers,
});

export function writeReply(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | Buffer | undefined;
  if (reply.body === undefined) payload = undefined;
  else if (typeof reply.body === 'string' || Buffer.isBuffer(reply.body)) payload = reply.body;
  else {
    payload = JSON.stringify(reply.body);
    headers['content-type'] ??= reply.contentType ?? 'application/json; charset=utf-8';
  }
  if (reply.contentType) headers['content-type'] = reply.contentType;
  headers['content-length'] = String(payload === undefined ? 0 : Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/**
 * Query parameters looked up case-insensitively: the OAS uses PascalCase (`Search`, `Limit`) and the docs
 * and "next" links lowercase; ASP.NET binding accepts both (docs/smokeball.md §2 "Query-name casing").
 */
export class Query {
  private readonly values = new Map<string, string[]>();

  constructor(params: URLSearchParams) {
    for (const [key, value] of params) {
      const k = key.toLowerCase();
      const list = this.values.get(k);
      if (list) list.push(value);
      else this.values.set(k, [value]);
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase())?.[0];
  }

  getAll(name: string): string[] {
    return this.values.get(name.toLowerCase()) ?? [];
  }

  /** Repeated or comma-separated values (`Status=Open&Status=Closed`, `Type=Matters,Leads`). */
  getList(name: string): string[] {
    return this.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a small request body (API JSON, token form); larger bodies are refused, never buffered. */
export async function readSmallBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ReplyError(gatewayError(413, 'Request Entity Too Large'));
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
