// Starts one stack per test project (Postgres, migrations, seed, simulator, storage, functions on Deno
// behind the gateway) on free ports, and hands its coordinates to the tests via `inject`. The `edge`
// project's stack runs every function as deployed (`npm start -- --edge`): from the files the CLI uploads,
// on the Edge Runtime's Deno.
import type { TestProject } from 'vitest/node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startStack } from '../dev/stack.ts';

const TEST_SWEEP_INTERVAL_MS = 1_000;

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test database. */
    dbUrl: string;
    gatewayUrl: string;
    simUrl: string;
    secretKey: string;
    publishableKey: string;
    /** The private ES256 JWK (JSON) that signs user tokens, so tests can mint them. */
    signingKey: string;
    issuer: string;
    /** Every line the functions printed during the run. */
    functionLogFile: string;
    /** 'edge': functions run from their deploy bundles on the Edge Runtime's Deno; 'local': from the checkout. */
    functionRuntime: 'edge' | 'local';
    /** The local Storage's folder (tests place objects too large to upload in it as sparse files). */
    storageRoot: string;
  }
}

export default async function setup(project: TestProject) {
  const edge = project.name === 'edge';
  const dir = await mkdtemp(join(tmpdir(), 'casehug-test-'));
  const stack = await startStack({
    dataDir: dir,
    gatewayPort: await freePort(),
    dbPort: await freePort(),
    simPort: await freePort(),
    databaseUrl: process.env.TEST_DATABASE_URL,
    // Tests connect firms without a browser (`auto=approve`); the browser test clicks the real page.
    simOptions: { autoApprove: true },
    edge,
    // Some tests make sync-matter wait through Smokeball's 15 s consistency window on purpose and expect its
    // 200; on a loaded machine that can pass the 20 s default bound. The bound itself is tested on a
    // function of its own (tests/integration/sync/answer-within.test.ts).
    functionEnv: { SYNC_MATTER_ANSWER_WITHIN_MS: '45000' },
    // Wake-ups as in production (one per statement that queues a job); the sweep every second instead of
    // production's 30 s, so tests of retries, expired leases and jobs queued without a wake-up stay quick.
    pump: { sweepIntervalMs: TEST_SWEEP_INTERVAL_MS },
  });
  project.provide('dbUrl', stack.dbUrl);
  project.provide('gatewayUrl', stack.gatewayUrl);
  project.provide('simUrl', stack.simUrl);
  project.provide('secretKey', stack.keys.secretKey);
  project.provide('publishableKey', stack.keys.publishableKey);
  project.provide('signingKey', JSON.stringify(stack.keys.signingKey));
  project.provide('issuer', stack.issuer);
  project.provide('functionLogFile', stack.logFile);
  project.provide('functionRuntime', edge ? 'edge' : 'local');
  project.provide('storageRoot', join(dir, 'storage'));
  return async () => {
    await stack.stop();
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
}
