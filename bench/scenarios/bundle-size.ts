import { bytes } from '../format.js';
import { measureSource } from '../size.js';
import type { Scenario } from './scenario.js';

/** What each contender's user bundles (axios itself is external for all). */
const ENTRIES: readonly { id: string; name: string; source: string }[] = [
  { id: 'raw-axios', name: 'raw axios (static header)', source: 'export {};' },
  {
    id: 'axios-token-flight',
    name: 'axios-token-flight (attachTokenAuth + clientCredentials)',
    source: "export { attachTokenAuth, clientCredentials } from './src/index.ts';",
  },
  {
    id: 'axios-auth-refresh',
    name: 'axios-auth-refresh',
    source: "export { createAuthRefresh } from 'axios-auth-refresh';",
  },
  {
    id: 'axios-oauth-client',
    name: 'axios-oauth-client + axios-token-interceptor',
    source:
      "export { clientCredentials } from 'axios-oauth-client';\nexport { default as tokenInterceptor } from 'axios-token-interceptor';",
  },
  {
    id: 'naive',
    name: 'hand-written interceptor',
    source: "export { naiveInterceptor } from './bench/contenders/naive-interceptor.ts';",
  },
];

/** Scenario 6: min+gzip size of the browser bundle of what each contender's user imports. */
export const bundleSize: Scenario = {
  id: 'bundle-size',
  async run({ log }) {
    const data: { id: string; name: string; minified: number; gzipped: number }[] = [];
    for (const entry of ENTRIES) {
      const { minifiedBytes, gzipBytes } = await measureSource(entry.source);
      data.push({
        id: entry.id,
        name: entry.name,
        minified: minifiedBytes,
        gzipped: gzipBytes,
      });
    }
    log('bundle size: done');
    return {
      id: 'bundle-size',
      title: '6. Bundle size (browser, axios external)',
      method:
        'esbuild `--bundle --minify --platform=browser --format=esm`, gzip level 9, of the names each user imports.',
      table: [
        ['contender', 'min', 'min+gzip'],
        ...data.map((row) => [row.name, bytes(row.minified), bytes(row.gzipped)]),
      ],
      data,
      checks: [],
    };
  },
};
