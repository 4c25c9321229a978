import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import axios from 'axios';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { bankOfGeorgia } from '../../src/bank-of-georgia.js';
import { brainysoft } from '../../src/brainysoft.js';
import { chatlayer } from '../../src/chatlayer.js';
import { clientCredentials } from '../../src/client-credentials.js';
import { gigachat } from '../../src/gigachat.js';
import { TokenManager } from '../../src/token-manager.js';
import type { TokenProvider } from '../../src/token.js';
import { expectTokenRequestError } from '../support/expect-token-request-error.js';
import { createSelfSigned, createTestCa, type Issued } from '../support/tls-certificates.js';
import { startTlsTokenServer, type TlsTokenServer } from '../support/tls-server.js';

const SECRET = 'tls-client-secret-value';
const ca = createTestCa();
const certificates: Record<string, Issued> = {
  selfSigned: createSelfSigned(['127.0.0.1', 'localhost']),
  otherHost: ca.leaf({ names: ['other.example'] }),
  expired: ca.leaf({
    names: ['127.0.0.1', 'localhost'],
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2020-02-01T00:00:00Z'),
  }),
  good: ca.leaf({ names: ['127.0.0.1', 'localhost'] }),
};
const servers: Record<string, TlsTokenServer> = {};
let trustingAgent: Agent;
let manager: TokenManager;

beforeAll(async () => {
  for (const [name, credentials] of Object.entries(certificates)) {
    servers[name] = await startTlsTokenServer(credentials);
  }
  trustingAgent = new Agent({ ca: ca.cert, keepAlive: false });
});

afterAll(async () => {
  trustingAgent.destroy();
  await Promise.all(Object.values(servers).map((server) => server.close()));
});

beforeEach(() => {
  manager = new TokenManager();
});

afterEach(() => manager.dispose());

type Preset = (tokenUrl: string, trusted: boolean) => TokenProvider;

const shared = (trusted: boolean) => ({
  clientId: 'tls-client',
  clientSecret: SECRET,
  retry: { baseDelayMs: 1 },
  ...(trusted ? { http: { httpsAgent: trustingAgent } } : {}),
});

const presets: Array<[string, Preset]> = [
  ['clientCredentials', (tokenUrl, trusted) => clientCredentials({ ...shared(trusted), tokenUrl })],
  ['gigachat', (tokenUrl, trusted) => gigachat({ ...shared(trusted), tokenUrl })],
  ['brainysoft', (tokenUrl, trusted) => brainysoft({ ...shared(trusted), tokenUrl })],
  ['chatlayer', (tokenUrl, trusted) => chatlayer({ ...shared(trusted), tokenUrl })],
  ['bankOfGeorgia', (tokenUrl, trusted) => bankOfGeorgia({ ...shared(trusted), tokenUrl })],
];

const failures: Array<[string, string, boolean, string, RegExp]> = [
  ['a self-signed certificate', 'selfSigned', false, 'DEPTH_ZERO_SELF_SIGNED_CERT', /self-signed/],
  ['a certificate for another host', 'otherHost', true, 'ERR_TLS_CERT_ALTNAME_INVALID', /altnames/],
  ['an expired certificate', 'expired', true, 'CERT_HAS_EXPIRED', /expired/],
  ['a certificate of an unknown CA', 'good', false, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', /verify/],
];

describe.each(presets)('%s over TLS', (_name, preset) => {
  it.each(failures)(
    'names %s as a rejected certificate, with its code and reason',
    async (_label, server, trusted, code, reason) => {
      const provider = preset(`${servers[server]!.url}/token`, trusted);
      const error = await expectTokenRequestError(manager.getToken(provider));
      expect(error.code).toBe('network_error');
      expect(error.description).toMatch(
        new RegExp(`^${code}: the token server's TLS certificate was rejected`),
      );
      expect(error.description).toMatch(reason);
      expect(error.message).toContain(code);
      for (const text of [error.message, error.stack, inspect(error), JSON.stringify(error)]) {
        expect(text).not.toContain(SECRET);
      }
    },
  );

  it.each(failures)('does not retry %s', async (_label, server, trusted) => {
    const before = servers[server]!.connections();
    const provider = preset(`${servers[server]!.url}/token`, trusted);
    await expectTokenRequestError(manager.getToken(provider));
    expect(servers[server]!.connections() - before).toBe(1);
  });

  it('fails the request with the same description', async () => {
    const api = axios.create({ baseURL: 'http://127.0.0.1:9' });
    attachTokenAuth(api, { provider: preset(`${servers['expired']!.url}/token`, true), manager });
    const error = await expectTokenRequestError(api.get('/resource'));
    expect(error.description).toMatch(/^CERT_HAS_EXPIRED: .*certificate has expired/);
  });

  it('gets its token from a server whose certificate the agent trusts', async () => {
    const token = await manager.getToken(preset(`${servers['good']!.url}/token`, true));
    expect(token.accessToken).toBe('tls-token');
  });
});

it('names the host a certificate does not cover when the URL names it', async () => {
  const url = `https://localhost:${servers['otherHost']!.port}/token`;
  const error = await expectTokenRequestError(
    manager.getToken(clientCredentials({ ...shared(true), tokenUrl: url })),
  );
  expect(error.description).toMatch(/Host: localhost\. is not in the cert's altnames: DNS:other\.example/);
});

describe('the CLI', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', resolve(__dirname, '../../src/cli.ts'), 'token', ...args],
        {
          cwd: resolve(__dirname, '../..'),
          env: {
            PATH: process.env['PATH'] ?? '',
            ATF_CLIENT_ID: 'tls-client',
            ATF_CLIENT_SECRET: SECRET,
            ...env,
          },
          timeout: 30_000,
        },
        (error, stdout, stderr) =>
          done({ code: error === null ? 0 : (error.code as number), stdout, stderr }),
      );
    });

  it('says which certificate check failed and exits 1', async () => {
    const tokenUrl = `${servers['selfSigned']!.url}/token`;
    const result = await run(['--preset', 'client-credentials', '--token-url', tokenUrl]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /network_error \(DEPTH_ZERO_SELF_SIGNED_CERT: the token server's TLS certificate was rejected: self-signed certificate\)/,
    );
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('says an expired certificate is expired, with NODE_EXTRA_CA_CERTS trusting its CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-ca-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, ca.cert);
    const tokenUrl = `${servers['expired']!.url}/token`;
    const result = await run(['--preset', 'bog', '--token-url', tokenUrl, '--json'], {
      NODE_EXTRA_CA_CERTS: caFile,
    });
    rmSync(dir, { recursive: true });
    expect(result.code).toBe(1);
    const output = JSON.parse(result.stdout) as { error: Record<string, unknown> };
    expect(output.error).toMatchObject({
      code: 'network_error',
      description:
        "CERT_HAS_EXPIRED: the token server's TLS certificate was rejected: certificate has expired",
    });
  });
});
