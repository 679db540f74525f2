import { defineConfig } from 'vitest/config';

/**
 * Files that spend Smokeball's shared rate limit by the hundred (every test firm uses the one client id,
 * so they slow every other file's syncs): they run after the rest, one at a time, on their own stack.
 */
const RATE_LIMIT_HEAVY = [
  'tests/integration/queue/bulk-sync.test.ts',
  'tests/integration/matter-types/preview-matches-sync.test.ts',
  'tests/integration/sync/matter-types.test.ts',
  // Two imports of 50 matters: about 200 reads of `GET /matters/{id}` and `POST /contacts/batch`.
  'tests/integration/import/import-matters.test.ts',
];

const integration = {
  // One stack (Postgres, functions on Deno, simulator) per project, started before its tests.
  globalSetup: ['tests/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          // Pure tests that mock no module and stub no global: one module graph for all the files keeps
          // the layer in seconds (a fresh graph per file costs more than the tests themselves).
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          // The deploy rehearsal (dev/deploy-check/): the pinned CLI and the Edge Runtime's Deno, no stack.
          name: 'deploy',
          include: ['tests/deploy/**/*.test.ts'],
          testTimeout: 120_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          exclude: RATE_LIMIT_HEAVY,
          ...integration,
          sequence: { groupOrder: 1 },
          // The stack itself needs the machine's 2 cores too.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'integration-heavy',
          include: RATE_LIMIT_HEAVY,
          ...integration,
          sequence: { groupOrder: 2 },
          maxWorkers: 1,
        },
      },
      {
        test: {
          // The end-to-end flow again, on a stack that runs every function as deployed: the CLI's upload
          // on the Edge Runtime's Deno (tests/global-setup.ts starts it for this project's name).
          name: 'edge',
          include: ['tests/e2e/deployed-flow.test.ts'],
          ...integration,
          sequence: { groupOrder: 3 },
          maxWorkers: 1,
        },
      },
    ],
  },
});
