import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CLIENT, startAuthLab, type AuthLab } from '../support/auth-lab.js';
import { installApp, mustRun, packTarball, ROOT } from './packed.js';

// The packed tarball against the oldest axios its peer range admits, installed from the registry:
// what the tests run against (the repository's axios) is the newest.
jest.setTimeout(90_000);

/** The lower bound of `peerDependencies.axios`, which must stay a plain `>=x.y.z`. */
function oldestAxios(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    peerDependencies: Record<string, string>;
  };
  const range = pkg.peerDependencies['axios'] ?? '';
  const match = /^>=\s*(\d+\.\d+\.\d+)$/.exec(range);
  if (match === null) throw new Error(`peerDependencies.axios is not a plain lower bound: ${range}`);
  return match[1]!;
}

// `PEER_AXIOS=1.7.9 npx jest __tests__/packaging/peer-axios` checks another release.
const VERSION = process.env['PEER_AXIOS'] ?? oldestAxios();

// Each step reports its outcome and what the lab saw meanwhile; the lab is driven over a control
// server (`/revoke`, `/token-delay`), which also counts tokens reaching it (`/elsewhere`).
const CHECKS = `
const { TOKEN_URL, API_URL, CONTROL_URL } = process.env;
const control = async (path, body) => {
  const init = body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) };
  return (await fetch(CONTROL_URL + path, init)).json();
};
const provider = (key) => clientCredentials({
  tokenUrl: TOKEN_URL, clientId: process.env.ATF_CLIENT_ID, clientSecret: process.env.ATF_CLIENT_SECRET, key,
});
const cold = (key) => {
  const instance = axios.create({ baseURL: API_URL });
  attachTokenAuth(instance, { provider: provider(key), manager: new TokenManager() });
  return instance;
};
const outcome = (promise) => promise.then(
  (answer) => ({ status: answer.status }),
  (error) => ({ code: error.code, canceled: axios.isCancel(error) }),
);
const timed = async (promise) => {
  const started = Date.now();
  return { ...(await promise), waitedForToken: Date.now() - started >= TOKEN_DELAY_MS };
};
const TOKEN_DELAY_MS = 1000;
const report = { axios: axios.VERSION };
const step = async (name, fn) => {
  const before = await control('/stats');
  const result = await fn();
  const after = await control('/stats');
  report[name] = { result };
  for (const key of Object.keys(after)) report[name][key] = after[key] - before[key];
};

const api = axios.create({ baseURL: API_URL });
const detach = attachTokenAuth(api, { provider: provider('burst'), manager: new TokenManager() });
await step('burst', async () => {
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => outcome(api.get('/r' + i))));
  return [...new Set(answers.map((answer) => answer.status ?? answer.code))];
});
await step('replay', async () => {
  await control('/revoke', {});
  return outcome(api.post('/replay', { n: 1 }));
});
await step('validateStatus', async () => {
  await control('/revoke', {});
  return outcome(api.get('/accepts-401', { validateStatus: (status) => status < 500 }));
});
await step('tokenAuthFalse', () => outcome(api.get('/plain', { tokenAuth: false, validateStatus: () => true })));
await step('absoluteUrl', () =>
  outcome(api.get(CONTROL_URL + '/elsewhere', { allowAbsoluteUrls: false, validateStatus: () => true })).then(
    () => 'sent',
  ),
);
await control('/token-delay', { ms: TOKEN_DELAY_MS });
await step('abort', () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  return timed(outcome(cold('abort').get('/aborted', { signal: controller.signal })));
});
await step('preAborted', () => outcome(cold('pre-aborted').get('/x', { signal: AbortSignal.abort() })));
await step('timeout', () => timed(outcome(cold('timeout').get('/slow', { timeout: 50 }))));
await control('/token-delay', { ms: 0 });
detach();
await step('detached', () => outcome(api.get('/detached', { validateStatus: () => true })));
console.log(JSON.stringify(report));
`;

const counts = (tokenRequests: number, apiRequests: number, apiUnauthorized: number) => ({
  tokenRequests,
  apiRequests,
  apiUnauthorized,
  elsewhereWithToken: 0,
});

const EXPECTED = {
  axios: VERSION,
  burst: { result: [200], ...counts(1, 20, 0) },
  replay: { result: { status: 200 }, ...counts(1, 2, 1) },
  validateStatus: { result: { status: 200 }, ...counts(1, 2, 1) },
  tokenAuthFalse: { result: { status: 401 }, ...counts(0, 1, 1) },
  absoluteUrl: { result: 'sent', ...counts(0, expect.any(Number), expect.any(Number)) },
  abort: { result: { code: 'ERR_CANCELED', canceled: true, waitedForToken: false }, ...counts(1, 0, 0) },
  preAborted: { result: { code: 'ERR_CANCELED', canceled: true }, ...counts(0, 0, 0) },
  timeout: { result: { code: 'ECONNABORTED', canceled: false, waitedForToken: false }, ...counts(1, 0, 0) },
  detached: { result: { status: 401 }, ...counts(0, 1, 1) },
};

/** Drives the lab for the consumer and counts requests that reach it with an `Authorization`. */
function startControl(lab: AuthLab): Promise<Server> {
  let elsewhereWithToken = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/revoke') lab.revokeAll();
      if (req.url === '/token-delay') lab.setTokenDelay((JSON.parse(body) as { ms: number }).ms);
      if (req.url === '/elsewhere' && req.headers.authorization !== undefined) elsewhereWithToken += 1;
      const { tokenRequests, apiRequests, apiUnauthorized } = lab.stats;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ tokenRequests, apiRequests, apiUnauthorized, elsewhereWithToken }));
    });
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

let lab: AuthLab;
let control: Server;
let work: string;
let app: string;
let env: Record<string, string>;

beforeAll(async () => {
  lab = await startAuthLab();
  control = await startControl(lab);
  work = await mkdtemp(join(tmpdir(), 'atf-peer-'));
  app = join(work, 'app');
  await installApp(app, [await packTarball(work), `axios@${VERSION}`], true);
  env = {
    ATF_CLIENT_ID: DEFAULT_CLIENT.clientId,
    ATF_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
    TOKEN_URL: lab.tokenUrl(),
    API_URL: lab.apiUrl,
    CONTROL_URL: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
  };
}, 90_000);

afterAll(async () => {
  await new Promise((done) => control?.close(done));
  await lab?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe(`the packed tarball with axios ${VERSION}`, () => {
  it.each([
    [
      'CommonJS',
      'checks.cjs',
      `(async () => {
const axios = require('axios');
const { attachTokenAuth, clientCredentials, TokenManager } = require('axios-token-flight');
${CHECKS}
})().catch((error) => { console.error(error); process.exitCode = 1; });`,
    ],
    [
      'ESM',
      'checks.mjs',
      `import axios from 'axios';
import { attachTokenAuth, clientCredentials, TokenManager } from 'axios-token-flight';
${CHECKS}`,
    ],
  ])('works from %s', async (_name, file, source) => {
    await writeFile(join(app, file), source);
    expect(JSON.parse(await mustRun(process.execPath, [file], app, env))).toEqual(EXPECTED);
  });
});
