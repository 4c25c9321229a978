import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: false,
  target: 'es2022',
  treeshake: true,
  // p-memoize is ESM-only: bundle it so that require() of the CJS build works.
  noExternal: ['p-memoize', 'mimic-function'],
  external: ['axios', 'ioredis', 'redis'],
});
