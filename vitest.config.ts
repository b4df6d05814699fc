import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `integration` talks to real Kafka, FerretDB
// (MongoDB wire protocol) and Redis started by infra/local (scripts/test.sh starts them).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'packages/*/test/**/*.it.test.ts',
            'services/*/test/**/*.it.test.ts',
            'test/**/*.it.test.ts',
          ],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration suites share real brokers; run files one at a time to keep CI on 2 cores calm.
          fileParallelism: false,
        },
      },
    ],
  },
});
