// The simulator's `POST /matters/{id}/documents/files/bulk`: one UploadFileInfo per file in the order
// given, as pessimistic as the single call (both create their files through the same code) — a matter not
// visible yet is refused with 404 or 403 until it is, one bad element refuses the whole call, and each
// file is pending until its own write delay has passed, carries any-JSON metadata beside ours, and counts
// as uploaded only once its bytes arrived.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, withVisibilityDelay, createVisibleContact, eventually, startTestSim, uniqueName, visible, type TestSim } from './helpers.ts';

let t: TestSim;
let token: string;
let clientId: string;
let matterTypeId: string;

beforeAll(async () => {
  t = await startTestSim({ writeVisibilityDelayMs: 200 });
  const account = await t.control.createAccount(uniqueName('bulk'));
  token = account.accessToken;
  clientId = await createVisibleContact(t.url, token, { firstName: 'B', lastName: 'Ulk' });
  matterTypeId = (await api(t.url, token, 'GET', '/mattertypes?Location=IL&Name=Probate')).body.value[0].id;
});
afterAll(() => t.sim.close());

const newMatter = async () => (await api(t.url, token, 'POST', '/matters', { matterTypeId, clientIds: [clientId], status: 'Open' })).body.id as string;
const bulk = (matterId: string, body: unknown) => api(t.url, token, 'POST', `/matters/${matterId}/documents/files/bulk`, body);
const filesOf = async (matterId: string) => (await api(t.url, token, 'GET', `/matters/${matterId}/documents/files`)).body.value as Record<string, unknown>[];

async function put(url: string, body: Buffer) {
  const res = await fetch(url, { method: 'PUT', body: new Uint8Array(body), headers: { 'content-length': String(body.length) } });
  return res.status;
}

describe('POST /matters/{id}/documents/files/bulk', () => {
  it('refuses a matter accepted moments ago as the single call does (404, or 403 "does not belong"), and answers 202 once it is visible', async () => {
    await withVisibilityDelay(t, 2000, async () => {
      const matterId = await newMatter();
      for (let i = 0; i < 4; i++) {
        const early = await bulk(matterId, [{ fileName: 'a.pdf' }]);
        const single = await api(t.url, token, 'POST', `/matters/${matterId}/documents/files`, { fileName: 'a.pdf' });
        for (const refused of [early, single]) {
          expect([403, 404]).toContain(refused.status);
          expect(refused.body).toMatchObject({ status: refused.status, title: refused.status === 404 ? 'Not Found' : expect.any(String) });
        }
      }
      await visible(t.url, token, `/matters/${matterId}`);
      expect((await bulk(matterId, [{ fileName: 'a.pdf' }])).status).toBe(202);
    });
  });

  it('answers 202 with one {fileId, uploadUrl, expiry} per file in order; each file appears later and is uploaded once its bytes arrive', async () => {
    const matterId = await newMatter();
    await visible(t.url, token, `/matters/${matterId}`);
    const names = ['One.pdf', 'Two.docx', 'Three.txt'];
    const res = await bulk(matterId, names.map((fileName, i) => ({ fileName, fileAdditionalData: { casehugDocumentId: `doc-${i}` } })));
    expect(res.status).toBe(202);
    expect(res.body).toHaveLength(3);
    for (const info of res.body) expect(info).toEqual({ fileId: expect.any(String), uploadUrl: expect.any(String), expiry: expect.any(String) });
    expect(new Set(res.body.map((i: { fileId: string }) => i.fileId)).size).toBe(3);
    // Asynchronous like every write: pending, not listed at once.
    expect(await filesOf(matterId)).toEqual([]);
    const pending = (await t.control.state()).accounts.flatMap((a) => a.pendingFileIds);
    expect(pending).toEqual(expect.arrayContaining(res.body.map((i: { fileId: string }) => i.fileId)));

    const listed = await eventually(async () => {
      const files = await filesOf(matterId);
      return files.length === 3 && files;
    }, 'the three files to be listed');
    expect(listed.map((f) => [f.id, `${f.name}${f.fileExtension}`, (f.additionalData as Record<string, string>).casehugDocumentId, f.isUploaded])).toEqual(
      res.body.map((info: { fileId: string }, i: number) => [info.fileId, names[i], `doc-${i}`, false]),
    );

    // Smokeball's metadata values are any JSON, and others add their own beside ours (as for the single call).
    for (const f of listed) expect(Object.values(f.additionalData as Record<string, unknown>).some((v) => typeof v !== 'string')).toBe(true);
    const stillPending = (await t.control.state()).accounts.flatMap((a) => a.pendingFileIds);
    for (const info of res.body as { fileId: string }[]) expect(stillPending).not.toContain(info.fileId);

    // The second URL belongs to the second file: its bytes show there and nowhere else.
    const bytes = randomBytes(777);
    expect(await put(res.body[1].uploadUrl, bytes)).toBe(200);
    const after = await filesOf(matterId);
    expect(after.map((f) => f.isUploaded)).toEqual([false, true, false]);
    const state = await t.control.state();
    const second = state.accounts.flatMap((a) => a.files).find((f) => f.id === res.body[1].fileId);
    expect(second).toMatchObject({ sizeBytes: 777, sha256: createHash('sha256').update(bytes).digest('hex') });
  });

  it('refuses the whole call when one element is invalid (400 naming it) and creates nothing', async () => {
    const matterId = await newMatter();
    await visible(t.url, token, `/matters/${matterId}`);
    const res = await bulk(matterId, [{ fileName: 'fine.pdf' }, { fileName: '' }, { fileName: 'x.pdf', fileAdditionalData: { n: 1 } }]);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['[1].fileName', '[2].fileAdditionalData']);
    for (const body of [[], {}, 'text', [null]]) expect((await bulk(matterId, body)).status).toBe(400);
    // Long enough for any accepted write to have landed.
    await visible(t.url, token, `/matters/${await newMatter()}`);
    expect(await filesOf(matterId)).toEqual([]);
  });

  it('is an endpoint of its own for the rate limit, beside the single call', async () => {
    const matterId = await newMatter();
    await visible(t.url, token, `/matters/${matterId}`);
    await bulk(matterId, [{ fileName: 'r.pdf' }]);
    const log = await t.control.requests();
    expect(log.at(-1)).toMatchObject({ endpoint: 'POST /matters/{id}/documents/files/bulk', status: 202 });
  });
});
