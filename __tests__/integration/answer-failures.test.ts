import { inspect } from 'node:util';
import axios from 'axios';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { bankOfGeorgia } from '../../src/bank-of-georgia.js';
import { brainysoft } from '../../src/brainysoft.js';
import { chatlayer } from '../../src/chatlayer.js';
import { parseCommand } from '../../src/cli-args.js';
import { runTokenCommand } from '../../src/cli-token.js';
import { clientCredentials } from '../../src/client-credentials.js';
import type { TokenRequestError } from '../../src/errors.js';
import { gigachat } from '../../src/gigachat.js';
import { TokenManager } from '../../src/token-manager.js';
import type { TokenProvider } from '../../src/token.js';
import { expectTokenRequestError } from '../support/expect-token-request-error.js';
import {
  startFailingTokenServer,
  type FailingAnswer,
  type FailingTokenServer,
} from '../support/failing-token-server.js';

const SECRET = 'answer-client-secret';
let server: FailingTokenServer;
let manager: TokenManager;

beforeAll(async () => {
  server = await startFailingTokenServer();
});

afterAll(() => server.close());

beforeEach(() => {
  server.requests.length = 0;
  manager = new TokenManager();
});

afterEach(() => manager.dispose());

type Preset = (tokenUrl: string) => TokenProvider;
const shared = { clientId: 'answer-client', clientSecret: SECRET, retry: { baseDelayMs: 1 } };
const presets: Array<[string, Preset]> = [
  ['clientCredentials', (tokenUrl) => clientCredentials({ ...shared, tokenUrl })],
  ['gigachat', (tokenUrl) => gigachat({ ...shared, tokenUrl })],
  ['brainysoft', (tokenUrl) => brainysoft({ ...shared, tokenUrl })],
  ['chatlayer', (tokenUrl) => chatlayer({ ...shared, tokenUrl })],
  ['bankOfGeorgia', (tokenUrl) => bankOfGeorgia({ ...shared, tokenUrl })],
];

function expectNoSecret(error: TokenRequestError): void {
  for (const text of [
    error.message,
    error.stack,
    inspect(error, { showHidden: true }),
    JSON.stringify(error),
  ]) {
    expect(text).not.toContain(SECRET);
  }
}

describe.each(presets)('%s', (_name, preset) => {
  const fails = async (answer: FailingAnswer): Promise<TokenRequestError> => {
    const error = await expectTokenRequestError(manager.getToken(preset(server.tokenUrl(answer))));
    expectNoSecret(error);
    return error;
  };

  it('says where a redirect pointed, and does not follow it', async () => {
    const error = await fails('login-redirect');
    expect(error).toMatchObject({
      status: 302,
      code: undefined,
      description: `a redirect to ${server.url}/sso/login, which token requests do not follow`,
    });
    expect(error.message).toContain('failed with status 302 (a redirect to');
    expect(error.message).not.toContain('session=abc');
    expect(server.requests).toHaveLength(1);
  });

  it("gives a 401 without a body the server's challenge", async () => {
    const error = await fails('basic-challenge');
    expect(error).toMatchObject({ status: 401, description: 'WWW-Authenticate: Basic realm="token"' });
    expect(server.requests).toHaveLength(1);
  });

  it('says when a 429 whose Retry-After passes the deadline may be tried again', async () => {
    const error = await fails('rate-limited');
    expect(error).toMatchObject({ status: 429, description: 'Retry-After: 120' });
    expect(error.message).toMatch(/failed with status 429 \(Retry-After: 120\)$/);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps the OAuth error of a 400, not retried', async () => {
    const error = await fails('invalid-scope');
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_scope',
      description: 'scope "reports" is not allowed',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('names an HTML login page answered with 200 as no token response, not retried', async () => {
    const error = await fails('login-page');
    expect(error).toMatchObject({ status: 200, code: 'invalid_token_response' });
    expect(error.description).toMatch(/HTML/);
    expect(server.requests).toHaveLength(1);
  });

  it('says a broken gzip body could not be decoded, retried as a network error', async () => {
    const error = await fails('broken-gzip');
    expect(error).toMatchObject({ status: 200, code: 'network_error' });
    expect(error.description).toMatch(/^Z_\w+: the answer's compressed body could not be decoded: /);
    expect(server.requests).toHaveLength(3);
  });

  it('retries a 503 and takes the token that follows', async () => {
    const token = await manager.getToken(preset(server.tokenUrl('unavailable-once')));
    expect(token.accessToken).toBe('after-503');
    expect(server.requests).toHaveLength(2);
  });

  it('fails the request with the same error as getToken', async () => {
    const api = axios.create({ baseURL: 'http://127.0.0.1:9' });
    attachTokenAuth(api, { provider: preset(server.tokenUrl('login-redirect')), manager });
    const error = await expectTokenRequestError(api.get('/resource'));
    expect(error.description).toMatch(/^a redirect to .*, which token requests do not follow$/);
    expectNoSecret(error);
  });
});

describe('with the fetch adapter', () => {
  it('says a broken gzip body could not be decoded, as with the http adapter', async () => {
    const provider = clientCredentials({
      ...shared,
      tokenUrl: server.tokenUrl('broken-gzip'),
      http: { adapter: 'fetch' },
    });
    const error = await expectTokenRequestError(manager.getToken(provider));
    expectNoSecret(error);
    // fetch hands over no status for a body it could not read.
    expect(error).toMatchObject({ code: 'network_error' });
    expect(error.description).toMatch(/^Z_\w+: the answer's compressed body could not be decoded: /);
  });
});

describe('answers that were already clear', () => {
  const provider = (answer: FailingAnswer) =>
    clientCredentials({ ...shared, tokenUrl: server.tokenUrl(answer) });

  it('a 404 page keeps its status, with no made-up code', async () => {
    const error = await expectTokenRequestError(manager.getToken(provider('not-found')));
    expect(error).toMatchObject({ status: 404, code: undefined, description: undefined });
    expect(error.response?.body).toContain('Not Found');
  });

  it('a socket closed without an answer is a retried ECONNRESET', async () => {
    const error = await expectTokenRequestError(manager.getToken(provider('close')));
    expect(error).toMatchObject({ code: 'network_error', description: 'ECONNRESET' });
    expect(server.requests).toHaveLength(3);
  });

  it('a numeric access_token is no token response', async () => {
    const error = await expectTokenRequestError(manager.getToken(provider('numeric-token')));
    expect(error).toMatchObject({
      code: 'invalid_token_response',
      description: 'access_token is empty or not a string',
    });
  });

  it('an unbelievable expires_in is no expiry: the token is cached for the default lifetime', async () => {
    const tokens = provider('huge-expiry');
    const before = Date.now();
    const token = await manager.getToken(tokens);
    expect(token.accessToken).toBe('long-lived');
    expect(token.expiresAt).toBeGreaterThan(before);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    await manager.getToken(tokens);
    expect(server.requests).toHaveLength(1);
  });
});

describe('the token command', () => {
  it('prints where the token URL redirected, and exits 1', async () => {
    const parsed = parseCommand([
      'token',
      '--preset',
      'chatlayer',
      '--token-url',
      server.tokenUrl('login-redirect'),
    ]);
    if (parsed.command !== 'token') throw new Error('expected a token command');
    const result = await runTokenCommand(parsed, {
      ATF_CLIENT_ID: 'answer-client',
      ATF_CLIENT_SECRET: SECRET,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /failed with status 302 \(a redirect to http:\/\/127\.0\.0\.1:\d+\/sso\/login, which token requests do not follow\)\n$/,
    );
    expect(result.stderr).not.toContain(SECRET);
  });
});
