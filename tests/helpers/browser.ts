// Headless Chromium for the browser tests, found so that `npm ci && npm test` is all a fresh machine needs:
// `CHROMIUM_EXECUTABLE` if set, else a system Chromium (Debian's /usr/bin/chromium) when present, else the
// headless-shell build that the npm package @sparticuz/chromium ships (Linux x64), unpacked once per version
// and user into the temp folder. playwright-core downloads no browser of its own.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import bundled from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

export type ChromiumSource = 'env' | 'system' | 'bundled';
export type ChromiumLaunch = { source: ChromiumSource; executablePath: string; args: string[] };

const SYSTEM_CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

// This machine's network is closed: without these Chromium keeps dialling Google's hosts (component updates,
// sync, QUIC probes), each refused, at every start.
const QUIET_NETWORK_ARGS = [
  '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync',
];
// --no-sandbox: the tests may run as root (CI does), where Chromium refuses to start with its sandbox on.
// The same flags serve both builds. The package's own `args` are for serverless hosts and are left out on
// purpose: `--single-process` closes the whole browser with the first closed context, and
// `--disable-web-security` would let a page pass here that CORS stops in a real browser.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', ...QUIET_NETWORK_ARGS];

/** Which Chromium the browser tests launch, and with which flags. `prefer: 'bundled'` skips the others. */
export async function findChromium(options: { prefer?: 'bundled' } = {}): Promise<ChromiumLaunch> {
  if (options.prefer !== 'bundled') {
    const fromEnv = process.env.CHROMIUM_EXECUTABLE;
    if (fromEnv) {
      if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_EXECUTABLE=${fromEnv} does not exist`);
      return { source: 'env', executablePath: fromEnv, args: CHROMIUM_ARGS };
    }
    const system = SYSTEM_CHROMIUM_PATHS.find((path) => existsSync(path));
    if (system) return { source: 'system', executablePath: system, args: CHROMIUM_ARGS };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `no Chromium found: @sparticuz/chromium ships Linux x64 only (this is ${process.platform} ${process.arch}); ` +
        'install Chromium or set CHROMIUM_EXECUTABLE to a Chromium or Chrome binary',
    );
  }
  return { source: 'bundled', executablePath: await unpackBundledChromium(), args: CHROMIUM_ARGS };
}

export async function launchChromium(options: { prefer?: 'bundled' } = {}): Promise<Browser> {
  const { executablePath, args } = await findChromium(options);
  return chromium.launch({ executablePath, args });
}

/**
 * Unpacks the package's brotli-compressed binary (about 3 s; 188 MB, plus 15 MB of SwiftShader libraries) into a folder of its own per package
 * version and user, and returns the binary's path. The package itself unpacks straight to `<tmp>/chromium`,
 * which an interrupted first run leaves truncated, another version or user may own, and its next call
 * reuses without a check: so it unpacks here into a fresh folder (its temp folder redirected through
 * TMPDIR, which `os.tmpdir()` reads on each call) that is then renamed into place in one step.
 */
async function unpackBundledChromium(): Promise<string> {
  const target = join(tmpdir(), `casehug-chromium-${bundledVersion()}-${userInfo().uid}`);
  const binary = join(target, 'chromium');
  if (existsSync(binary)) return binary;

  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(`${target}.partial-`);
  try {
    const previousTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = staging;
    // The package reads the temp folder synchronously before its first await, so it is restored at once.
    const unpacking = bundled.executablePath();
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
    const unpacked = await unpacking;
    if (unpacked !== join(staging, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${unpacked}`);
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another process renamed its copy into place first: use that one.
      if (!existsSync(binary)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

function bundledVersion(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@sparticuz/chromium');
  // build/cjs/index.cjs → the package folder.
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
