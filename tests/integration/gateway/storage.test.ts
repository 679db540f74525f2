import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, inject, test } from 'vitest';

const storage = () => `${inject('gatewayUrl')}/storage/v1`;
const key = () => ({ apikey: inject('secretKey'), authorization: `Bearer ${inject('secretKey')}` });

describe('local Storage subset', () => {
  test('uploads, downloads with Content-Length when asked for identity, and reports info', async () => {
    const bytes = randomBytes(200_000);
    const path = `test/${randomUUID()}/brief.pdf`;
    const up = await fetch(`${storage()}/object/documents/${path}`, { method: 'POST', headers: { ...key(), 'content-type': 'application/pdf' }, body: bytes });
    expect(up.status).toBe(200);

    const down = await fetch(`${storage()}/object/authenticated/documents/${path}`, { headers: { ...key(), 'accept-encoding': 'identity' } });
    expect(down.status).toBe(200);
    expect(down.headers.get('content-length')).toBe('200000');
    expect(down.headers.get('content-type')).toBe('application/pdf');
    expect(createHash('sha256').update(Buffer.from(await down.arrayBuffer())).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));

    const info = await (await fetch(`${storage()}/object/info/documents/${path}`, { headers: key() })).json();
    expect(info).toMatchObject({ size: 200_000, content_type: 'application/pdf' });
  });

  test('to a client that accepts gzip, a download is gzip-encoded and chunked, without Content-Length', async () => {
    const bytes = Buffer.from('Retainer agreement. '.repeat(5000));
    const path = `test/${randomUUID()}/agreement.txt`;
    await fetch(`${storage()}/object/documents/${path}`, { method: 'POST', headers: { ...key(), 'content-type': 'text/plain' }, body: bytes });
    const down = await fetch(`${storage()}/object/authenticated/documents/${path}`, { headers: { ...key(), 'accept-encoding': 'gzip, deflate' } });
    expect(down.headers.get('content-encoding')).toBe('gzip');
    expect(down.headers.get('content-length')).toBeNull();
    // fetch decodes it: the same bytes, of a length no header gave.
    expect(Buffer.from(await down.arrayBuffer()).equals(bytes)).toBe(true);
  });

  test('an object uploaded with x-local-fault: no-content-length downloads without a length even for identity; other faults are refused', async () => {
    const path = `test/${randomUUID()}/unsized.bin`;
    const bytes = randomBytes(3000);
    const up = await fetch(`${storage()}/object/documents/${path}`, { method: 'POST', headers: { ...key(), 'x-local-fault': 'no-content-length' }, body: bytes });
    expect(up.status).toBe(200);
    const down = await fetch(`${storage()}/object/authenticated/documents/${path}`, { headers: { ...key(), 'accept-encoding': 'identity' } });
    expect(down.headers.get('content-length')).toBeNull();
    expect(down.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await down.arrayBuffer()).equals(bytes)).toBe(true);

    const bad = await fetch(`${storage()}/object/documents/test/${randomUUID()}/x.bin`, { method: 'POST', headers: { ...key(), 'x-local-fault': 'slow' }, body: 'x' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('invalid_request');
  });

  test('refuses a second upload to the same path unless x-upsert', async () => {
    const path = `test/${randomUUID()}/a.txt`;
    const put = (headers: Record<string, string> = {}) =>
      fetch(`${storage()}/object/documents/${path}`, { method: 'POST', headers: { ...key(), ...headers }, body: 'x' });
    expect((await put()).status).toBe(200);
    expect((await put()).status).toBe(409);
    expect((await put({ 'x-upsert': 'true' })).status).toBe(200);
  });

  test('signed URLs download without a key, and a tampered token is refused', async () => {
    const path = `test/${randomUUID()}/signed.txt`;
    await fetch(`${storage()}/object/documents/${path}`, { method: 'POST', headers: key(), body: 'signed content' });
    const { signedURL } = await (await fetch(`${storage()}/object/sign/documents/${path}`, {
      method: 'POST', headers: { ...key(), 'content-type': 'application/json' }, body: JSON.stringify({ expiresIn: 60 }),
    })).json();
    const ok = await fetch(`${storage()}${signedURL}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('signed content');
    const bad = await fetch(`${storage()}${signedURL.replace(/token=./, 'token=x')}`);
    expect(bad.status).toBe(400);
  });

  test('without the secret key, and with a path that escapes the bucket, requests are refused', async () => {
    const anon = await fetch(`${storage()}/object/authenticated/documents/anything.txt`);
    expect(anon.status).toBe(401);
    expect((await anon.json()).error).toBe('unauthorized');
    const escape = await fetch(`${storage()}/object/authenticated/documents/..%2F..%2Fkeys.json`, { headers: key() });
    expect(escape.status).toBe(400);
  });
});
