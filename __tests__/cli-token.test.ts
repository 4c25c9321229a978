import { parseCommand, UsageError, type TokenCommand } from '../src/cli-args.js';
import { providerFor, runTokenCommand } from '../src/cli-token.js';
import { send, startLoopbackServer, type LoopbackServer } from './support/loopback-server.js';

const KEY = Buffer.from('giga-client:giga-secret-value').toString('base64');

function command(argv: string[]): TokenCommand {
  const parsed = parseCommand(['token', ...argv]);
  if (parsed.command !== 'token') throw new Error('expected a token command');
  return parsed;
}

describe('providerFor', () => {
  it('builds gigachat from GIGACHAT_CREDENTIALS, keyed by the client id inside it', () => {
    const provider = providerFor(command(['--preset', 'gigachat']), { GIGACHAT_CREDENTIALS: KEY });
    expect(provider.key).toContain('giga-client');
    expect(provider.key).not.toContain('giga-secret-value');
  });

  it('refuses --client-id next to GIGACHAT_CREDENTIALS rather than ignore it', () => {
    const build = (): unknown =>
      providerFor(command(['--preset', 'gigachat', '--client-id', 'other-id']), {
        GIGACHAT_CREDENTIALS: KEY,
      });
    expect(build).toThrow(UsageError);
    expect(build).toThrow(/--client-id is not used with GIGACHAT_CREDENTIALS/);
  });

  it('drops surrounding whitespace from the environment, as a Windows line ending leaves it', () => {
    const provider = providerFor(command(['--preset', 'gigachat']), {
      ATF_CLIENT_ID: ' id-from-env\r',
      ATF_CLIENT_SECRET: 'secret-from-env\r\n',
    });
    expect(provider.key).toContain('#id-from-env#');
    const unset = (): unknown =>
      providerFor(command(['--preset', 'bog']), { ATF_CLIENT_ID: 'id', ATF_CLIENT_SECRET: ' \r\n' });
    expect(unset).toThrow(/ATF_CLIENT_SECRET/);
  });

  it('refuses a variable that is not UTF-8 rather than send what Node made of it', () => {
    // Bytes such as Latin-1 "é" (0xE9) reach process.env as U+FFFD.
    const latin1 = Buffer.from([0x73, 0xe9, 0x63]).toString('utf8');
    for (const env of [
      { ATF_CLIENT_ID: 'id', ATF_CLIENT_SECRET: latin1 },
      { ATF_CLIENT_ID: latin1, ATF_CLIENT_SECRET: 'secret' },
    ]) {
      const build = (): unknown => providerFor(command(['--preset', 'bog']), env);
      expect(build).toThrow(UsageError);
      expect(build).toThrow(/is not valid UTF-8/);
    }
    const key = (): unknown =>
      providerFor(command(['--preset', 'gigachat']), { GIGACHAT_CREDENTIALS: `${KEY}${latin1}` });
    expect(key).toThrow(/GIGACHAT_CREDENTIALS is not valid UTF-8/);
  });

  it('builds gigachat from an id and secret when no key is set', () => {
    const provider = providerFor(command(['--preset', 'gigachat', '--client-id', 'id-from-flag']), {
      ATF_CLIENT_SECRET: 'secret-from-env',
    });
    expect(provider.key).toContain('id-from-flag');
  });

  it.each([
    ['http://idp.example.com/token', /--token-url refused: http: .*--allow-insecure-http/],
    ['ftp://idp.example.com/token', /--token-url refused: ftp: URLs are not allowed/],
  ])('refuses %s as a usage error, before any request', (url, message) => {
    const build = (): unknown =>
      providerFor(command(['--preset', 'client-credentials', '--token-url', url]), {
        ATF_CLIENT_ID: 'id',
        ATF_CLIENT_SECRET: 'secret',
      });
    expect(build).toThrow(UsageError);
    expect(build).toThrow(message);
  });

  it('takes an http: token URL to any host with --allow-insecure-http', () => {
    const allowed = command([
      '--preset',
      'bog',
      '--token-url',
      'http://idp.example.com/token',
      '--allow-insecure-http',
    ]);
    expect(providerFor(allowed, { ATF_CLIENT_ID: 'id', ATF_CLIENT_SECRET: 'secret' }).key).toContain(
      'http://idp.example.com/token',
    );
  });

  it.each<[string, string[], RegExp]>([
    [
      'brainysoft without a target',
      ['--preset', 'brainysoft'],
      /brainysoft needs --token-url or --customer-key/,
    ],
    [
      'brainysoft with client_secret_basic',
      ['--preset', 'brainysoft', '--customer-key', 'acme', '--auth-method', 'client_secret_basic'],
      /brainysoft takes client_secret_post or client_secret_query/,
    ],
    ['client-credentials without a token URL', ['--preset', 'client-credentials'], /needs --token-url$/],
  ])('refuses %s as a usage error', (_name, argv, message) => {
    const build = (): unknown =>
      providerFor(command(argv), { ATF_CLIENT_ID: 'id', ATF_CLIENT_SECRET: 'secret' });
    expect(build).toThrow(UsageError);
    expect(build).toThrow(message);
  });

  it('builds brainysoft from --customer-key, with the auth method given', () => {
    const provider = providerFor(
      command(['--preset', 'brainysoft', '--customer-key', 'acme', '--auth-method', 'client_secret_query']),
      { ATF_CLIENT_ID: 'id', ATF_CLIENT_SECRET: 'secret' },
    );
    expect(provider.key).toContain('https://acme-auth.brainysoft.ru/oauth/token');
  });

  it('turns a configuration error into a usage error', () => {
    expect(() =>
      providerFor(
        command(['--preset', 'client-credentials', '--token-url', 'https://u:p@idp.example.com/t']),
        {
          ATF_CLIENT_ID: 'id',
          ATF_CLIENT_SECRET: 'secret',
        },
      ),
    ).toThrow(UsageError);
  });
});

describe('runTokenCommand', () => {
  const ENV = { ATF_CLIENT_ID: 'cli-client', ATF_CLIENT_SECRET: 'cli-secret-value' };
  let server: LoopbackServer;
  /** Token requests /hang received: each one an attempt. */
  let hung = 0;

  beforeAll(async () => {
    server = await startLoopbackServer((_req, res, recorded) => {
      if (recorded.path === '/refuse') {
        return send(res, 401, {
          error: 'invalid_client',
          error_description: 'bad\u001b]0;title\u0007\u001b[2J',
        });
      }
      if (recorded.path === '/refuse-c1') {
        return send(res, 401, { error: 'invalid_client', error_description: 'bad\u009b2J\u007f' });
      }
      if (recorded.path === '/hang') {
        hung += 1;
        return;
      }
      if (recorded.path === '/short') return send(res, 200, { access_token: 'short-tok', scope: 'a b' });
      if (recorded.path === '/expired')
        return send(res, 200, { access_token: 'a'.repeat(32), expires_in: 0 });
      send(res, 200, { access_token: 'a'.repeat(32), expires_in: 60, scope: 'api\u001b[31m\r\nfake' });
    });
  });

  afterAll(() => server.close());

  it('prints what a token server says without its control characters', async () => {
    const ok = await runTokenCommand(
      command(['--preset', 'client-credentials', '--token-url', `${server.url}/token`]),
      ENV,
    );
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain('scope         api\\u001b[31m\\u000d\\u000afake\n');
    const refused = await runTokenCommand(
      command(['--preset', 'client-credentials', '--token-url', `${server.url}/refuse`]),
      ENV,
    );
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('bad\\u001b]0;title\\u0007\\u001b[2J');
    // eslint-disable-next-line no-control-regex
    expect(ok.stdout + refused.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('escapes DEL and C1 controls in --json output too, which JSON.stringify leaves as they are', async () => {
    const refused = await runTokenCommand(
      command(['--preset', 'client-credentials', '--token-url', `${server.url}/refuse-c1`, '--json']),
      ENV,
    );
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).not.toMatch(/[\u007f-\u009f]/);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { description: 'bad\u009b2J\u007f' } });
  });

  it('says when the server stated no expiry, and hides a short token whole, in text and JSON', async () => {
    const args = ['--preset', 'brainysoft', '--token-url', `${server.url}/short`];
    const text = await runTokenCommand(command(args), ENV);
    expect(text.stdout).toMatch(/^expires +not stated by the server$/m);
    expect(text.stdout).toMatch(/^access token +… \(9 characters hidden\)$/m);
    expect(text.stdout).not.toContain('short-tok');
    const json = await runTokenCommand(command([...args, '--json']), ENV);
    expect(JSON.parse(json.stdout)).toEqual({
      provider: expect.any(String),
      tokenType: 'Bearer',
      expiresAt: null,
      expiresInSeconds: null,
      scope: 'a b',
      accessToken: '… (9 characters hidden)',
      redacted: true,
    });
  });

  it('says when the token came already expired', async () => {
    const run = await runTokenCommand(
      command(['--preset', 'client-credentials', '--token-url', `${server.url}/expired`]),
      ENV,
    );
    expect(run.stdout).toMatch(/^expires +\S+Z \(already expired\)$/m);
  });

  it('gives up after --timeout-ms, retries included', async () => {
    hung = 0;
    const started = Date.now();
    const run = await runTokenCommand(
      command([
        '--preset',
        'chatlayer',
        '--token-url',
        `${server.url}/hang`,
        '--timeout-ms',
        '300',
        '--json',
      ]),
      ENV,
    );
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'timeout' } });
    // The first attempt took all of it: no retry started (the default deadline would allow two more).
    expect(hung).toBe(1);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
