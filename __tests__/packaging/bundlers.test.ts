import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PRESET_MARKERS } from '../../bench/size.js';
import { DEFAULT_CLIENT, startAuthLab } from '../support/auth-lab.js';
import { bundleWithRollup, bundleWithWebpack, type Bundle } from './bundlers.js';
import { installApp, mustRun, packTarball, ROOT } from './packed.js';

// The packed tarball, installed into a fresh app, bundled by webpack 5 and rollup 4 the way a
// frontend (or SSR) build does: which build each bundler picks, and what stays out of the output.
jest.setTimeout(120_000);

const ENTRIES: Record<string, string> = {
  'src/core.js': `import { attachTokenAuth, clientCredentials } from 'axios-token-flight';
globalThis.app = { attachTokenAuth, clientCredentials };`,
  'src/gigachat.js': `import { attachTokenAuth, gigachat } from 'axios-token-flight';
globalThis.app = { attachTokenAuth, gigachat };`,
  'src/broadcast.js': `import { BroadcastTokenStore } from 'axios-token-flight/browser';
globalThis.app = { BroadcastTokenStore };`,
  'src/legacy.cjs': `const { attachTokenAuth, clientCredentials } = require('axios-token-flight');
globalThis.app = { attachTokenAuth, clientCredentials };`,
  // An SSR entry: 10 concurrent requests through a loopback token server, what they got as JSON.
  'src/server.js': `import axios from 'axios';
import { attachTokenAuth, clientCredentials } from 'axios-token-flight';
const api = axios.create({ baseURL: process.env.API_URL });
attachTokenAuth(api, { provider: clientCredentials({
  tokenUrl: process.env.TOKEN_URL, clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET,
}) });
Promise.all(Array.from({ length: 10 }, (_, i) => api.get('/r/' + i))).then(
  (answers) => console.log(JSON.stringify(answers.map((answer) => answer.status))),
  (error) => { console.error(error); process.exitCode = 1; },
);`,
};

/** Strings only the presets, the Redis store or the CLI contain. */
const UNUSED_MARKERS = [...PRESET_MARKERS, 'RqUID', 'redis.call', '--token-url'];
/** Node built-ins, `process` or `Buffer`: none may reach a browser bundle. */
const NODE_ONLY = /\bnode:|\brequire\(|\bprocess\.|\bBuffer\b/;

const ESM_CORE = ['dist/chunk-', 'dist/index.js'];

let work: string;
let app: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'atf-bundlers-'));
  app = join(work, 'app');
  await installApp(app, [await packTarball(work)], false);
  await symlink(join(ROOT, 'node_modules/axios'), join(app, 'node_modules/axios'), 'dir');
  for (const [path, source] of Object.entries(ENTRIES)) {
    await mkdir(dirname(join(app, path)), { recursive: true });
    await writeFile(join(app, path), source);
  }
}, 120_000);

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

function expectBrowserSafe(bundle: Bundle): void {
  expect(bundle.warnings).toEqual([]);
  expect(bundle.code).not.toMatch(NODE_ONLY);
}

function expectOnlyFrom(bundle: Bundle, prefixes: readonly string[]): void {
  expect(bundle.files.length).toBeGreaterThan(0);
  for (const file of bundle.files) expect(prefixes.some((prefix) => file.startsWith(prefix))).toBe(true);
}

type Bundler = (entry: string) => Promise<Bundle>;

const BROWSER_ENTRIES = ['src/core.js', 'src/gigachat.js', 'src/broadcast.js', 'src/legacy.cjs'];
let webpackBundles: Promise<Record<string, Bundle>> | undefined;

/** One webpack compilation for every browser entry: much faster than one each. */
async function webpackBundle(entry: string): Promise<Bundle> {
  webpackBundles ??= bundleWithWebpack(app, BROWSER_ENTRIES, 'web');
  return (await webpackBundles)[entry]!;
}

describe.each<[string, Bundler]>([
  ['webpack', webpackBundle],
  ['rollup', (entry) => bundleWithRollup(app, entry)],
])('the packed package bundled for the browser by %s', (_name, bundle) => {
  it('takes the ESM build and leaves out the presets, the Redis store, the CLI and Node built-ins', async () => {
    const core = await bundle('src/core.js');
    expectOnlyFrom(core, ESM_CORE);
    expectBrowserSafe(core);
    expect(core.code).toMatch(/from\s*["']axios["']/);
    for (const marker of UNUSED_MARKERS) expect(core.code).not.toContain(marker);
  });

  it('keeps a preset that is used, and only that one', async () => {
    const giga = await bundle('src/gigachat.js');
    expectBrowserSafe(giga);
    expect(giga.code).toContain('ngw.devices.sberbank.ru');
    expect(giga.code).toContain('RqUID');
    for (const marker of PRESET_MARKERS.filter((m) => m !== 'sberbank.ru'))
      expect(giga.code).not.toContain(marker);
  });

  it('bundles BroadcastTokenStore from axios-token-flight/browser without the core', async () => {
    const store = await bundle('src/broadcast.js');
    expectOnlyFrom(store, ['dist/chunk-', 'dist/browser.js']);
    expectBrowserSafe(store);
    expect(store.code).toContain('BroadcastChannel');
    expect(store.code).not.toContain('TokenRequestError');
    expect(store.code).not.toMatch(/from\s*["']axios["']/);
  });

  it('takes the CommonJS build for require()', async () => {
    const legacy = await bundle('src/legacy.cjs');
    expectOnlyFrom(legacy, ['dist/chunk-', 'dist/index.cjs']);
    expect(legacy.files).toContain('dist/index.cjs');
    expect(legacy.warnings).toEqual([]);
  });
});

describe('the packed package bundled by webpack for Node (SSR)', () => {
  it('takes the ESM build for import, and the bundle makes one token request for 10 concurrent requests', async () => {
    const { 'src/server.js': server } = await bundleWithWebpack(app, ['src/server.js'], 'node');
    expectOnlyFrom(server!, ESM_CORE);
    expect(server!.warnings).toEqual([]);
    const lab = await startAuthLab();
    try {
      const output = await mustRun(process.execPath, [server!.path!], app, {
        TOKEN_URL: lab.tokenUrl(),
        API_URL: lab.apiUrl,
        CLIENT_ID: DEFAULT_CLIENT.clientId,
        CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
      });
      expect(JSON.parse(output)).toEqual(Array(10).fill(200));
      expect(lab.stats.tokenRequests).toBe(1);
      expect(lab.stats.apiRequests).toBe(10);
    } finally {
      await lab.close();
    }
  });
});
