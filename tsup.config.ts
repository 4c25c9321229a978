import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    redis: 'src/redis.ts',
    browser: 'src/browser.ts',
    // Node-only; its `#!/usr/bin/env node` line is kept by esbuild.
    cli: 'src/cli.ts',
  },
  format: ['esm', 'cjs'],
  // The CLI is a program, not an import target: no declarations for it.
  // Members marked `@internal` (the interceptors' side of TokenManager) stay out of the declarations.
  dts: {
    entry: { index: 'src/index.ts', redis: 'src/redis.ts', browser: 'src/browser.ts' },
    compilerOptions: { stripInternal: true },
  },
  clean: true,
  sourcemap: false,
  target: 'es2022',
  treeshake: true,
  // Shared chunks for CommonJS too: `require('axios-token-flight/redis')` must see the same error classes.
  splitting: true,
  // p-memoize is ESM-only: bundle it so that require() of the CJS build works.
  noExternal: ['p-memoize', 'mimic-function'],
  external: ['axios', 'ioredis', 'redis'],
});
