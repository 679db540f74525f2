import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createVisibleContact, eventually, startTestSim, uniqueName, visible, type TestSim } from './helpers.ts';

let t: TestSim;
let token: string;
let accountId: string;
let matterId: string;

beforeAll(async () => {
  // Long-lived tokens: one test moves the sim clock past the upload URL's hour.
  t = await startTestSim({ writeVisibilityDelayMs: 50, accessTokenTtlS: 7 * 24 * 3600 });
  const account = await t.control.createAccount(uniqueName('files'));
  token = account.accessToken;
  accountId = account.accountId;
  const clientId = await createVisibleContact(t.url, token, { firstName: 'F', lastName: 'Iles' });
  const type = (await api(t.url, token, 'GET', '/mattertypes?Location=IL&Name=Probate')).body.value[0];
  matterId = (await api(t.url, token, 'POST', '/matters', { matterTypeId: type.id, clientIds: [clientId], status: 'Open' })).body.id;
  await visible(t.url, token, `/matters/${matterId}`);
});
afterAll(() => t.sim.close());

/** PUT through node:http, as the project uploads: explicit Content-Length, or chunked when asked. */
function put(url: string, body: Buffer, mode: 'length' | 'chunked' = 'length'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = mode === 'length' ? { 'content-length': String(body.length) } : { 'transfer-encoding': 'chunked' };
    const req = request(url, { method: 'PUT', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const addFile = (fileName: string, fileAdditionalData?: Record<string, string>) =>
  api(t.url, token, 'POST', `/matters/${matterId}/documents/files`, { fileName, ...(fileAdditionalData ? { fileAdditionalData } : {}) });

describe('POST /matters/{id}/documents/files', () => {
  it('answers 202 {fileId, uploadUrl, expiry} with a pre-signed URL on the sim origin', async () => {
    const created = await addFile('Letter to Creditor.docx');
    expect(created.status).toBe(202);
    expect(created.body).toEqual({ fileId: expect.any(String), uploadUrl: expect.any(String), expiry: expect.any(String) });
    const uploadUrl = new URL(created.body.uploadUrl);
    expect(uploadUrl.origin).toBe(t.url);
    expect(uploadUrl.pathname.startsWith('/s3/smokeball-documents/')).toBe(true);
    expect(uploadUrl.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(created.body.expiry)).toBeGreaterThan(Date.now());
  });

  it('answers 400 without fileName and 404 for an unknown matter', async () => {
    expect((await api(t.url, token, 'POST', `/matters/${matterId}/documents/files`, {})).status).toBe(400);
    expect((await api(t.url, token, 'POST', '/matters/00000000-0000-4000-8000-000000000000/documents/files', { fileName: 'a.pdf' })).status).toBe(404);
  });
});

describe('the S3 upload URL', () => {
  it('stores size and sha256; the file then shows isUploaded, sizeBytes, name, fileExtension and additionalData', async () => {
    const bytes = randomBytes(200_000);
    const created = await addFile('Signed Retainer.pdf', { casehugDocumentId: 'doc-42' });
    const file = await visible(t.url, token, `/matters/${matterId}/documents/files/${created.body.fileId}`);
    expect(file).toMatchObject({ isUploaded: false, sizeBytes: 0, name: 'Signed Retainer', fileExtension: '.pdf' });
    expect(await put(created.body.uploadUrl, bytes)).toMatchObject({ status: 200 });

    const after = (await api(t.url, token, 'GET', `/matters/${matterId}/documents/files/${created.body.fileId}`)).body;
    expect(after).toMatchObject({
      id: created.body.fileId,
      isUploaded: true,
      sizeBytes: bytes.length,
      name: 'Signed Retainer',
      fileExtension: '.pdf',
      additionalData: { casehugDocumentId: 'doc-42' },
      matter: { id: matterId },
    });
    const state = await t.control.state(accountId);
    const stored = state.accounts[0].files.find((f) => f.id === created.body.fileId)!;
    expect(stored.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(stored.sizeBytes).toBe(bytes.length);
  });

  it('refuses a chunked body (no Content-Length) with 411', async () => {
    const created = await addFile('chunked.txt');
    const response = await put(created.body.uploadUrl, Buffer.from('hello'), 'chunked');
    expect(response.status).toBe(411);
    expect(response.text).toContain('MissingContentLength');
  });

  it('refuses an expired URL with 403 (sim clock)', async () => {
    const created = await addFile('late.txt');
    await t.control.advanceClock(3600 * 1000 + 1000);
    const response = await put(created.body.uploadUrl, Buffer.from('too late'));
    expect(response.status).toBe(403);
    expect(response.text).toContain('expired');
  });

  it('refuses a tampered URL with 403', async () => {
    const created = await addFile('tampered.txt');
    const url = new URL(created.body.uploadUrl);
    url.searchParams.set('X-Amz-Expires', '999999');
    expect((await put(url.toString(), Buffer.from('x'))).status).toBe(403);
  });

  it('is neither rate limited nor behind the API gateway', async () => {
    const created = await addFile('free.bin');
    await t.control.config({ rateLimit: { enabled: true, rps: 1, burst: 1 } });
    try {
      for (let i = 0; i < 4; i++) expect((await put(created.body.uploadUrl, Buffer.from(`v${i}`))).status).toBe(200);
    } finally {
      await t.control.config({ rateLimit: { enabled: false } });
    }
  });
});

describe('GET /matters/{id}/documents/files', () => {
  it('lists the matter’s files oldest first in the paged envelope, so a retry can find what an attempt created', async () => {
    const own = await startTestSim({ writeVisibilityDelayMs: 0 });
    try {
      const account = await own.control.createAccount('list-files');
      const contact = (await api(own.url, account.accessToken, 'POST', '/contacts', { person: { lastName: 'L' } })).body.id;
      const type = (await api(own.url, account.accessToken, 'GET', '/mattertypes?Location=IL&Name=Will')).body.value[0];
      const matter = (await api(own.url, account.accessToken, 'POST', '/matters', { matterTypeId: type.id, clientIds: [contact], status: 'Open' })).body.id;
      for (const name of ['a.pdf', 'b.docx', 'c']) {
        await api(own.url, account.accessToken, 'POST', `/matters/${matter}/documents/files`, { fileName: name, fileAdditionalData: { n: name } });
      }
      const page = await eventually(async () => {
        const r = await api(own.url, account.accessToken, 'GET', `/matters/${matter}/documents/files?limit=2`);
        return r.body.size === 3 ? r.body : undefined;
      }, 'three files');
      expect(page.value.map((f: any) => [f.name, f.fileExtension, f.additionalData.n])).toEqual([['a', '.pdf', 'a.pdf'], ['b', '.docx', 'b.docx']]);
      expect(page.next.rel).toBe('collection');
    } finally {
      await own.sim.close();
    }
  });
});

describe('GET /matters/{id}/documents/files/{fileId}/upload', () => {
  it('gives a fresh upload URL for a file whose first upload never happened, and the bytes land on that file', async () => {
    const created = await addFile('Resumed.pdf', { casehugDocumentId: 'resume-me' });
    const fileId = created.body.fileId as string;
    await visible(t.url, token, `/matters/${matterId}/documents/files/${fileId}`);
    const fresh = await api(t.url, token, 'GET', `/matters/${matterId}/documents/files/${fileId}/upload`);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toEqual({ fileId, uploadUrl: expect.any(String), expiry: expect.any(String) });
    const bytes = randomBytes(1000);
    expect((await put(fresh.body.uploadUrl, bytes)).status).toBe(200);
    const file = await eventually(async () => {
      const got = await api(t.url, token, 'GET', `/matters/${matterId}/documents/files/${fileId}`);
      return got.body.isUploaded ? got.body : undefined;
    }, 'the file to show its upload');
    expect(file).toMatchObject({ id: fileId, isUploaded: true, sizeBytes: 1000 });
    const state = await t.control.state(accountId);
    expect(state.accounts[0].files.find((f) => f.id === fileId)?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('answers 404 for an unknown file', async () => {
    expect((await api(t.url, token, 'GET', `/matters/${matterId}/documents/files/00000000-0000-4000-8000-000000000000/upload`)).status).toBe(404);
  });
});
