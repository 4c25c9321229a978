import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import axios, { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { RequestTokenState } from '../src/request-token-state.js';
import { scrubAxiosError } from '../src/scrub-axios-error.js';

const ACCESS_TOKEN = 'at-secret-0123456789';
const OWN = `Bearer ${ACCESS_TOKEN}`;
const state = new RequestTokenState(
  { key: 'key', fetchToken: () => Promise.reject(new Error('not called')) },
  false,
  OWN,
  ACCESS_TOKEN,
);

/** Stands in for a Node ClientRequest / XHR: its raw header text holds the token. */
function fakeRequest(header: string): { _header: string; path: string } {
  return { _header: `GET /v1 HTTP/1.1\r\nAuthorization: ${header}\r\n\r\n`, path: '/v1' };
}

function axiosError(header: string, withResponse = true): AxiosError {
  const config = {
    url: '/v1',
    headers: new AxiosHeaders({ Authorization: header, Accept: 'application/json' }),
  };
  const request = fakeRequest(header);
  const response = withResponse
    ? ({ status: 401, statusText: 'Unauthorized', headers: {}, data: {}, config, request } as AxiosResponse)
    : undefined;
  return new AxiosError(
    'Request failed with status code 401',
    'ERR_BAD_REQUEST',
    config as InternalAxiosRequestConfig,
    request,
    response,
  );
}

function renderings(value: unknown): string[] {
  return [JSON.stringify(value), inspect(value), inspect(value, { showHidden: true, depth: Infinity })];
}

describe('scrubAxiosError', () => {
  it('removes the header this library set', () => {
    const error = axiosError(OWN);
    scrubAxiosError(error, 'Authorization', state);
    expect(error.config?.headers.has('Authorization')).toBe(false);
    expect(error.config?.headers.get('Accept')).toBe('application/json');
    expect(error.response?.config.headers.has('Authorization')).toBe(false);
  });

  it('keeps a header the caller set', () => {
    const error = axiosError('Bearer caller-own-token');
    scrubAxiosError(error, 'Authorization', state);
    expect(error.config?.headers.get('Authorization')).toBe('Bearer caller-own-token');
  });

  it('honours a custom header name', () => {
    const config = { headers: new AxiosHeaders({ 'X-Api-Token': OWN, Authorization: OWN }) };
    const error = new AxiosError('x', 'ERR_BAD_REQUEST', config as InternalAxiosRequestConfig);
    scrubAxiosError(error, 'X-Api-Token', state);
    expect(error.config?.headers.has('X-Api-Token')).toBe(false);
    expect(error.config?.headers.get('Authorization')).toBe(OWN);
  });

  it('hides request from JSON and inspect but keeps it readable', () => {
    const error = axiosError(OWN);
    const request = error.request as unknown;
    const responseRequest = error.response?.request as unknown;
    expect(renderings(error).some((text) => text.includes(ACCESS_TOKEN))).toBe(true);
    scrubAxiosError(error, 'Authorization', state);
    for (const text of [
      ...renderings(error),
      ...renderings(error.response),
      JSON.stringify(error.toJSON()),
    ]) {
      expect(text).not.toContain(ACCESS_TOKEN);
    }
    expect(error.request).toBe(request);
    expect(error.response?.request).toBe(responseRequest);
    expect(Object.keys(error)).not.toContain('request');
    error.request = 'replaced';
    expect(error.request).toBe('replaced');
  });

  it('hides the request of an axios error that is the cause, as the fetch adapter of axios 1.7 wraps it', () => {
    const inner = axiosError(OWN);
    const error = AxiosError.from(inner, inner.code, inner.config, inner.request, inner.response);
    error.cause = inner;
    expect(inspect(error).includes(ACCESS_TOKEN)).toBe(true);
    scrubAxiosError(error, 'Authorization', state);
    for (const text of renderings(error)) expect(text).not.toContain(ACCESS_TOKEN);
    expect(inner.request).toMatchObject({ path: '/v1' });
  });

  it('can run twice, and copes with an error without config or response', () => {
    const error = axiosError(OWN, false);
    scrubAxiosError(error, 'Authorization', state);
    scrubAxiosError(error, 'Authorization', state);
    expect(error.request).toMatchObject({ path: '/v1' });
    const bare: Partial<AxiosError> = { message: 'network' };
    expect(() => scrubAxiosError(bare, 'Authorization', state)).not.toThrow();
  });

  it('leaves a non-configurable request as it is', () => {
    const error = axiosError(OWN, false);
    const request = error.request as unknown;
    Object.defineProperty(error, 'request', { value: request, enumerable: true, configurable: false });
    scrubAxiosError(error, 'Authorization', state);
    expect(error.request).toBe(request);
  });
});

describe('scrubAxiosError on a real Node request', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.statusCode = 401;
      res.setHeader('content-type', 'application/json');
      res.end('{"error":"invalid_token"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('leaves no token in the error, even inspected with showHidden', async () => {
    const error = await axios.get(url, { headers: { Authorization: OWN } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!axios.isAxiosError(error)) throw new Error('expected an axios error');
    expect(inspect(error, { showHidden: true, depth: Infinity })).toContain(ACCESS_TOKEN);
    scrubAxiosError(error, 'Authorization', state);
    for (const text of renderings(error)) expect(text).not.toContain(ACCESS_TOKEN);
    expect((error.request as { _header: string })._header).toContain(ACCESS_TOKEN);
    expect(error.response?.status).toBe(401);
  });
});

describe('scrubAxiosError on a streamed answer', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.statusCode = 403;
      res.end('forbidden');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("hides the body's request and socket too, and the body stays readable", async () => {
    const error = await axios.get(url, { headers: { Authorization: OWN }, responseType: 'stream' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!axios.isAxiosError(error)) throw new Error('expected an axios error');
    const body = error.response?.data as NodeJS.ReadableStream & { req?: { _header?: string } };
    expect(inspect(error, { depth: 4 })).toContain(ACCESS_TOKEN);
    scrubAxiosError(error, 'Authorization', state);
    for (const text of renderings(error)) expect(text).not.toContain(ACCESS_TOKEN);
    expect(body.req?._header).toContain(ACCESS_TOKEN);
    let text = '';
    for await (const chunk of body) text += String(chunk);
    expect(text).toBe('forbidden');
  });
});
