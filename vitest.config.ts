import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the workspace packages by name; point those names at the TypeScript
// sources so `pnpm test` needs no build step and always tests the code on disk.
const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));
const alias = {
  '@thuphi/fee-core': src('fee-core'),
  '@thuphi/qr': src('qr'),
  '@thuphi/recon-server': src('recon-server'),
};

// The recon-server suite runs twice: on embedded PGlite and on the PostgreSQL server
// (127.0.0.1:5432 unless THUPHI_TEST_PG_URL says otherwise), same migrations, same tests.
const serverTests = ['packages/recon-server/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'libs',
          include: [
            'packages/fee-core/test/**/*.test.ts',
            'packages/qr/test/**/*.test.ts',
            'test/**/*.test.ts',
          ],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'server:pglite',
          include: serverTests,
          env: { THUPHI_TEST_DB: 'pglite' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'server:postgres',
          include: serverTests,
          env: { THUPHI_TEST_DB: 'postgres' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
