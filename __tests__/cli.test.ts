import { execFile } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import axios from 'axios';
import { DEFAULT_CLIENT, startAuthLab, type AuthLab } from './support/auth-lab.js';
import { runWithStdoutClosed } from './support/closed-stdout.js';

const ROOT = resolve(__dirname, '..');
const CLI = resolve(ROOT, 'src/cli.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI source with a clean environment plus `env`. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        done({ code, stdout, stderr });
      },
    );
  });
}

const CLIENT_ENV = { ATF_CLIENT_ID: DEFAULT_CLIENT.clientId, ATF_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret };
const GIGACHAT_KEY = Buffer.from(`${DEFAULT_CLIENT.clientId}:${DEFAULT_CLIENT.clientSecret}`).toString(
  'base64',
);

let lab: AuthLab;

beforeAll(async () => {
  lab = await startAuthLab({ tokenLifetimeMs: 1_800_000 });
});

afterAll(async () => {
  await lab.close();
});

beforeEach(() => lab.resetStats());

describe('axios-token-flight token', () => {
  it('fetches a client-credentials token and prints it redacted', async () => {
    const run = await runCli(
      ['token', '--preset', 'client-credentials', '--token-url', lab.tokenUrl()],
      CLIENT_ENV,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^provider +\\S*${DEFAULT_CLIENT.clientId}`, 'm'));
    expect(run.stdout).toMatch(/^token type +Bearer$/m);
    expect(run.stdout).toMatch(/^expires +\d{4}-\d\d-\d\dT\S+Z \(in (29m 5\ds|30m 0s)\)$/m);
    const shown = /^access token +(\S+)$/m.exec(run.stdout)?.[1];
    expect(shown).toMatch(/^[\w-]{4}…[\w-]{4}$/);
    expect(lab.stats.tokenRequests).toBe(1);
    expect(lab.stats.tokenRequestsLog[0]?.clientAuth).toBe('basic');
    expect(run.stdout).not.toContain(DEFAULT_CLIENT.clientSecret);
  });

  it('prints the whole token with --show, and JSON with --json', async () => {
    const run = await runCli(
      ['token', '--preset', 'client-credentials', '--token-url', lab.tokenUrl(), '--json', '--show'],
      CLIENT_ENV,
    );
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(output).toMatchObject({ tokenType: 'Bearer', redacted: false });
    expect(output['provider']).toEqual(expect.stringContaining(DEFAULT_CLIENT.clientId));
    expect(output['expiresInSeconds']).toBeGreaterThan(1790);
    expect(Date.parse(String(output['expiresAt']))).toBeGreaterThan(Date.now());
    // The token printed whole is the one the server issued: the protected API accepts it.
    const answer = await axios.get(lab.apiUrl, {
      headers: { Authorization: `Bearer ${String(output['accessToken'])}` },
    });
    expect(answer.status).toBe(200);
  });

  it('uses GIGACHAT_CREDENTIALS for the gigachat preset', async () => {
    const run = await runCli(
      [
        'token',
        '--preset',
        'gigachat',
        '--token-url',
        lab.tokenUrl('gigachat'),
        '--scope',
        'GIGACHAT_API_B2B',
        '--json',
      ],
      { GIGACHAT_CREDENTIALS: GIGACHAT_KEY },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(output).toMatchObject({ tokenType: 'Bearer', redacted: true });
    expect(output['accessToken']).toMatch(/^[\w-]{4}…[\w-]{4}$/);
    expect(lab.stats.tokenRequestsLog[0]?.body).toBe('scope=GIGACHAT_API_B2B');
    expect(lab.stats.tokenRequestsLog[0]?.headers['rquid']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['brainysoft', 'brainysoft', 'post'],
    ['chatlayer', 'chatlayer', 'post'],
    ['bog', 'bog', 'basic'],
  ] as const)('fetches with the %s preset', async (preset, shape, clientAuth) => {
    const run = await runCli(['token', '--preset', preset, '--token-url', lab.tokenUrl(shape)], CLIENT_ENV);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^access token +[\w-]{4}…[\w-]{4}$/m);
    expect(lab.stats.tokenRequestsLog[0]?.clientAuth).toBe(clientAuth);
  });

  it('sends client_secret_query when asked', async () => {
    const run = await runCli(
      [
        'token',
        '--preset',
        'brainysoft',
        '--token-url',
        lab.tokenUrl('brainysoft'),
        '--auth-method',
        'client_secret_query',
      ],
      CLIENT_ENV,
    );
    expect(run.code).toBe(0);
    expect(lab.stats.tokenRequestsLog[0]?.clientAuth).toBe('query');
  });

  it('exits 1 with the TokenRequestError description when the server refuses', async () => {
    const env = { ...CLIENT_ENV, ATF_CLIENT_SECRET: 'wrong-secret-value' };
    const run = await runCli(['token', '--preset', 'client-credentials', '--token-url', lab.tokenUrl()], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('failed with status 401');
    expect(run.stderr).toContain('invalid_client');
    expect(run.stderr).toContain('Invalid client credentials');
    expect(run.stderr.split('Invalid client credentials')).toHaveLength(2);
    expect(run.stderr).not.toContain('wrong-secret-value');

    const json = await runCli(
      ['token', '--preset', 'client-credentials', '--token-url', lab.tokenUrl(), '--json'],
      env,
    );
    expect(json.code).toBe(1);
    const output = JSON.parse(json.stdout) as { error: Record<string, unknown> };
    expect(output.error).toMatchObject({
      name: 'TokenRequestError',
      status: 401,
      code: 'invalid_client',
      description: 'Invalid client credentials',
    });
    expect(json.stdout).not.toContain('wrong-secret-value');
  });

  it('exits 1 when the token endpoint cannot be reached', async () => {
    lab.setTokenFault({ kind: 'down' });
    try {
      const run = await runCli(
        [
          'token',
          '--preset',
          'client-credentials',
          '--token-url',
          lab.tokenUrl(),
          '--timeout-ms',
          '2000',
          '--json',
        ],
        CLIENT_ENV,
      );
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ error: { name: 'TokenRequestError' } });
    } finally {
      lab.setTokenFault(null);
    }
  });

  it.each(['--client-secret', '--client-secret=abc', '--credentials', '--secret'])(
    'refuses %s: secrets never come from argv',
    async (flag) => {
      const run = await runCli([
        'token',
        '--preset',
        'client-credentials',
        '--token-url',
        lab.tokenUrl(),
        flag,
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/visible to other users/);
      expect(run.stderr).toMatch(/ATF_CLIENT_SECRET|GIGACHAT_CREDENTIALS/);
      expect(run.stderr).not.toContain('abc');
      expect(lab.stats.tokenRequests).toBe(0);
    },
  );

  it('exits 2 without echoing a secret pasted as an argument', async () => {
    const run = await runCli(['token', '--preset', 'gigachat', GIGACHAT_KEY], CLIENT_ENV);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('takes no arguments');
    expect(run.stdout + run.stderr).not.toContain(GIGACHAT_KEY);
    expect(lab.stats.tokenRequests).toBe(0);
  });

  it('exits 2 naming the variables when the secret is missing from the environment', async () => {
    const run = await runCli(['token', '--preset', 'chatlayer', '--token-url', lab.tokenUrl('chatlayer')], {
      ATF_CLIENT_ID: 'lab-client',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ATF_CLIENT_SECRET');
    expect(lab.stats.tokenRequests).toBe(0);
  });

  it('goes through the proxy HTTP_PROXY names, as any axios program in Node does', async () => {
    const lab80 = new URL(lab.tokenUrl());
    const seen: string[] = [];
    // A forward proxy: the request line carries the absolute URL of a host only the proxy can reach.
    const proxy = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} host=${req.headers.host}`);
      const target = new URL(req.url ?? '/');
      const upstream = httpRequest(
        {
          host: lab80.hostname,
          port: lab80.port,
          path: target.pathname + target.search,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((ready) => proxy.listen(0, '127.0.0.1', ready));
    try {
      const tokenUrl = `http://idp.proxied.test${lab80.pathname}`;
      const run = await runCli(
        [
          'token',
          '--preset',
          'client-credentials',
          '--token-url',
          tokenUrl,
          '--allow-insecure-http',
          '--json',
        ],
        { ...CLIENT_ENV, HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ tokenType: 'Bearer' });
      expect(seen).toEqual([`POST ${tokenUrl} host=idp.proxied.test`]);
    } finally {
      await new Promise<void>((closed) => proxy.close(() => closed()));
    }
  });

  it('names the proxy variable when the connection through that proxy failed', async () => {
    // Nothing listens on port 9 of the loopback interface: the proxy refuses, not the endpoint.
    const run = await runCli(
      [
        'token',
        '--preset',
        'client-credentials',
        '--token-url',
        'http://idp.proxied.test/token',
        '--allow-insecure-http',
        '--timeout-ms',
        '2000',
      ],
      { ...CLIENT_ENV, HTTP_PROXY: 'http://127.0.0.1:9' },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('network_error (ECONNREFUSED) (through the proxy in HTTP_PROXY)');
  });

  it('exits 2 on an unknown preset or a missing token URL', async () => {
    const unknown = await runCli(['token', '--preset', 'nope'], CLIENT_ENV);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown preset "nope"');
    const noUrl = await runCli(['token', '--preset', 'client-credentials'], CLIENT_ENV);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('--token-url');
  });

  it('reports a usage error as JSON with --json, as a configuration error', async () => {
    for (const args of [
      ['token', '--preset', 'nope', '--json'],
      ['token', '--preset', 'bog', '--colour', '--json'],
      ['token', '--preset', 'chatlayer', '--json'],
    ]) {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toMatchObject({ error: { name: 'UsageError' } });
    }
  });

  it('exits quietly with its own code when the reader of its output has gone (| head)', async () => {
    lab.setTokenDelay(1_000);
    try {
      // The reading end closes before the token arrives: the answer is written to a broken pipe.
      const { code, stderr } = await runWithStdoutClosed(
        ['--import', 'tsx', CLI, 'token', '--preset', 'client-credentials', '--token-url', lab.tokenUrl()],
        { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...CLIENT_ENV } },
      );
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(lab.stats.tokenRequests).toBe(1);
    } finally {
      lab.setTokenDelay(0);
    }
  });

  it('prints the usage with --help', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: axios-token-flight token --preset');
    for (const name of ['ATF_CLIENT_ID', 'ATF_CLIENT_SECRET', 'GIGACHAT_CREDENTIALS']) {
      expect(run.stdout).toContain(name);
    }
  });

  it('prints the version with --version', async () => {
    const { version } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });
});
