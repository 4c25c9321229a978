import axios, { type AxiosInstance } from 'axios';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { clientCredentials } from '../../src/client-credentials.js';
import { TokenManager } from '../../src/token-manager.js';
import type { TokenProvider } from '../../src/token.js';
import type { TokenEvent } from '../../src/token-events.js';
import { DEFAULT_CLIENT, startAuthLab, type AuthLab } from '../support/auth-lab.js';

/**
 * Replay after 401: every body that can be sent twice is sent again byte for byte; a stream, which
 * the first attempt consumed, is not replayed and the request rejects with the 401.
 */

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  status: number;
}

/** A resource server that refuses one chosen token with 401 and records every body as raw bytes. */
interface RecordingApi {
  url: string;
  received: Received[];
  /** Requests carrying this `Authorization` value get 401. */
  refuse: string | undefined;
  /** Every request gets this status (e.g. 403 or 401) when set. */
  always: number | undefined;
  close(): Promise<void>;
}

async function startRecordingApi(): Promise<RecordingApi> {
  const api: Omit<RecordingApi, 'url' | 'close'> = { received: [], refuse: undefined, always: undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = api.always ?? (req.headers.authorization === api.refuse ? 401 : 200);
      api.received.push({ headers: req.headers, body: Buffer.concat(chunks), status });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status, seq: api.received.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(api, {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

let lab: AuthLab;
let api: RecordingApi;
let manager: TokenManager;
let events: TokenEvent[];
let tokens: TokenProvider;
let client: AxiosInstance;

beforeAll(async () => {
  lab = await startAuthLab();
  api = await startRecordingApi();
});

afterAll(async () => {
  await Promise.all([lab.close(), api.close()]);
});

beforeEach(async () => {
  lab.resetStats();
  api.received.length = 0;
  api.always = undefined;
  events = [];
  manager = new TokenManager({ onEvent: (event) => events.push(event) });
  tokens = clientCredentials({
    tokenUrl: lab.tokenUrl(),
    clientId: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
  });
  client = axios.create({ baseURL: api.url });
  attachTokenAuth(client, { provider: tokens, manager });
  // The cached token is the one the API refuses: the next request gets 401 and is replayed.
  const stale = await manager.getToken(tokens);
  api.refuse = `Bearer ${stale.accessToken}`;
});

afterEach(() => {
  manager.dispose();
});

const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0d, 0x0a, 0x2d, 0x2d, 0xc3, 0x28, 0x7f, 0x01]);

const bodies: Array<[string, () => unknown, RegExp]> = [
  ['a string', () => 'plain text with ünïcödé\r\n', /^application\/x-www-form-urlencoded|^text\/plain/],
  ['a JSON object', () => ({ id: 7, name: 'ünïcödé', nested: { list: [1, 2, 3] } }), /^application\/json/],
  [
    'URLSearchParams',
    () => new URLSearchParams({ a: '1', b: 'x y&z=ü' }),
    /^application\/x-www-form-urlencoded/,
  ],
  ['an ArrayBuffer', () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), /./],
  ['a Buffer', () => Buffer.from(bytes), /./],
  [
    'FormData with a Blob and a Buffer',
    () => {
      const form = new FormData();
      form.append('field', 'välue');
      form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), 'data.bin');
      form.append('buffer', new Blob([Buffer.from('buffer contents')]), 'buffer.txt');
      return form;
    },
    /^multipart\/form-data; boundary=/,
  ],
];

describe('replay after 401', () => {
  test.each(bodies)('%s is replayed byte-identical', async (_name, body, contentType) => {
    const response = await client.post('/upload', body());
    expect(response.status).toBe(200);
    expect(api.received.map((request) => request.status)).toEqual([401, 200]);
    const [first, second] = api.received as [Received, Received];
    expect(first.body.length).toBeGreaterThan(0);
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(first.headers['content-type']).toMatch(contentType);
    expect(second.headers['content-length']).toBe(first.headers['content-length']);
    expect(second.headers.authorization).not.toBe(first.headers.authorization);
    expect(lab.stats.tokenRequests).toBe(2);
  });

  // axios (Node) draws a new multipart boundary for every dispatch unless the Content-Type names one,
  // so the replay is identical part for part but not byte for byte until the boundary is carried over.
  test('FormData is replayed with identical parts', async () => {
    const form = bodies.find(([name]) => name.startsWith('FormData'))![1]();
    await client.post('/upload', form);
    const [first, second] = api.received.map((request) => {
      const boundary = /boundary=(\S+)/.exec(request.headers['content-type'] ?? '')?.[1] ?? '';
      return request.body.toString('latin1').split(boundary).join('BOUNDARY');
    });
    expect(first).toContain('name="file"; filename="data.bin"');
    expect(second).toBe(first);
  });

  // axios serializes a FormData to JSON when the request's Content-Type says JSON.
  test('FormData sent as JSON (Content-Type: application/json) stays JSON, and so does its replay', async () => {
    const form = new FormData();
    form.append('name', 'ann');
    form.append('age', '7');
    const response = await client.post('/upload', form, { headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(200);
    expect(api.received.map((request) => request.status)).toEqual([401, 200]);
    for (const request of api.received) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(JSON.parse(request.body.toString())).toEqual({ name: 'ann', age: '7' });
    }
  });

  test('FormData a transformRequest turns into a form-encoded string is sent and replayed as that', async () => {
    const form = new FormData();
    form.append('name', 'ann');
    const toForm = (data: FormData): string =>
      new URLSearchParams(data as unknown as Record<string, string>).toString();
    await client.post('/upload', form, { transformRequest: [toForm] });
    expect(api.received.map((request) => request.status)).toEqual([401, 200]);
    for (const request of api.received) {
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(request.body.toString()).toBe('name=ann');
    }
  });

  // In Node axios turns the object into a `form-data` stream, which the first attempt consumes.
  test('postForm with a plain object is replayed: the multipart body is built again', async () => {
    const response = await client.postForm('/upload', { name: 'ann', file: Buffer.from(bytes) });
    expect(response.status).toBe(200);
    expect(api.received.map((request) => request.status)).toEqual([401, 200]);
    const [first, second] = api.received.map((request) => {
      const boundary = /boundary=(\S+)/.exec(request.headers['content-type'] ?? '')?.[1] ?? '';
      expect(request.body.toString('latin1')).toContain(`--${boundary}\r\n`);
      return request.body.toString('latin1').split(boundary).join('BOUNDARY');
    });
    expect(first).toContain('name="file"');
    expect(second).toBe(first);
  });

  test('a Node Readable stream body is not replayed: the request rejects with the 401', async () => {
    const stream = Readable.from([Buffer.from('chunk one, '), Buffer.from('chunk two')]);
    const error: unknown = await client.post('/upload', stream).catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
    expect(api.received).toHaveLength(1);
    expect(api.received[0]!.body.toString()).toBe('chunk one, chunk two');
    expect(events.some((event) => event.type === 'retry')).toBe(false);
    expect(lab.stats.tokenRequests).toBe(1);
  });

  // axios' fetch adapter hands an async iterable body (from a `transformRequest`) to fetch, which streams it.
  test('an async iterable body is not replayed with the fetch adapter: the request rejects with the 401', async () => {
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('chunk one, ');
      yield Buffer.from('chunk two');
    }
    const error: unknown = await client
      .post('/upload', chunks(), { adapter: 'fetch', transformRequest: [(data: unknown) => data] })
      .catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
    expect(api.received.map((request) => request.body.toString())).toEqual(['chunk one, chunk two']);
    expect(events.some((event) => event.type === 'invalidated')).toBe(true);
    expect(events.some((event) => event.type === 'retry')).toBe(false);
  });

  test('a 401 for a stream body still drops the token: the next request carries a new one', async () => {
    const refused = api.refuse;
    const error: unknown = await client.post('/upload', Readable.from(['one'])).catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
    expect(events.some((event) => event.type === 'invalidated')).toBe(true);
    await expect(client.post('/upload', Readable.from(['two']))).resolves.toMatchObject({ status: 200 });
    expect(api.received.map((request) => request.headers.authorization === refused)).toEqual([true, false]);
    expect(lab.stats.tokenRequests).toBe(2);
  });

  test('a 401 on the replayed request rejects with that 401', async () => {
    api.always = 401;
    const error: unknown = await client.post('/upload', { a: 1 }).catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
    expect(api.received).toHaveLength(2);
    // The error is the second response's.
    expect(axios.isAxiosError(error) && error.response?.data).toEqual({ status: 401, seq: 2 });
    expect(api.received[1]!.headers.authorization).not.toBe(api.received[0]!.headers.authorization);
    expect(lab.stats.tokenRequests).toBe(2);
  });

  test('a 403 never invalidates the token nor replays', async () => {
    api.always = 403;
    const error: unknown = await client.post('/upload', 'body').catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(403);
    expect(api.received).toHaveLength(1);
    expect(events.some((event) => event.type === 'invalidated' || event.type === 'retry')).toBe(false);
    expect(lab.stats.tokenRequests).toBe(1);
  });

  test('a network error never invalidates the token nor replays', async () => {
    const closed = await startRecordingApi();
    await closed.close();
    const error: unknown = await client
      .post(`${closed.url}/upload`, 'body', { tokenAuth: false })
      .catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.code).toBe('ECONNREFUSED');
    // Same with the token attached (the instance accepts another origin only when told).
    const other = axios.create({ baseURL: closed.url });
    attachTokenAuth(other, { provider: tokens, manager });
    const attached: unknown = await other.post('/upload', 'body').catch((e: unknown) => e);
    expect(axios.isAxiosError(attached) && attached.code).toBe('ECONNREFUSED');
    expect(events.some((event) => event.type === 'invalidated' || event.type === 'retry')).toBe(false);
    expect(lab.stats.tokenRequests).toBe(1);
  });
});
