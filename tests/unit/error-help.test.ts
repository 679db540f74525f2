// Every error code a firm can see says what to do about it, and the set of codes is closed: the help table
// covers exactly ErrorCode (checked by the compiler here and at runtime), nothing can raise a code outside
// it (AppError's `code` is typed ErrorCode), and no code is written as a bare string outside the union.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { errorHelp, helpFor } from '../../shared/error-help.ts';
import { AppError, ErrorCode } from '../../shared/errors.ts';
import { SmokeballError, SmokeballHttpError } from '../../shared/smokeball/errors.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

const root = fileURLToPath(new URL('../..', import.meta.url));
const filesUnder = (dir: string, ext: string): string[] =>
  readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? filesUnder(path, ext) : path.endsWith(ext) ? [path] : [];
  });

describe('error help', () => {
  test('the help table has exactly the codes of ErrorCode, each with a sentence', () => {
    // Compile-time: a missing or an extra key fails `tsc` (this line, and the table's `satisfies`).
    const sameKeys: Equal<keyof typeof errorHelp, ErrorCode> = true;
    expect(sameKeys).toBe(true);
    expect(Object.keys(errorHelp).sort()).toEqual([...ErrorCode.options].sort());
    for (const code of ErrorCode.options) expect(helpFor(code), code).toMatch(/^\S.{20,}[.)]$/);
  });

  test('the union is closed: an error cannot be raised with a code outside it', () => {
    // @ts-expect-error 'no_such_code' is not an ErrorCode
    const bogus = new AppError({ code: 'no_such_code', status: 400, message: 'x' });
    // @ts-expect-error neither for the Smokeball client's errors
    const bogusUpstream = new SmokeballError('smokeball_teapot', 502, 'x');
    expect(ErrorCode.safeParse(bogus.code).success).toBe(false);
    expect(ErrorCode.safeParse(bogusUpstream.code).success).toBe(false);
  });

  test('every code literal the functions, shared/ and the migrations write is in the union', () => {
    const found = new Map<string, string>();
    for (const file of [...filesUnder('shared', '.ts'), ...filesUnder('supabase/functions', '.ts')]) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/\b(?:code|Code)\s*(?::|===|!==|=|\?\?)\s*'([a-z0-9_]+)'/g)) found.set(m[1], file);
    }
    for (const file of filesUnder('supabase/migrations', '.sql')) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/error_code\s*(?:=|,)\s*(?:coalesce\([^,]+,\s*)?'([a-z0-9_]+)'/g)) found.set(m[1], file);
      for (const m of text.matchAll(/when '[a-z_]+' then '([a-z0-9_]+)'(?=\s*(?:when|end\s*,))/g)) found.set(m[1], file);
    }
    // The scan really finds codes (it would pass vacuously if the patterns stopped matching).
    expect(found.size).toBeGreaterThan(25);
    for (const fromSql of ['sync_interrupted', 'disconnected', 'smokeball_reauth_required']) expect(found.has(fromSql), fromSql).toBe(true);
    const outside = [...found].filter(([code]) => !ErrorCode.safeParse(code).success);
    expect(outside).toEqual([]);
  });

  test("the FAQ's advice: 429, re-authorisation, unmapped case type, not configured, disconnected", () => {
    expect(helpFor('smokeball_rate_limited')).toContain('429 Too Many Requests');
    expect(helpFor('smokeball_rate_limited')).toMatch(/CaseHug retries on its own/);
    // The run's message, too, reports a 429 in the FAQ's words.
    const throttled = new SmokeballHttpError(429, undefined, { endpoint: 'POST /matters' });
    expect(throttled.code).toBe('smokeball_rate_limited');
    expect(throttled.message).toContain('429 Too Many Requests');
    expect(helpFor('smokeball_reauth_required')).toMatch(/admin must reconnect in Settings → Integrations → Smokeball/);
    expect(helpFor('matter_type_unmapped')).toMatch(/adds a mapping for that case type/);
    expect(helpFor('smokeball_not_configured')).toMatch(/API credentials have not been set up.*contact support/);
    expect(helpFor('disconnected')).toMatch(/admin reconnects in Settings → Integrations → Smokeball\. The parked syncs .* run then/);
    expect(helpFor('not_connected')).toMatch(/admin connects it in Settings → Integrations → Smokeball/);
  });
});

describe("the README's table of error codes", () => {
  test('lists every code once, with exactly its help', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z0-9_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2].replaceAll('\\|', '|')] as const);
    const listed = rows.filter(([code]) => ErrorCode.safeParse(code).success);
    expect(listed.map(([code]) => code).sort()).toEqual([...ErrorCode.options].sort());
    for (const [code, help] of listed) expect(help, code).toBe(helpFor(code as ErrorCode));
  });
});
