import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAuthLab, type AuthLab } from '../support/auth-lab.js';
import { installApp, mustRun, packTarball, ROOT, run } from './packed.js';

// Builds the package into a temporary directory, packs it with npm, installs the tarball into a
// fresh project and runs CommonJS, ESM and TypeScript consumers against a loopback token server.
jest.setTimeout(180_000);

const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

const CLIENT = { ATF_CLIENT_ID: 'lab-client', ATF_CLIENT_SECRET: 'lab-secret-Ω:%+ /' };

// Every consumer does the same: two concurrent requests and one more, through a loopback token
// server, then prints what it saw as JSON.
const CONSUMER_BODY = `
const api = axios.create({ baseURL: process.env.API_URL });
const detach = attachTokenAuth(api, {
  provider: clientCredentials({
    tokenUrl: process.env.TOKEN_URL,
    clientId: process.env.ATF_CLIENT_ID,
    clientSecret: process.env.ATF_CLIENT_SECRET,
  }),
});
const answers = await Promise.all([api.get('/a'), api.get('/b')]);
const noToken = await api.get('/c', { tokenAuth: false }).catch((error) => error.response);
detach();
console.log(JSON.stringify({
  statuses: answers.map((answer) => answer.status),
  noTokenStatus: noToken.status,
  broadcast: typeof BroadcastTokenStore,
  redis: typeof RedisTokenStore,
}));
`;

const TS_CONSUMER = `
import axios from 'axios';
import { attachTokenAuth, clientCredentials, TokenRequestError, type Token } from 'axios-token-flight';
import { BroadcastTokenStore } from 'axios-token-flight/browser';
import { RedisTokenStore, type RedisTokenStoreOptions } from 'axios-token-flight/redis';

declare const process: { env: Record<string, string> };
const options: RedisTokenStoreOptions = { prefix: 'x:' };
const check: Token | undefined = undefined;
void options;
void check;
void TokenRequestError;

async function main(): Promise<void> {
  ${CONSUMER_BODY}
}
void main();
`;

const SUBPATH_CONSUMER = `
import { RedisTokenStore, type RedisClient } from 'axios-token-flight/redis';
import { BroadcastTokenStore } from 'axios-token-flight/browser';

export class CountingStore extends RedisTokenStore {
  reads = 0;
  override async get(key: string) {
    this.reads += 1;
    return super.get(key);
  }
}
export const redisStore = (client: RedisClient) => new CountingStore(client);
export const tabToken = (store: BroadcastTokenStore) => store.get('session');
`;

let lab: AuthLab;
let work: string;
let app: string;
let env: Record<string, string>;

beforeAll(async () => {
  lab = await startAuthLab();
  work = await mkdtemp(join(tmpdir(), 'atf-pack-'));
  app = join(work, 'app');
  await installApp(app, [await packTarball(work)], false);
  // Peers are not installed (no registry needed): axios comes from the repository, as the app's own.
  await symlink(join(ROOT, 'node_modules/axios'), join(app, 'node_modules/axios'), 'dir');
  env = { ...CLIENT, TOKEN_URL: lab.tokenUrl(), API_URL: lab.apiUrl };
}, 180_000);

afterAll(async () => {
  await lab?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

beforeEach(() => lab.resetStats());

function expectRequestsMade(output: string): void {
  expect(JSON.parse(output.trim())).toEqual({
    statuses: [200, 200],
    noTokenStatus: 401,
    broadcast: 'function',
    redis: 'function',
  });
  expect(lab.stats.tokenRequests).toBe(1);
  expect(lab.stats.apiRequests).toBe(3);
}

describe('the packed tarball', () => {
  it('ships the built files and nothing from the source tree', async () => {
    const files = await readdir(join(app, 'node_modules/axios-token-flight/dist'));
    for (const entry of ['index', 'redis', 'browser']) {
      expect(files).toEqual(
        expect.arrayContaining([`${entry}.js`, `${entry}.cjs`, `${entry}.d.ts`, `${entry}.d.cts`]),
      );
    }
    expect(files).toContain('cli.js');
    expect(
      files.some((name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.d.cts')),
    ).toBe(false);
  });

  it("declares the public API only: TokenManager's members for the interceptors stay out", async () => {
    const dist = join(app, 'node_modules/axios-token-flight/dist');
    for (const file of (await readdir(dist)).filter((name) => /\.d\.c?ts$/.test(name))) {
      const declarations = await readFile(join(dist, file), 'utf8');
      for (const internal of ['isFetchSignal', 'isBefore(', 'emit(', 'get lifetime', 'RequestTokenHooks']) {
        expect(`${file}: ${declarations.includes(internal)}`).toBe(`${file}: false`);
      }
    }
    const index = await readFile(join(dist, 'index.d.ts'), 'utf8');
    expect(index).toMatch(/peekToken\(provider: TokenProvider\): Token \| undefined;/);
  });

  it('works with require() from CommonJS', async () => {
    const source = `(async () => {
const axios = require('axios');
const { attachTokenAuth, clientCredentials } = require('axios-token-flight');
const { BroadcastTokenStore } = require('axios-token-flight/browser');
const { RedisTokenStore } = require('axios-token-flight/redis');
${CONSUMER_BODY}
})().catch((error) => { console.error(error); process.exitCode = 1; });`;
    await writeFile(join(app, 'consumer.cjs'), source);
    expectRequestsMade(await mustRun(process.execPath, ['consumer.cjs'], app, env));
  });

  it.each([
    [
      'CommonJS',
      'consumer-errors.cjs',
      "const core = require('axios-token-flight'); const { RedisTokenStore } = require('axios-token-flight/redis');",
    ],
    [
      'ESM',
      'consumer-errors.mjs',
      "import * as core from 'axios-token-flight'; import { RedisTokenStore } from 'axios-token-flight/redis';",
    ],
  ])('shares one set of error classes between the entry points (%s)', async (_name, file, imports) => {
    const source = `${imports}
try { new RedisTokenStore(undefined); } catch (error) { console.log(error instanceof core.TokenFlightError); }`;
    await writeFile(join(app, file), source);
    expect((await mustRun(process.execPath, [file], app)).trim()).toBe('true');
  });

  it('shares the default manager, the attach check and error classes between its ESM and CommonJS builds', async () => {
    const source = `import { createRequire } from 'node:module';
import axios from 'axios';
import * as esm from 'axios-token-flight';
const cjs = createRequire(import.meta.url)('axios-token-flight');
const api = axios.create();
cjs.attachTokenAuth(api, { provider: { key: 'k', fetchToken: async () => ({ accessToken: 'a' }) } });
let twice = 'attached twice';
try { esm.attachTokenAuth(api, { provider: { key: 'k', fetchToken: async () => ({ accessToken: 'a' }) } }); }
catch (error) { twice = error instanceof esm.TokenAuthConfigError ? error.code : String(error); }
console.log(JSON.stringify({
  twoBuilds: esm.attachTokenAuth !== cjs.attachTokenAuth,
  twice,
  crossInstanceof: new cjs.TokenRequestError({ providerKey: 'k' }) instanceof esm.TokenRequestError,
}));`;
    await writeFile(join(app, 'dual.mjs'), source);
    expect(JSON.parse(await mustRun(process.execPath, ['dual.mjs'], app))).toEqual({
      twoBuilds: true,
      twice: 'already_attached',
      crossInstanceof: true,
    });
  });

  it('works with import from ESM', async () => {
    const source = `import axios from 'axios';
import { attachTokenAuth, clientCredentials } from 'axios-token-flight';
import { BroadcastTokenStore } from 'axios-token-flight/browser';
import { RedisTokenStore } from 'axios-token-flight/redis';
${CONSUMER_BODY}`;
    await writeFile(join(app, 'consumer.mjs'), source);
    expectRequestsMade(await mustRun(process.execPath, ['consumer.mjs'], app, env));
  });

  it.each([
    ['node16', { module: 'node16', moduleResolution: 'node16' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])('type-checks and runs a TypeScript consumer with moduleResolution %s', async (name, resolution) => {
    const dir = join(app, `ts-${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'consumer.ts'), TS_CONSUMER);
    const tsconfig = {
      compilerOptions: {
        ...resolution,
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: [],
        strict: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: false,
        outDir: 'out',
      },
      files: ['consumer.ts'],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    await mustRun(process.execPath, [TSC, '-p', 'tsconfig.json'], dir);
    expectRequestsMade(await mustRun(process.execPath, [join(dir, 'out/consumer.js')], dir, env));
  });

  // A library of the user's that imports only a subpath and exports values whose types come from the
  // package: its declarations must name them through that subpath, not through an internal chunk.
  it.each([
    ['node16', { module: 'node16', moduleResolution: 'node16' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])('emits declarations for a consumer of the subpaths only (%s)', async (name, resolution) => {
    const dir = join(app, `dts-${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'stores.ts'), SUBPATH_CONSUMER);
    const tsconfig = {
      compilerOptions: { ...resolution, target: 'es2022', lib: ['es2022', 'dom'], types: [], strict: true },
      files: ['stores.ts'],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    await mustRun(
      process.execPath,
      [TSC, '-p', 'tsconfig.json', '--declaration', '--emitDeclarationOnly'],
      dir,
    );
    const emitted = await readFile(join(dir, 'stores.d.ts'), 'utf8');
    expect(emitted).not.toMatch(/dist\//);
  });

  it('installs a working axios-token-flight bin', async () => {
    const bin = join(app, 'node_modules/.bin/axios-token-flight');
    const output = await mustRun(
      bin,
      ['token', '--preset', 'client-credentials', '--token-url', lab.tokenUrl(), '--json'],
      app,
      CLIENT,
    );
    expect(JSON.parse(output)).toMatchObject({ tokenType: 'Bearer', redacted: true });
    expect(lab.stats.tokenRequests).toBe(1);
    const refused = await run(bin, ['token', '--preset', 'client-credentials', '--client-secret', 'x'], app);
    expect(refused.code).toBe(2);
  });
});
