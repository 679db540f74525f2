// Production runs the functions on the Edge Runtime's Deno (2.1.4), not the Deno of the local stack. A
// user-auth function — @supabase/server and supabase-js included — boots there and checks its caller.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DENO_EDGE, EDGE_DENO_VERSION } from '../../../dev/deno-binaries.ts';
import { startFunction } from '../../helpers/auth.ts';
import { signToken } from '../../helpers/stack.ts';
import { helpFor } from '../../../shared/error-help.ts';

let fn: Awaited<ReturnType<typeof startFunction>>;

beforeAll(async () => {
  fn = await startFunction('health', { deno: DENO_EDGE });
}, 90_000);
afterAll(async () => {
  await fn?.stop();
});

test(`the binary is Deno ${EDGE_DENO_VERSION}`, () => {
  expect(execFileSync(DENO_EDGE, ['--version'], { encoding: 'utf8' })).toMatch(new RegExp(`^deno ${EDGE_DENO_VERSION.replaceAll('.', '\\.')} `));
});

test(`on Deno ${EDGE_DENO_VERSION} a user-auth function answers 401 invalid_jwt without a token`, async () => {
  const res = await fetch(fn.url);
  expect(res.status).toBe(401);
  expect((await res.json()).error).toEqual({ code: 'invalid_jwt', message: 'Missing bearer token', help: helpFor('invalid_jwt'), retryable: false });
});

test(`on Deno ${EDGE_DENO_VERSION} a user-auth function answers 200 to a valid ES256 token`, async () => {
  const res = await fetch(fn.url, { headers: { authorization: `Bearer ${await signToken({ sub: randomUUID() })}` } });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ ok: true, database: 'ok' });
});
