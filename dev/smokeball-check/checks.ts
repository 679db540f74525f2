// Every assumption the integration makes about Smokeball, checked against a live base URL. Each check
// reads what the server did and says whether the code's assumption holds; the schemas are the client's own
// (shared/smokeball/schemas), so "parses" means "the integration would accept it". Facts and sources:
// docs/smokeball.md (§ numbers below).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseRetryAfterMs, JUST_CREATED_WINDOW_MS } from '../../shared/smokeball/retry.ts';
import { CreatedLink, parseSmokeballJson } from '../../shared/smokeball/schemas/common.ts';
import { Contact } from '../../shared/smokeball/schemas/contact.ts';
import { UploadFileInfo } from '../../shared/smokeball/schemas/file.ts';
import { MatterTypeInfo } from '../../shared/smokeball/schemas/matter-type.ts';
import { pagedCollection } from '../../shared/smokeball/schemas/paging.ts';
import { ProblemDetails } from '../../shared/smokeball/schemas/problem-details.ts';
import { TokenResponse } from '../../shared/smokeball/schemas/token.ts';
import { WebhookSubscription } from '../../shared/smokeball/schemas/webhook.ts';
import { uploadToPresignedUrl } from '../../shared/smokeball/upload.ts';
import { isSignatureValid, readDeliveryHeaders } from '../../shared/sync/webhooks/verify-delivery.ts';
import { type Api, apiFor, type Observed, pollUntil, type Target, tokenRequest } from './probe.ts';

export type Verdict = 'holds' | 'does not hold' | 'skipped';
export type Row = { assumption: string; observed: string; verdict: Verdict };

/** A delivery as the local receiver saw it. */
export type Delivery = { headers: Headers; body: string };

export type CheckOptions = {
  target: Target;
  refreshToken: string;
  /** Matter-type `Location` to list and to create the check's matter in (e.g. IL, NSW). */
  location: string;
  /** Create (and then delete) a tagged contact, matter, file and webhook subscription. */
  write: boolean;
  /** A URL Smokeball can reach that forwards to `nextDelivery`; without it the signature is not checked. */
  webhook?: { publicUrl: string; nextDelivery(timeoutMs: number): Promise<Delivery | undefined> };
  /** Rows are reported as they are decided. */
  report?: (row: Row) => void;
  /** Things worth printing that are not assumptions (cleanup). */
  note?: (text: string) => void;
};

const parses = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;
const parseText = (o: Observed) => {
  try {
    return parseSmokeballJson(o.text);
  } catch {
    return undefined;
  }
};
const hasHeader = (o: Observed, name: string) => o.headers.get(name) !== null;

export async function runChecks(options: CheckOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const add = (assumption: string, observed: string, holds: boolean | 'skipped') => {
    const row: Row = { assumption, observed, verdict: holds === 'skipped' ? 'skipped' : holds ? 'holds' : 'does not hold' };
    rows.push(row);
    options.report?.(row);
  };
  const { target } = options;

  // §1 Token refresh: Basic auth + form body; the response parses; a refresh token is not rotated.
  const refreshed = await tokenRequest(target, { grant_type: 'refresh_token', refresh_token: options.refreshToken });
  const token = TokenResponse.safeParse(refreshed.json);
  add(
    'refresh_token grant (Basic auth, form body) answers 200 with a Bearer access_token and expires_in (§1)',
    `${refreshed.status}${token.success ? `, token_type ${token.data.token_type}, expires_in ${token.data.expires_in} s, refresh_token ${token.data.refresh_token ? 'returned' : 'not returned'}` : ', body does not parse'}`,
    refreshed.status === 200 && token.success,
  );
  if (!token.success) return rows;
  const api = apiFor(target, token.data.access_token);

  await checkHeaders(api, options, add);
  const types = await checkMatterTypes(api, options, add);
  await checkContactSearch(api, add);
  await checkProblemDetails(api, add);
  if (options.write) {
    await checkWrites(api, options, types, add);
    await checkWebhooks(api, options, add);
  } else {
    add('writes: 202 + id, visibility, dependent file, upload, webhooks (§2–§5)', 'not run (pass --write)', 'skipped');
  }
  await checkRateLimit(api, add);
  return rows;
}

type Add = (assumption: string, observed: string, holds: boolean | 'skipped') => void;

async function checkHeaders(api: Api, options: CheckOptions, add: Add) {
  const path = `/mattertypes?location=${encodeURIComponent(options.location)}&limit=1`;
  const both = await api.call('GET', path);
  const noKey = await api.call('GET', path, { headers: { 'x-api-key': null } });
  const noBearer = await api.call('GET', path, { headers: { authorization: null } });
  add(
    'every API call needs both x-api-key and Authorization: Bearer; missing key → 403, missing token → 401 (§1, §7)',
    `both ${both.status}, no key ${noKey.status}, no token ${noBearer.status}`,
    both.status === 200 && noKey.status === 403 && noBearer.status === 401,
  );
  const sent = 'smokeball-check-' + randomBytes(4).toString('hex');
  const echoed = await api.call('GET', path, { headers: { RequestId: sent } });
  add('a RequestId request header is echoed in the response (§1 "Extra request headers")', echoed.headers.get('requestid') === sent ? 'echoed' : `answered ${echoed.headers.get('requestid') ?? 'none'}`, echoed.headers.get('requestid') === sent);
}

async function checkMatterTypes(api: Api, options: CheckOptions, add: Add) {
  const res = await api.call('GET', `/mattertypes?location=${encodeURIComponent(options.location)}&type=0&limit=500`);
  const page = pagedCollection(MatterTypeInfo).safeParse(parseText(res));
  const types = page.success ? page.data.value : [];
  const elsewhere = types.filter((t) => (t.location ?? '').toUpperCase() !== options.location.toUpperCase());
  add(
    `GET /mattertypes?location=${options.location}&type=0 lists that location's matter types, parseable (§3)`,
    page.success ? `${res.status}, ${types.length} types, ${elsewhere.length} of another location, ${types.filter((t) => !t.name).length} unnamed` : `${res.status}, does not parse`,
    res.status === 200 && page.success && types.length > 0 && elsewhere.length === 0,
  );
  return types;
}

async function checkContactSearch(api: Api, add: Add) {
  const email = `smokeball-check-${randomBytes(6).toString('hex')}@example.invalid`;
  const res = await api.call('GET', `/contacts?search=${encodeURIComponent(`email:${email}`)}&type=Person&limit=500`);
  const page = pagedCollection(Contact).safeParse(parseText(res));
  add(
    'GET /contacts?search=email:<address>&type=Person answers a parseable page; an unknown address finds nothing (§2)',
    page.success ? `${res.status}, ${page.data.value.length} contacts` : `${res.status}, does not parse`,
    res.status === 200 && page.success && page.data.value.length === 0,
  );
}

async function checkProblemDetails(api: Api, add: Add) {
  const res = await api.call('GET', '/contacts?limit=501');
  const problem = ProblemDetails.safeParse(parseText(res));
  const contentType = res.headers.get('content-type') ?? 'none';
  add(
    'a validation error is 400 application/problem+json with a title; errors[] are objects (§7)',
    `${res.status}, ${contentType.split(';')[0]}${problem.success ? `, title ${problem.data.title ? 'present' : 'absent'}, errors ${problem.data.errors ? `[${problem.data.errors.length} objects]` : 'none'}` : ', does not parse'}`,
    res.status === 400 && /problem\+json/.test(contentType) && problem.success && !!problem.data.title,
  );
}

async function checkWrites(api: Api, options: CheckOptions, types: MatterTypeInfo[], add: Add) {
  const tag = `smokeball-check-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const email = `${tag}@example.invalid`;
  const cleanup: { path: string; what: string }[] = [];
  try {
    // §2 Create a person: 202 + {id, href}; the Location/Link header is noted, not required.
    const created = await api.call('POST', '/contacts', { json: { person: { firstName: 'Smokeball', lastName: `Check ${tag}`, email }, externalSystemId: tag } });
    const link = CreatedLink.safeParse(created.json);
    const where = ['location', 'link'].filter((h) => hasHeader(created, h)).join(' + ') || 'no Location/Link header';
    add('POST /contacts answers 202 with {id, href} (§2); Location/Link header noted', `${created.status}, ${link.success ? 'id in body' : 'no id'}, ${where}`, created.status === 202 && link.success);
    if (!link.success) return;
    const contactId = link.data.id;
    cleanup.push({ path: `/contacts/${contactId}`, what: 'contact' });

    // §8 Eventual consistency: how long until the contact is readable (measured).
    const started = Date.now();
    const visible = await pollUntil(async () => ((await api.call('GET', `/contacts/${contactId}`)).status === 200 ? true : undefined), JUST_CREATED_WINDOW_MS);
    const visibleMs = Date.now() - started;
    add(`a 202 write becomes readable within the consistency window (${JUST_CREATED_WINDOW_MS / 1000} s) (§8)`, visible ? `contact readable after ${visibleMs} ms` : `not readable after ${visibleMs} ms`, !!visible);

    const persons = await api.call('GET', `/contacts?search=${encodeURIComponent(`email:${email}`)}&type=Person`);
    const organisations = await api.call('GET', `/contacts?search=${encodeURIComponent(`email:${email}`)}&type=Organisation`);
    const ids = (o: Observed) => (pagedCollection(Contact).safeParse(parseText(o)).data?.value ?? []).map((c) => c.id);
    add(
      'search by email with type=Person finds the person; type=Organisation does not (§2)',
      `Person: ${ids(persons).includes(contactId) ? 'found' : 'not found'}, Organisation: ${ids(organisations).includes(contactId) ? 'found' : 'not found'}`,
      ids(persons).includes(contactId) && !ids(organisations).includes(contactId),
    );

    // §3 + §4: a matter, then at once a file on it (the dependent write), as a sync does.
    const type = types.find((t) => t.type === 0 && !t.isDeleted);
    if (!type) {
      add('a file on a just-created matter is accepted within the window (§4)', `no matter type in ${options.location} to create a matter with`, false);
      return;
    }
    const matter = await api.call('POST', '/matters', { json: { clientIds: [contactId], matterTypeId: type.id, status: 'Open', description: tag, externalSystemId: tag } });
    const matterLink = CreatedLink.safeParse(matter.json);
    add('POST /matters answers 202 with {id, href} (§3)', `${matter.status}${matterLink.success ? ', id in body' : ''}`, matter.status === 202 && matterLink.success);
    if (!matterLink.success) return;
    const matterId = matterLink.data.id;
    cleanup.unshift({ path: `/matters/${matterId}`, what: 'matter' });

    const fileStarted = Date.now();
    const refusals: number[] = [];
    const accepted = await pollUntil(async () => {
      const res = await api.call('POST', `/matters/${matterId}/documents/files`, { json: { fileName: `${tag}.txt`, fileAdditionalData: { smokeballCheck: tag } } });
      if (res.status === 202) return res;
      refusals.push(res.status);
      return [403, 404, 400].includes(res.status) ? undefined : res;
    }, JUST_CREATED_WINDOW_MS, 100);
    const info = UploadFileInfo.safeParse(accepted?.json);
    const statuses = [...new Set(refusals)].join('/') || 'none';
    add(
      'a file on a just-created matter: before the matter is visible it answers 404 or 403 (retried as "not visible yet"), then 202 UploadFileInfo (§4, §8)',
      `${accepted?.status ?? 'no answer'} after ${Date.now() - fileStarted} ms; refused first with ${statuses} ×${refusals.length}`,
      accepted?.status === 202 && info.success && refusals.every((s) => s === 403 || s === 404),
    );
    if (!info.success) return;
    cleanup.unshift({ path: `/matters/${matterId}/documents/files/${info.data.fileId}`, what: 'file' });

    // §4 The pre-signed PUT: chunked is refused (S3 needs Content-Length), a PUT with it succeeds.
    const bytes = Buffer.from(`smokeball-check ${tag}\n`);
    const chunked = await putChunked(info.data.uploadUrl, bytes);
    const put = await uploadToPresignedUrl({ uploadUrl: info.data.uploadUrl, body: (async function* () { yield new Uint8Array(bytes); })(), contentLength: bytes.length }).then(
      (r) => r.status,
      () => 0,
    );
    add('the pre-signed upload needs Content-Length: a chunked PUT is refused, a PUT with Content-Length succeeds (§4)', `chunked ${chunked}, with Content-Length ${put || 'failed'}`, chunked >= 400 && put >= 200 && put < 300);
  } finally {
    const outcomes: string[] = [];
    for (const { path, what } of cleanup) {
      const res = await api.call('DELETE', path).catch(() => undefined);
      outcomes.push(`${what} ${res?.status ?? 'failed'}`);
    }
    // Not an assumption of the integration (it never deletes): reported as a note, with the tag to find leftovers by.
    if (cleanup.length > 0) options.note?.(`cleanup of ${tag}: DELETE ${outcomes.join(', ')}${outcomes.every((o) => / 202$/.test(o)) ? '' : ' (anything not 202 is left in the account under this tag)'}`);
  }
}

async function checkWebhooks(api: Api, options: CheckOptions, add: Add) {
  const key = randomBytes(16).toString('hex');
  const url = options.webhook?.publicUrl ?? 'https://example.com/smokeball-check';
  const created = await api.call('POST', '/webhooks', { json: { name: `smokeball-check ${Date.now().toString(36)}`, eventTypes: ['matter.updated'], eventNotificationUrl: url, key } });
  const subscription = WebhookSubscription.safeParse(parseText(created));
  add('POST /webhooks answers 200 (not 202) with the subscription (§5)', `${created.status}${subscription.success ? `, key ${subscription.data.key ? 'echoed' : 'not echoed'}` : ', does not parse'}`, created.status === 200 && subscription.success);
  if (!subscription.success) return;
  const id = subscription.data.id;
  try {
    if (options.webhook) {
      const notified = await api.call('POST', `/webhooks/${id}/notify`);
      const delivery = notified.status === 200 ? await options.webhook.nextDelivery(15_000) : undefined;
      const headers = delivery ? readDeliveryHeaders(delivery.headers) : undefined;
      const valid = headers ? await isSignatureValid(key, headers, options.target.clientId) : false;
      add(
        'a delivery is signed: HMAC-SHA256 hex of Timestamp|RequestId|ClientId with the key; RequestId may be absent (§5)',
        !delivery ? `notify ${notified.status}, no delivery` : `signature ${valid ? 'verifies' : 'does not verify'}, RequestId ${delivery.headers.get('requestid') ? 'present' : 'absent'}`,
        valid,
      );
    } else {
      add('a delivery is signed over Timestamp|RequestId|ClientId (§5)', 'not checked (pass --webhook-url)', 'skipped');
    }
  } finally {
    const deleted = await api.call('DELETE', `/webhooks/${id}`);
    const gone = await api.call('GET', `/webhooks/${id}`);
    add('DELETE /webhooks/{id} answers 200 and the subscription is gone (404) (§5)', `delete ${deleted.status}, then GET ${gone.status}`, deleted.status === 200 && gone.status === 404);
  }
}

async function checkRateLimit(api: Api, add: Add) {
  // A burst well above 5 on one endpoint (the limit is per client id and endpoint, §6).
  const burst = await Promise.all(Array.from({ length: 15 }, () => api.call('GET', '/webhooks/types')));
  const limited = burst.filter((o) => o.status === 429);
  const retryAfter = limited.map((o) => o.headers.get('retry-after')).filter((v): v is string => v !== null);
  const parseable = retryAfter.every((v) => parseRetryAfterMs(v, Date.now()) !== undefined);
  const gatewayBody = limited.every((o) => typeof (o.json as { message?: unknown } | undefined)?.message === 'string');
  add(
    '15 concurrent calls on one endpoint meet 429 (5 rps, burst 5); Retry-After optional, parseable when sent; body {message} (§6)',
    `${limited.length} × 429 of 15; Retry-After ${retryAfter.length ? `on ${retryAfter.length} (${retryAfter[0]})` : 'never sent'}; body ${gatewayBody ? '{message}' : 'other'}`,
    limited.length > 0 && parseable && gatewayBody,
  );
}

/** A PUT whose body is sent chunked (no Content-Length): what S3 refuses. Answers the status, 0 on error. */
function putChunked(url: string, bytes: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { method: 'PUT', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.write(bytes);
    req.end();
  });
}
