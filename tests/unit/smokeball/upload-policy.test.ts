// Where a document may be uploaded: https on Smokeball's storage hosts (S3), or the one configured
// origin of local development; anything else is refused before a byte is sent.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { parseConfig } from '../../../shared/config.ts';
import { createSmokeballClient } from '../../../shared/smokeball/client.ts';
import { SmokeballUploadError } from '../../../shared/smokeball/errors.ts';
import { DEFAULT_UPLOAD_HOST_SUFFIXES, judgeUploadUrl } from '../../../shared/smokeball/upload-policy.ts';
import { fakeDeps, scriptedFetch } from './fakes.ts';

const production = { hostSuffixes: DEFAULT_UPLOAD_HOST_SUFFIXES, extraOrigins: [] };

describe('judgeUploadUrl', () => {
  test.each([
    ['an S3 virtual-hosted URL', 'https://smokeball-files.s3.us-east-1.amazonaws.com/a/b?X-Amz-Signature=x', 'allow', 'expected_host'],
    ['an S3 path-style URL', 'https://s3.ap-southeast-2.amazonaws.com/bucket/key?Signature=x', 'allow', 'expected_host'],
    ['the host in capitals', 'https://BUCKET.S3.AMAZONAWS.COM/key', 'allow', 'expected_host'],
    ['http to S3', 'http://bucket.s3.amazonaws.com/key', 'refuse', 'not_https'],
    ['a look-alike host', 'https://bucket.s3.amazonaws.com.evil.example/key', 'refuse', 'unexpected_host'],
    ['a suffix without a dot boundary', 'https://evilamazonaws.com/key', 'refuse', 'unexpected_host'],
    ['another host', 'https://files.example.com/key', 'refuse', 'unexpected_host'],
    ['a non-default port', 'https://bucket.s3.amazonaws.com:8443/key', 'refuse', 'unexpected_port'],
    ['credentials in the URL', 'https://user:pw@bucket.s3.amazonaws.com/key', 'refuse', 'credentials_in_url'],
    ['a file URL', 'file:///etc/passwd', 'refuse', 'not_https'],
    ['not a URL', 'not a url', 'refuse', 'not_a_url'],
    ['the loopback simulator without configuration', 'http://127.0.0.1:54330/s3/key', 'refuse', 'not_https'],
  ])('%s → %s (%s)', (_name, url, verdict, reason) => {
    expect(judgeUploadUrl(url, production)).toEqual({ verdict, reason });
  });

  test("local development's configured origin is allowed over http, and only that origin", () => {
    const local = { hostSuffixes: DEFAULT_UPLOAD_HOST_SUFFIXES, extraOrigins: ['http://127.0.0.1:54330'] };
    expect(judgeUploadUrl('http://127.0.0.1:54330/s3/key?sig=1', local)).toEqual({ verdict: 'allow', reason: 'configured_origin' });
    expect(judgeUploadUrl('http://127.0.0.1:54331/s3/key', local).verdict).toBe('refuse');
  });

  test('the configuration: S3 by default, SMOKEBALL_UPLOAD_HOSTS replaces it, SMOKEBALL_API_URL adds its origin', () => {
    const base = { SUPABASE_URL: 'http://127.0.0.1:54321', SUPABASE_DB_URL: 'postgres://x', TOKEN_ENCRYPTION_KEYS: 'k1:AAAA', APP_URL: 'https://app.example' };
    expect(parseConfig(base).uploadPolicy).toEqual({ hostSuffixes: ['amazonaws.com'], extraOrigins: [] });
    expect(parseConfig({ ...base, SMOKEBALL_UPLOAD_HOSTS: ' amazonaws.com, files.example ' }).uploadPolicy.hostSuffixes).toEqual(['amazonaws.com', 'files.example']);
    expect(parseConfig({ ...base, SMOKEBALL_API_URL: 'http://127.0.0.1:54330/' }).uploadPolicy.extraOrigins).toEqual(['http://127.0.0.1:54330']);
    expect(parseConfig(base).documentBuckets).toEqual(['documents']);
    expect(parseConfig({ ...base, DOCUMENT_STORAGE_BUCKETS: 'documents,intake' }).documentBuckets).toEqual(['documents', 'intake']);
  });
});

describe('files.upload with a policy', () => {
  const servers: ReturnType<typeof createServer>[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  async function storage() {
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => res.end());
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { origin, requests: () => requests };
  }

  const body = () => new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new Uint8Array([1, 2, 3])), c.close()) });

  test('a URL off the storage hosts is refused with smokeball_upload_failed and receives nothing', async () => {
    const target = await storage();
    const { deps } = fakeDeps(scriptedFetch().fetch);
    const client = createSmokeballClient({ ...deps, uploadPolicy: production });
    const upload = client.files.upload({ uploadUrl: `${target.origin}/s3/key`, body: body(), contentLength: 3 });
    await expect(upload).rejects.toBeInstanceOf(SmokeballUploadError);
    await expect(upload).rejects.toMatchObject({ code: 'smokeball_upload_failed', message: expect.stringContaining('not_https') });
    expect(target.requests()).toBe(0);
  });

  test('the configured origin receives the upload', async () => {
    const target = await storage();
    const { deps } = fakeDeps(scriptedFetch().fetch);
    const client = createSmokeballClient({ ...deps, uploadPolicy: { hostSuffixes: [], extraOrigins: [target.origin] } });
    expect(await client.files.upload({ uploadUrl: `${target.origin}/s3/key`, body: body(), contentLength: 3 })).toEqual({ status: 200 });
    expect(target.requests()).toBe(1);
  });
});
