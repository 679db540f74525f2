// The part of the Supabase Storage REST API the functions use, on a local folder:
//   POST|PUT /storage/v1/object/<bucket>/<path>          upload (secret key; `x-upsert: true` to replace;
//                                                        `x-local-fault: no-content-length`, local only:
//                                                        downloads of the object come without a length)
//   GET|HEAD /storage/v1/object/authenticated/<bucket>/<path>   download (secret key): with Content-Length
//                                                        when the client asks for `identity`, gzip-encoded
//                                                        and chunked when it accepts gzip, as a compressing
//                                                        proxy or CDN in front of Storage may answer
//   GET  /storage/v1/object/info/<bucket>/<path>          metadata (secret key)
//   POST /storage/v1/object/sign/<bucket>/<path>          { expiresIn } → { signedURL } (secret key)
//   GET  /storage/v1/object/sign/<bucket>/<path>?token=…  download through a signed URL (no key)
// Objects are streamed to and from disk, never held in memory. Errors use Storage's JSON shape.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createGzip } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

export type StorageOptions = { root: string; secretKeys: string[]; signingSecret: string };

/** Faults an object can be uploaded with (`x-local-fault`), for tests of what a reader must refuse. */
const FAULTS = ['no-content-length'] as const;
type Fault = (typeof FAULTS)[number];

type Meta = { contentType: string; size: number; sha256: string; updatedAt: string; fault?: Fault };

const SEGMENT = /^[A-Za-z0-9._ ()@+=,~-]+$/;

export function createStorageHandler(options: StorageOptions) {
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    try {
      const url = new URL(path, 'http://storage.local');
      const m = /^\/object\/(?:(authenticated|info|sign)\/)?([^/]+)\/(.+)$/.exec(url.pathname);
      if (!m) return send(res, 404, { statusCode: '404', error: 'not_found', message: 'Unknown storage route' });
      const [, kind, bucket, rawPath] = m;
      const objectPath = decodeURIComponent(rawPath);
      const file = resolveObject(options.root, bucket, objectPath);
      if (!file) return send(res, 400, { statusCode: '400', error: 'invalid_key', message: 'Invalid object path' });

      if (kind === 'sign' && req.method === 'GET') {
        if (!verifySignedToken(options.signingSecret, url.searchParams.get('token'), bucket, objectPath)) {
          return send(res, 400, { statusCode: '400', error: 'invalid_signature', message: 'Invalid or expired signature' });
        }
        return download(req, res, file);
      }
      if (!hasSecretKey(req, options.secretKeys)) {
        return send(res, 401, { statusCode: '401', error: 'unauthorized', message: 'A secret key is required' });
      }
      if (!kind && (req.method === 'POST' || req.method === 'PUT')) return upload(req, res, file, bucket, objectPath);
      if (kind === 'authenticated' && (req.method === 'GET' || req.method === 'HEAD')) return download(req, res, file);
      if (kind === 'info' && req.method === 'GET') {
        const meta = await readMeta(file);
        if (!meta) return send(res, 404, { statusCode: '404', error: 'not_found', message: 'Object not found' });
        return send(res, 200, { name: objectPath, bucket_id: bucket, size: meta.size, content_type: meta.contentType, metadata: { size: meta.size, mimetype: meta.contentType }, updated_at: meta.updatedAt });
      }
      if (kind === 'sign' && req.method === 'POST') {
        const body = JSON.parse((await readSmall(req)) || '{}') as { expiresIn?: number };
        const expiresIn = Number(body.expiresIn);
        if (!Number.isFinite(expiresIn) || expiresIn <= 0) return send(res, 400, { statusCode: '400', error: 'invalid_request', message: 'expiresIn must be a positive number' });
        if (!(await readMeta(file))) return send(res, 404, { statusCode: '404', error: 'not_found', message: 'Object not found' });
        const token = signToken(options.signingSecret, bucket, objectPath, Date.now() + expiresIn * 1000);
        return send(res, 200, { signedURL: `/object/sign/${bucket}/${encodePath(objectPath)}?token=${token}` });
      }
      return send(res, 405, { statusCode: '405', error: 'method_not_allowed', message: 'Method not allowed' });
    } catch {
      if (!res.headersSent) send(res, 500, { statusCode: '500', error: 'internal_error', message: 'Storage failed' });
      else res.destroy();
    }
  };
}

/** Writes an object straight from code (the stack seeds demo documents this way). */
export async function putObject(root: string, bucket: string, objectPath: string, bytes: Uint8Array, contentType: string) {
  const file = resolveObject(root, bucket, objectPath);
  if (!file) throw new Error('invalid object path');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, bytes);
  const meta: Meta = { contentType, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex'), updatedAt: new Date().toISOString() };
  await writeFile(`${file}.meta.json`, JSON.stringify(meta));
}

async function upload(req: IncomingMessage, res: ServerResponse, file: string, bucket: string, objectPath: string) {
  const upsert = req.headers['x-upsert'] === 'true';
  const faultHeader = req.headers['x-local-fault'];
  const fault = FAULTS.find((f) => f === faultHeader);
  if (faultHeader !== undefined && !fault) return send(res, 400, { statusCode: '400', error: 'invalid_request', message: `x-local-fault must be one of: ${FAULTS.join(', ')}` });
  if (!upsert && (await readMeta(file))) return send(res, 409, { statusCode: '409', error: 'Duplicate', message: 'The resource already exists' });
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.upload-${process.pid}-${Date.now()}`;
  const hash = createHash('sha256');
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
  });
  await pipeline(req, createWriteStream(tmp));
  await rename(tmp, file);
  const contentType = String(req.headers['content-type'] ?? 'application/octet-stream').split(';')[0];
  const meta: Meta = { contentType, size, sha256: hash.digest('hex'), updatedAt: new Date().toISOString(), ...(fault ? { fault } : {}) };
  await writeFile(`${file}.meta.json`, JSON.stringify(meta));
  send(res, 200, { Key: `${bucket}/${objectPath}`, Id: meta.sha256 });
}

async function download(req: IncomingMessage, res: ServerResponse, file: string) {
  const meta = await readMeta(file);
  const info = meta && (await stat(file).catch(() => undefined));
  if (!meta || !info) return send(res, 404, { statusCode: '404', error: 'not_found', message: 'Object not found' });
  const headers: Record<string, string> = { 'content-type': meta.contentType, etag: `"${meta.sha256}"`, vary: 'accept-encoding' };
  const gzip = acceptsGzip(req.headers['accept-encoding']);
  if (gzip) headers['content-encoding'] = 'gzip';
  // Without a length Node sends the body chunked.
  else if (meta.fault !== 'no-content-length') headers['content-length'] = String(info.size);
  res.writeHead(200, headers);
  if (req.method === 'HEAD') return void res.end();
  if (gzip) await pipeline(createReadStream(file), createGzip(), res);
  else await pipeline(createReadStream(file), res);
}

/** True when the Accept-Encoding header accepts gzip (by name or `*`) with a non-zero quality. */
function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q) > 0);
  });
}

function resolveObject(root: string, bucket: string, objectPath: string): string | undefined {
  const parts = objectPath.split('/');
  if (!SEGMENT.test(bucket) || parts.some((p) => !SEGMENT.test(p) || p === '.' || p === '..')) return undefined;
  if (parts.some((p) => p.endsWith('.meta.json'))) return undefined;
  const file = normalize(join(root, bucket, ...parts));
  return file.startsWith(normalize(root) + sep) ? file : undefined;
}

async function readMeta(file: string): Promise<Meta | undefined> {
  try {
    return JSON.parse(await readFile(`${file}.meta.json`, 'utf8')) as Meta;
  } catch {
    return undefined;
  }
}

function hasSecretKey(req: IncomingMessage, keys: string[]): boolean {
  const auth = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
  const given = [req.headers.apikey, auth].filter((v): v is string => typeof v === 'string');
  return given.some((g) => keys.some((k) => safeEqual(g, k)));
}

function signToken(secret: string, bucket: string, path: string, expiresAt: number): string {
  const payload = Buffer.from(JSON.stringify({ url: `${bucket}/${path}`, exp: expiresAt })).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

function verifySignedToken(secret: string, token: string | null, bucket: string, path: string): boolean {
  if (!token) return false;
  const [payload, sig] = token.split('.');
  if (!payload || !sig) return false;
  if (!safeEqual(sig, createHmac('sha256', secret).update(payload).digest('base64url'))) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { url: string; exp: number };
    return claims.url === `${bucket}/${path}` && claims.exp > Date.now();
  } catch {
    return false;
  }
}

function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

async function readSmall(req: IncomingMessage, max = 16 * 1024): Promise<string> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > max) throw new Error('body too large');
  }
  return text;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
