import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { expectTokenRequestError } from '../support/expect-token-request-error.js';
import type { AddressInfo } from 'node:net';
import { bankOfGeorgia } from '../../src/bank-of-georgia.js';
import { brainysoft } from '../../src/brainysoft.js';
import { chatlayer } from '../../src/chatlayer.js';
import { clientCredentials } from '../../src/client-credentials.js';
import { gigachat } from '../../src/gigachat.js';

/** What reached the server, byte for byte. */
interface Wire {
  method: string;
  /** Path and raw query string, as sent. */
  target: string;
  headers: Record<string, string>;
  body: string;
}

type Reply = (req: IncomingMessage, res: ServerResponse) => void;

const received: Wire[] = [];
let reply: Reply;
let server: Server;
let base: string;

const tokenReply: Reply = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ access_token: 'wire-token', token_type: 'bearer', expires_in: 300 }));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        headers[req.rawHeaders[i]!.toLowerCase()] = req.rawHeaders[i + 1]!;
      received.push({
        method: req.method!,
        target: req.url!,
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      reply(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
  reply = tokenReply;
});

const SECRET = 'sé:cr%et +/=';

describe('bytes on the wire', () => {
  it('clientCredentials, client_secret_basic', async () => {
    const token = await clientCredentials({
      tokenUrl: `${base}/token`,
      clientId: 'id:1',
      clientSecret: SECRET,
      scope: ['a', 'b'],
      audience: 'aud',
      headers: { 'X-Trace': 't1' },
    }).fetchToken({});
    expect(token).toMatchObject({ accessToken: 'wire-token', tokenType: 'Bearer' });
    const [wire] = received;
    expect(wire).toMatchObject({
      method: 'POST',
      target: '/token',
      body: 'grant_type=client_credentials&scope=a+b&audience=aud',
    });
    expect(wire!.headers).toMatchObject({
      authorization: `Basic ${Buffer.from('id%3A1:s%C3%A9%3Acr%25et+%2B%2F%3D').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'x-trace': 't1',
      'content-length': String(Buffer.byteLength(wire!.body)),
    });
  });

  it('clientCredentials, client_secret_post', async () => {
    await clientCredentials({
      tokenUrl: `${base}/token`,
      clientId: 'id',
      clientSecret: SECRET,
      authMethod: 'client_secret_post',
    }).fetchToken({});
    const [wire] = received;
    expect(wire!.body).toBe(
      'grant_type=client_credentials&client_id=id&client_secret=s%C3%A9%3Acr%25et+%2B%2F%3D',
    );
    expect(wire!.headers['authorization']).toBeUndefined();
  });

  it('brainysoft, client_secret_query: everything in the query string, empty body', async () => {
    await brainysoft({
      tokenUrl: `${base}/oauth/token`,
      clientId: 'f81f7fb9',
      clientSecret: SECRET,
      authMethod: 'client_secret_query',
    }).fetchToken({});
    const [wire] = received;
    expect(wire!.method).toBe('POST');
    expect(wire!.target).toBe(
      '/oauth/token?grant_type=client_credentials&client_id=f81f7fb9&client_secret=s%C3%A9%3Acr%25et+%2B%2F%3D',
    );
    expect(wire!.body).toBe('');
    expect(wire!.headers['authorization']).toBeUndefined();
  });

  it('brainysoft, default form body', async () => {
    await brainysoft({ tokenUrl: `${base}/oauth/token`, clientId: 'f81f7fb9', clientSecret: 'x' }).fetchToken(
      {},
    );
    expect(received[0]!.target).toBe('/oauth/token');
    expect(received[0]!.body).toBe('grant_type=client_credentials&client_id=f81f7fb9&client_secret=x');
  });

  it('gigachat', async () => {
    const credentials = Buffer.from('e5623627-bb8c:887d15a2-cb4f').toString('base64');
    reply = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'giga', expires_at: Date.now() + 1_800_000 }));
    };
    const provider = gigachat({ credentials, tokenUrl: `${base}/api/v2/oauth`, scope: 'GIGACHAT_API_B2B' });
    await provider.fetchToken({});
    await provider.fetchToken({});
    const [first, second] = received;
    expect(first).toMatchObject({ method: 'POST', target: '/api/v2/oauth', body: 'scope=GIGACHAT_API_B2B' });
    expect(first!.headers).toMatchObject({
      authorization: `Basic ${credentials}`,
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(first!.headers['rquid']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(second!.headers['rquid']).not.toBe(first!.headers['rquid']);
  });

  it('chatlayer', async () => {
    await chatlayer({
      tokenUrl: `${base}/realms/Chatlayer/token`,
      clientId: 'cid',
      clientSecret: 'csecret',
    }).fetchToken({});
    expect(received[0]!.body).toBe('grant_type=client_credentials&client_id=cid&client_secret=csecret');
  });

  it('bankOfGeorgia', async () => {
    await bankOfGeorgia({
      tokenUrl: `${base}/realms/bog/token`,
      clientId: '8282',
      clientSecret: 'abc',
    }).fetchToken({});
    expect(received[0]!.headers['authorization']).toBe(`Basic ${Buffer.from('8282:abc').toString('base64')}`);
    expect(received[0]!.body).toBe('grant_type=client_credentials');
  });
});

describe('failures on the wire', () => {
  const provider = (overrides: Partial<Parameters<typeof clientCredentials>[0]> = {}) =>
    clientCredentials({ tokenUrl: `${base}/token`, clientId: 'id', clientSecret: SECRET, ...overrides });

  const failure = expectTokenRequestError;

  it('a connection reset is a network error, retried', async () => {
    reply = (req) => req.socket.destroy();
    // A fresh socket per attempt, so every attempt reaches the server (no reused keep-alive socket).
    const httpAgent = new Agent({ keepAlive: false });
    const error = await failure(
      provider({ retry: { attempts: 2, baseDelayMs: 1 }, http: { httpAgent } }).fetchToken({}),
    );
    httpAgent.destroy();
    expect(error.code).toBe('network_error');
    expect(received).toHaveLength(2);
    expect(String(error)).not.toContain(SECRET);
  });

  it('a refused connection is a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(
      provider({ tokenUrl: `http://127.0.0.1:${port}/token`, retry: false }).fetchToken({}),
    );
    expect(error).toMatchObject({ code: 'network_error', description: 'ECONNREFUSED' });
  });

  it('a hang past timeoutMs is a timeout', async () => {
    reply = () => undefined;
    const error = await failure(provider({ timeoutMs: 100, retry: false }).fetchToken({}));
    expect(error.code).toBe('timeout');
  });

  it('an abort during a hang rejects with the reason at once', async () => {
    reply = () => undefined;
    const controller = new AbortController();
    const reason = new Error('caller gone');
    const pending = provider({ timeoutMs: 10_000 }).fetchToken({ signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('a 503 with Retry-After: 0 then a token takes two requests', async () => {
    let calls = 0;
    reply = (req, res) => {
      calls += 1;
      if (calls === 1) {
        res.writeHead(503, { 'retry-after': '0', 'content-type': 'text/html' });
        res.end('<h1>busy</h1>');
      } else tokenReply(req, res);
    };
    await expect(provider().fetchToken({})).resolves.toMatchObject({ accessToken: 'wire-token' });
    expect(received).toHaveLength(2);
  });

  it('401 is not retried and keeps its OAuth error', async () => {
    reply = (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json', 'set-cookie': 'a=b' });
      res.end(JSON.stringify({ error: 'invalid_client', error_description: 'Invalid client credentials' }));
    };
    const error = await failure(provider().fetchToken({}));
    expect(error).toMatchObject({
      status: 401,
      code: 'invalid_client',
      description: 'Invalid client credentials',
    });
    expect(error.response?.headers['set-cookie']).toBeUndefined();
    expect(received).toHaveLength(1);
  });

  it('a redirect is not followed', async () => {
    reply = (_req, res) => {
      res.writeHead(307, { location: `${base}/elsewhere` });
      res.end();
    };
    const error = await failure(provider().fetchToken({}));
    expect(error.status).toBe(307);
    expect(received).toHaveLength(1);
  });

  it('a body over 1 MiB is refused', async () => {
    reply = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'x', padding: 'p'.repeat(1_100_000) }));
    };
    const error = await failure(provider().fetchToken({}));
    expect(error.code).toBe('invalid_token_response');
    expect(error.status).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('a 401 with a body over 1 MiB keeps its status', async () => {
    reply = (_req, res) => {
      res.writeHead(401, { 'content-type': 'text/html' });
      res.end(`<html>${'p'.repeat(1_100_000)}</html>`);
    };
    const error = await failure(provider().fetchToken({}));
    expect(error).toMatchObject({ status: 401, code: 'invalid_token_response' });
    expect(error.message).toContain('status 401');
    expect(received).toHaveLength(1);
  });
});
