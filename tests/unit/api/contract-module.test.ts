// shared/api is imported by the app as it is: it may import zod and its own files, nothing else (no
// database, crypto or runtime code), and its schemas agree with the server's closed lists.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ErrorCode, ErrorEnvelope, OAuthRedirectErrorCode, RETRYABLE_ERROR_CODES } from '../../../shared/api/errors.ts';
import { RunCounts, RunStep } from '../../../shared/api/sync-history.ts';

const API_DIR = fileURLToPath(new URL('../../../shared/api/', import.meta.url));

describe('shared/api', () => {
  test('imports nothing but zod and its own files', async () => {
    const files = (await readdir(API_DIR)).filter((f) => f.endsWith('.ts'));
    expect(files).toEqual(expect.arrayContaining(['errors.ts', 'functions.ts', 'sync-history.ts', 'database.types.ts', 'index.ts']));
    for (const file of files) {
      const text = await readFile(`${API_DIR}${file}`, 'utf8');
      const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n]*from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const specifier of specifiers) expect(specifier === 'zod' || /^\.\/[a-z.-]+\.ts$/.test(specifier), `${file}: ${specifier}`).toBe(true);
    }
  });

  test('every retryable code is a code, and the OAuth redirect codes include the ones the callback makes itself', () => {
    for (const code of RETRYABLE_ERROR_CODES) expect(ErrorCode.options).toContain(code);
    expect(OAuthRedirectErrorCode.options).toEqual(expect.arrayContaining(['invalid_state', 'authorization_failed', 'access_denied', 'internal_error']));
  });

  test('the envelope refuses a body without help or retryable, or with an unknown code', () => {
    const ok = { error: { code: 'invalid_body', message: 'm', help: 'h', retryable: false, details: { fields: ['matterId'] } }, requestId: 'r' };
    expect(ErrorEnvelope.parse(ok)).toEqual(ok);
    expect(ErrorEnvelope.safeParse({ error: { code: 'invalid_body', message: 'm', help: 'h' }, requestId: 'r' }).success).toBe(false);
    expect(ErrorEnvelope.safeParse({ error: { code: 'invalid_body', message: 'm', retryable: false }, requestId: 'r' }).success).toBe(false);
    expect(ErrorEnvelope.safeParse({ error: { code: 'made_up', message: 'm', help: 'h', retryable: false }, requestId: 'r' }).success).toBe(false);
  });

  test("a run's steps and counts", () => {
    expect(RunStep.parse({ step: 'document', outcome: 'uploaded', at: '2026-12-01T10:00:00.000Z', detail: 'd1' })).toMatchObject({ step: 'document' });
    expect(RunStep.parse({ step: 'refused', outcome: 'not_connected', at: '2026-12-01T10:00:00.000Z' })).toMatchObject({ step: 'refused' });
    expect(RunStep.safeParse({ step: 'teleport', outcome: 'x', at: '2026-12-01T10:00:00.000Z' }).success).toBe(false);
    expect(RunCounts.parse({})).toEqual({});
    expect(RunCounts.safeParse({ uploaded: -1 }).success).toBe(false);
  });

  test("each step's outcome is from that step's closed list; counts are one of the run kinds' shapes", () => {
    const at = '2026-12-01T10:00:00.000Z';
    expect(RunStep.safeParse({ step: 'push_contact', outcome: 'pushed', at, detail: 'email' }).success).toBe(true);
    expect(RunStep.safeParse({ step: 'matter', outcome: 'imported', at }).success).toBe(true);
    expect(RunStep.safeParse({ step: 'files', outcome: 'checked', at }).success).toBe(true);
    expect(RunStep.safeParse({ step: 'refused', outcome: 'smokeball_not_configured', at }).success).toBe(true);
    expect(RunStep.safeParse({ step: 'refused', outcome: 'made_up', at }).success).toBe(false);
    expect(RunStep.safeParse({ step: 'document', outcome: 'imported', at }).success).toBe(false);
    expect(RunStep.safeParse({ step: 'case_type', outcome: 'guessed', at }).success).toBe(false);

    expect(RunCounts.safeParse({ pushed: 1, applied: 0, conflicts: 1 }).success).toBe(true);
    expect(RunCounts.safeParse({ mattersCreated: 1, clientsCreated: 2, clientsLinked: 0 }).success).toBe(true);
    // A shape is whole: a count of no run kind, or half of one, is not a run's counts.
    expect(RunCounts.safeParse({ mattersCreated: 1 }).success).toBe(false);
    expect(RunCounts.safeParse({ uploaded: 1, skipped: 0, failed: 0, extra: 1 }).success).toBe(false);
  });
});
