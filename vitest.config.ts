import { defineConfig } from 'vitest/config';

/**
 * Files that run after the rest, one at a time, on their own stack:
 * - files that spend Smokeball's shared rate limit by the hundred (every test firm uses the one client id,
 *   so they slow every other file's syncs);
 * - files that change the shared simulator's behaviour for every account for a while (a write visibility
 *   delay of a minute), which would hold another file's writes invisible if it ran alongside.
 */
const RUN_ALONE = [
  'tests/integration/queue/bulk-sync.test.ts',
  'tests/integration/matter-types/preview-matches-sync.test.ts',
  'tests/integration/sync/matter-types.test.ts',
  // Two imports of 50 matters: about 200 reads of `GET /matters/{id}` and `POST /contacts/batch`.
  'tests/integration/import/import-matters.test.ts',
  // Holds every account's writes invisible for 60 s in one test.
  'tests/integration/sync/two-way.test.ts',
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
          exclude: RUN_ALONE,
          ...integration,
          sequence: { groupOrder: 1 },
          // The stack itself needs the machine's 2 cores too.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'integration-alone',
          include: RUN_ALONE,
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
