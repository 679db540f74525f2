// `npm run smokeball:check -- --write` against the project's simulator (the script starts its own on a
// free port and drives the authorization code flow): every assumption the code makes must hold.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function runCheck(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Smokeball settings of the developer's shell must not point the check elsewhere.
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SMOKEBALL_')));
    execFile(process.execPath, ['--import', 'tsx', 'dev/smokeball-check/main.ts', ...args], { cwd: ROOT, env: { ...clean, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const rowsOf = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| assumption '))
    .map((line) => {
      const cells = line.slice(2, -2).split(/ (?<!\\)\| /);
      return { assumption: cells[0], observed: cells[1], verdict: cells[2] };
    });

test('with --write every assumption holds against the simulator, and the table covers each of them', { timeout: 150_000 }, async () => {
  const { code, stdout, stderr } = await runCheck(['--write']);
  expect(stderr).toBe('');
  const rows = rowsOf(stdout);
  expect(rows.filter((r) => r.verdict !== 'holds')).toEqual([]);
  expect(code).toBe(0);
  const covered = (pattern: RegExp) => rows.some((r) => pattern.test(r.assumption));
  for (const pattern of [
    /authorization_code grant/, /refresh_token grant/, /x-api-key and Authorization/, /RequestId request header is echoed/,
    /POST \/contacts answers 202/, /becomes readable within the consistency window/, /file on a just-created matter/,
    /pre-signed upload needs Content-Length/, /mattertypes\?location=IL/, /search by email with type=Person/,
    /POST \/webhooks answers 200/, /DELETE \/webhooks/, /delivery is signed/, /meet 429/, /problem\+json/,
  ]) {
    expect(covered(pattern), String(pattern)).toBe(true);
  }
  // The visibility delay is measured and printed.
  expect(rows.find((r) => /consistency window/.test(r.assumption))?.observed).toMatch(/readable after \d+ ms/);
});

test('without --write it writes nothing: the write checks are reported as skipped', { timeout: 120_000 }, async () => {
  const { code, stdout } = await runCheck([]);
  const rows = rowsOf(stdout);
  expect(code).toBe(0);
  expect(rows.filter((r) => r.verdict === 'skipped').map((r) => r.observed)).toEqual(['not run (pass --write)']);
  expect(rows.some((r) => /POST \/contacts/.test(r.assumption))).toBe(false);
});

test('an unreachable base URL fails the check: nothing holds and the exit code is not 0', { timeout: 60_000 }, async () => {
  const { code, stdout } = await runCheck([], {
    SMOKEBALL_API_URL: 'http://127.0.0.1:9',
    SMOKEBALL_AUTH_URL: 'http://127.0.0.1:9',
    SMOKEBALL_CLIENT_ID: 'x',
    SMOKEBALL_API_KEY: 'y',
    SMOKEBALL_REFRESH_TOKEN: 'z',
  });
  expect(code).not.toBe(0);
  expect(stdout).not.toContain('| holds |');
});
