import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          // After the unit tests, which need no stack.
          sequence: { groupOrder: 1 },
          include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          // One stack (Postgres, functions on Deno, simulator) per run, started before any test.
          globalSetup: ['tests/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // The stack itself needs the machine's 2 cores too.
          maxWorkers: 2,
        },
      },
    ],
  },
});
