import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import axios from 'axios';
import pino from 'pino';
import { errWithCause } from 'pino-std-serializers';
import { serializeError } from 'serialize-error';
import winston from 'winston';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { bankOfGeorgia } from '../../src/bank-of-georgia.js';
import { gigachat } from '../../src/gigachat.js';
import { TokenManager } from '../../src/token-manager.js';
import type { TokenProvider } from '../../src/token.js';
import { send, startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

// Errors as applications log them, with real loggers: none may print a credential or a token.
const CLIENT_SECRET = 'logged-client-secret/+=';
const GIGACHAT_KEY = Buffer.from('logged-giga-id:logged-giga-secret').toString('base64');
const ACCESS_TOKEN = 'logged-access-token-0123';
const REFRESH_TOKEN = 'logged-refresh-token-4567';
const NEVER = [
  CLIENT_SECRET,
  'logged-client-secret',
  GIGACHAT_KEY,
  'logged-giga-secret',
  ACCESS_TOKEN,
  REFRESH_TOKEN,
];

let server: LoopbackServer;

beforeAll(async () => {
  server = await startLoopbackServer((_req, res, recorded) => {
    if (recorded.path === '/token') {
      return send(res, 200, { access_token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN, expires_in: 300 });
    }
    if (recorded.path === '/refusing/token') {
      const echo = `${recorded.headers['authorization'] ?? ''} ${recorded.body}`;
      return send(res, 400, { error: 'invalid_client', error_description: `rejected: ${echo}` });
    }
    send(res, Number(recorded.path.slice(1)), { error: 'nope' });
  });
});

afterAll(() => server.close());

function written(log: (stream: Writable) => void): string {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  log(stream);
  return chunks.join('');
}

function logged(error: unknown): Record<string, string> {
  return {
    pino: written((stream) => pino({}, stream).error({ err: error }, 'request failed')),
    errWithCause: JSON.stringify(errWithCause(error as Error)),
    winston: written((stream) => {
      const format = winston.format.combine(winston.format.errors({ stack: true }), winston.format.json());
      const logger = winston.createLogger({
        format,
        transports: [new winston.transports.Stream({ stream })],
      });
      logger.error(error as Error);
    }),
    serializeError: JSON.stringify(serializeError(error)),
    json: JSON.stringify(error),
    inspect: inspect(error, { depth: Infinity }),
    showHidden: inspect(error, { depth: Infinity, showHidden: true }),
  };
}

/** What fails, the adapter, the provider, the token endpoint's path, the API's status. */
type Case = [string, 'http' | 'fetch', (url: string) => TokenProvider, string, number];
const presets = {
  gigachat: (url: string) => gigachat({ tokenUrl: url, credentials: GIGACHAT_KEY, retry: false }),
  bankOfGeorgia: (url: string) =>
    bankOfGeorgia({ tokenUrl: url, clientId: 'logged-id', clientSecret: CLIENT_SECRET, retry: false }),
};
const cases: Case[] = (['http', 'fetch'] as const).flatMap((adapter): Case[] => [
  ['GigaChat key refused', adapter, presets.gigachat, '/refusing/token', 200],
  ['Bank of Georgia Basic refused', adapter, presets.bankOfGeorgia, '/refusing/token', 200],
  ['API 401 twice', adapter, presets.bankOfGeorgia, '/token', 401],
  ['API 403', adapter, presets.gigachat, '/token', 403],
  ['API 500', adapter, presets.bankOfGeorgia, '/token', 500],
]);

describe.each(cases)('%s (%s adapter)', (_name, adapter, preset, tokenPath, status) => {
  it('prints no credential and no token through any logger', async () => {
    const manager = new TokenManager();
    const api = axios.create({ baseURL: server.url, adapter });
    attachTokenAuth(api, { provider: preset(`${server.url}${tokenPath}`), manager });
    const error = await api.get(`/${status}`).catch((e: unknown) => e);
    manager.dispose();
    expect(error).toBeInstanceOf(Error);
    for (const [logger, text] of Object.entries(logged(error))) {
      for (const secret of NEVER) expect(`${logger}: ${text}`).not.toContain(secret);
    }
  });
});
