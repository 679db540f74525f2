// The pre-signed S3 upload (docs/smokeball.md §4 "Flow" step 2): a PUT of the raw bytes to `uploadUrl`, served on
// the simulator origin under `/s3/smokeball-documents/<key>`. Like S3 it requires `Content-Length` (411 for
// chunked bodies, which is why the project uploads through node:https, docs/architecture.md §3), refuses an expired or
// tampered URL (403) and a body shorter than announced (400). The body is streamed through sha256 and
// counted, never buffered: the benchmark sends 1 GiB. Only files ≤ 1 MiB keep their bytes.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { newGuid } from './ids.ts';
import type { Reply } from './http.ts';
import { emitEvent } from './webhook-delivery.ts';
import type { World } from './world.ts';

export const S3_PREFIX = '/s3/smokeball-documents/';
const KEEP_BYTES_UP_TO = 1024 * 1024;

const s3Error = (status: number, code: string, message: string): Reply => ({
  status,
  contentType: 'application/xml',
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  headers: { connection: 'close' },
});

/** 20240102T030405Z, the X-Amz-Date format. */
const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const parseAmzDate = (s: string) =>
  Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`);

const signatureOf = (world: World, key: string, date: string, expiresS: string) =>
  createHmac('sha256', world.uploadSigningKey).update(`${key}\n${date}\n${expiresS}`).digest('hex');

export function presignUpload(world: World, key: string): { url: string; expiresAtMs: number } {
  const now = world.clock.nowMs();
  const date = amzDate(now);
  const expiresS = String(world.options.uploadUrlTtlS);
  const params = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `SIMULATOR/${date.slice(0, 8)}/us-east-1/s3/aws4_request`,
    'X-Amz-Date': date,
    'X-Amz-Expires': expiresS,
    'X-Amz-SignedHeaders': 'host',
    'X-Amz-Signature': signatureOf(world, key, date, expiresS),
  });
  // X-Amz-Date has second precision; expiry is measured from it, as S3 does.
  return { url: `${world.baseUrl}${S3_PREFIX}${key}?${params}`, expiresAtMs: parseAmzDate(date) + Number(expiresS) * 1000 };
}

function checkUrl(world: World, key: string, url: URL): Reply | undefined {
  const date = url.searchParams.get('X-Amz-Date') ?? '';
  const expiresS = url.searchParams.get('X-Amz-Expires') ?? '';
  const given = Buffer.from(url.searchParams.get('X-Amz-Signature') ?? '');
  const wanted = Buffer.from(signatureOf(world, key, date, expiresS));
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  }
  if (parseAmzDate(date) + Number(expiresS) * 1000 <= world.clock.nowMs()) return s3Error(403, 'AccessDenied', 'Request has expired');
  return undefined;
}

/** Handles `PUT /s3/smokeball-documents/<key>`; reads the body only when the request is acceptable. */
export async function handleUpload(world: World, req: IncomingMessage, url: URL): Promise<Reply> {
  if (req.method !== 'PUT') return s3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  const key = decodeURIComponent(url.pathname.slice(S3_PREFIX.length));
  const refused = checkUrl(world, key, url);
  if (refused) return refused;
  const lengthHeader = req.headers['content-length'];
  if (req.headers['transfer-encoding'] !== undefined || lengthHeader === undefined || !/^\d+$/.test(lengthHeader)) {
    return s3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  const expected = Number(lengthHeader);
  const hash = createHash('sha256');
  let size = 0;
  let kept: Buffer[] | undefined = expected <= KEEP_BYTES_UP_TO ? [] : undefined;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    if (kept && size <= KEEP_BYTES_UP_TO) kept.push(chunk);
    else kept = undefined;
  }
  if (size !== expected) {
    return s3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
  }
  const sha256 = hash.digest('hex');
  world.store.objects.set(key, { sizeBytes: size, sha256, bytes: kept ? Buffer.concat(kept) : undefined, uploadedMs: world.clock.nowMs() });
  world.stats.uploads++;
  world.stats.uploadedBytes += size;
  notifyFilesUpdated(world, key);
  return { status: 200, headers: { ETag: `"${sha256.slice(0, 32)}"` } };
}

/** Reference §5: `files.updated` fires per matter once Smokeball notices the object. */
function notifyFilesUpdated(world: World, key: string): void {
  const [accountId, matterId, fileId] = key.split('/');
  const account = world.store.accounts.get(accountId);
  if (!account) return;
  emitEvent(world, account, { type: 'files.updated', source: 'API', requestId: newGuid(), payload: { matterId, fileId } });
}
