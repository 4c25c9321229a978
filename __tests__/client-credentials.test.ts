import { inspect } from 'node:util';
import axios, { AxiosHeaders, type AxiosInstance } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { basicCredentials, clientCredentials } from '../src/client-credentials.js';
import { TokenAuthConfigError, TokenRequestError } from '../src/errors.js';
import { TokenManager } from '../src/token-manager.js';

const TOKEN_URL = 'https://auth.example.com/realms/x/token';
const ID = 'my:client %+ id é';
const SECRET = 'p@ss:w%rd+ with space/é';
const okBody = JSON.stringify({ access_token: 'at', token_type: 'Bearer', expires_in: 300 });

let http: AxiosInstance;
let mock: MockAdapter;

beforeEach(() => {
  http = axios.create();
  mock = new MockAdapter(http);
  mock.onPost().reply(200, okBody, { 'content-type': 'application/json' });
});

function decodeBasic(header: unknown): string {
  const value = String(header);
  expect(value).toMatch(/^Basic [A-Za-z0-9+/]+=*$/);
  return new TextDecoder().decode(Uint8Array.from(atob(value.slice(6)), (c) => c.charCodeAt(0)));
}

function form(data: unknown): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(String(data)));
}

describe('fetchToken', () => {
  it('can be called without a context, as plain JavaScript may', async () => {
    const provider = clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'id', clientSecret: SECRET, http });
    const untyped = provider.fetchToken as (context?: object) => Promise<unknown>;
    await expect(untyped()).resolves.toMatchObject({ accessToken: 'at' });
  });
});

describe('client_secret_basic (default)', () => {
  it('form-encodes id and secret before base64 (RFC 6749 §2.3.1)', async () => {
    await clientCredentials({ tokenUrl: TOKEN_URL, clientId: ID, clientSecret: SECRET, http }).fetchToken({});
    const sent = mock.history.post[0]!;
    expect(decodeBasic(sent.headers?.['Authorization'])).toBe(
      'my%3Aclient+%25%2B+id+%C3%A9:p%40ss%3Aw%25rd%2B+with+space%2F%C3%A9',
    );
    expect(sent.data).toBe('grant_type=client_credentials');
    expect(sent.url).toBe(TOKEN_URL);
  });

  it("sends id and secret as they are with basicEncoding: 'raw' (UTF-8)", async () => {
    const provider = clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: 'id',
      clientSecret: SECRET,
      http,
      basicEncoding: 'raw',
    });
    await provider.fetchToken({});
    expect(decodeBasic(mock.history.post[0]!.headers?.['Authorization'])).toBe(`id:${SECRET}`);
  });

  it('matches the Bank of Georgia documentation example for plain values', () => {
    expect(basicCredentials('8282', '769706499f0709e234845863f98b2314', 'rfc6749')).toBe(
      'ODI4Mjo3Njk3MDY0OTlmMDcwOWUyMzQ4NDU4NjNmOThiMjMxNA==',
    );
  });

  it('adds scope (array joined by spaces), audience, extra params and headers', async () => {
    await clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: ID,
      clientSecret: SECRET,
      http,
      scope: ['read', 'write:all'],
      audience: 'https://api.example.com',
      extraParams: { resource: 'urn:r', tenant: 't 1' },
      headers: { 'X-Request-Source': 'tests' },
    }).fetchToken({});
    const sent = mock.history.post[0]!;
    expect(form(sent.data)).toEqual({
      grant_type: 'client_credentials',
      scope: 'read write:all',
      audience: 'https://api.example.com',
      resource: 'urn:r',
      tenant: 't 1',
    });
    expect(sent.data).toContain('scope=read+write%3Aall');
    expect(sent.headers?.['X-Request-Source']).toBe('tests');
    expect(sent.headers?.['Content-Type']).toBe('application/x-www-form-urlencoded');
  });
});

describe('an endpoint that echoes the request in its error', () => {
  it('shows no extra parameter or header that carries a credential, and keeps the others', async () => {
    const assertion = 'eyJhbGciOiJSUzI1NiJ9.assertion-claims.signature-part';
    const apiKey = 'gateway-api-key-0123';
    mock.onPost().reply((config) => [
      400,
      {
        error: 'invalid_request',
        error_description: `refused ${String(config.data)} with ${JSON.stringify(config.headers)}`,
      },
    ]);
    const provider = clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: 'id',
      clientSecret: SECRET,
      extraParams: { client_assertion: assertion, resource: 'https://graph.example.com' },
      headers: { 'X-Api-Key': apiKey, 'X-Tenant': 'tenant-blue' },
      retry: false,
      http,
    });
    const error: unknown = await provider.fetchToken({}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenRequestError);
    const shown = `${String(error)} ${inspect(error, { depth: Infinity })} ${JSON.stringify(error)}`;
    expect(shown).toContain('[REDACTED]');
    for (const secret of [assertion, encodeURIComponent(assertion), apiKey])
      expect(shown).not.toContain(secret);
    expect(shown).toContain('tenant-blue');
    expect(shown).toContain(encodeURIComponent('https://graph.example.com'));
  });
});

describe('client_secret_post', () => {
  it('puts id and secret in the form body, nothing in Authorization', async () => {
    await clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: ID,
      clientSecret: SECRET,
      http,
      authMethod: 'client_secret_post',
      scope: 'a',
    }).fetchToken({});
    const sent = mock.history.post[0]!;
    expect(sent.headers?.['Authorization']).toBeUndefined();
    expect(sent.data).toBe(
      'grant_type=client_credentials&client_id=my%3Aclient+%25%2B+id+%C3%A9' +
        '&client_secret=p%40ss%3Aw%25rd%2B+with+space%2F%C3%A9&scope=a',
    );
    expect(form(sent.data)).toEqual({
      grant_type: 'client_credentials',
      client_id: ID,
      client_secret: SECRET,
      scope: 'a',
    });
  });
});

describe('client_secret_query', () => {
  it('puts every parameter in the query string and sends an empty body', async () => {
    await clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: ID,
      clientSecret: SECRET,
      http,
      authMethod: 'client_secret_query',
      scope: ['a', 'b'],
      audience: 'aud',
      extraParams: { x: '1' },
    }).fetchToken({});
    const sent = mock.history.post[0]!;
    const url = new URL(sent.url!);
    expect(`${url.origin}${url.pathname}`).toBe(TOKEN_URL);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      grant_type: 'client_credentials',
      client_id: ID,
      client_secret: SECRET,
      scope: 'a b',
      audience: 'aud',
      x: '1',
    });
    expect(sent.data).toBe('');
    expect(sent.headers?.['Authorization']).toBeUndefined();
  });
});

describe('lifetime cap', () => {
  const DAY = 86_400_000;
  const threeDays = JSON.stringify({ access_token: 'long', token_type: 'Bearer', expires_in: 3 * 86_400 });

  it("believes lifetimes up to the manager's maxTtlMs, above the 24 h default", async () => {
    mock.reset();
    mock.onPost().reply(200, threeDays, { 'content-type': 'application/json' });
    const provider = clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'cid', clientSecret: SECRET, http });
    const manager = new TokenManager({ maxTtlMs: 7 * DAY });
    const before = Date.now();
    const token = await manager.getToken(provider);
    manager.dispose();
    expect(token.expiresAt! - before).toBeGreaterThan(2.9 * DAY);
    // Asked directly, the provider keeps the 24 h default.
    const direct = await provider.fetchToken({});
    expect(direct.expiresAt! - Date.now()).toBeLessThanOrEqual(DAY);
  });
});

describe('key', () => {
  it('is derived from tokenUrl, clientId, scope and audience, never the secret', () => {
    const provider = clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: 'cid',
      clientSecret: SECRET,
      scope: ['a', 'b'],
      audience: 'aud',
    });
    expect(provider.key).toBe(`client_credentials:${TOKEN_URL}#cid#a b#aud`);
    expect(provider.key).not.toContain(SECRET);
    expect(clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'cid', clientSecret: 'x1234' }).key).toBe(
      clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'cid', clientSecret: 'y5678' }).key,
    );
    expect(
      clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'cid', clientSecret: SECRET, scope: 'c' }).key,
    ).not.toBe(provider.key);
  });

  it('tells apart providers that differ only in extraParams, without spelling them out', () => {
    const base = { tokenUrl: TOKEN_URL, clientId: 'cid', clientSecret: SECRET };
    const orders = clientCredentials({ ...base, extraParams: { resource: 'https://orders' } });
    const billing = clientCredentials({ ...base, extraParams: { resource: 'https://billing' } });
    expect(orders.key).not.toBe(billing.key);
    expect(orders.key).not.toBe(clientCredentials(base).key);
    expect(orders.key).not.toContain('orders');
    expect(clientCredentials({ ...base, extraParams: { a: '1', b: '2' } }).key).toBe(
      clientCredentials({ ...base, extraParams: { b: '2', a: '1' } }).key,
    );
    expect(clientCredentials({ ...base, extraParams: {} }).key).toBe(`client_credentials:${TOKEN_URL}#cid##`);
  });

  it('redacts a secret that the URL itself carries', () => {
    const provider = clientCredentials({
      tokenUrl: `${TOKEN_URL}?k=supersecret`,
      clientId: 'cid',
      clientSecret: 'supersecret',
    });
    expect(provider.key).not.toContain('supersecret');
  });

  it('names a query string of the URL by a fingerprint: a gateway key there is no part of the key', () => {
    const key = (tokenUrl: string): string =>
      clientCredentials({ tokenUrl, clientId: 'cid', clientSecret: 's1234' }).key;
    const withCode = key(`${TOKEN_URL}?code=fn-key-0123456789`);
    expect(withCode).not.toContain('fn-key');
    expect(withCode).toMatch(/\?fp-[0-9a-f]{16}#cid##$/);
    expect(withCode).not.toBe(key(`${TOKEN_URL}?code=another-key-987`));
    expect(key(TOKEN_URL)).toBe(`client_credentials:${TOKEN_URL}#cid##`);
  });

  it('keeps settings apart that would join alike: # and % in a part are escaped', () => {
    const first = clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: 'app#read',
      clientSecret: 's',
      scope: 'x',
    });
    const second = clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: 'app',
      clientSecret: 's',
      scope: 'read#x',
    });
    expect(first.key).not.toBe(second.key);
    expect(first.key).toBe(`client_credentials:${TOKEN_URL}#app%23read#x#`);
    expect(clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'a%23b', clientSecret: 's' }).key).not.toBe(
      clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'a#b', clientSecret: 's' }).key,
    );
  });

  it('can be set', () => {
    expect(
      clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's', key: 'mine' }).key,
    ).toBe('mine');
  });
});

describe('the provider object', () => {
  it('never shows the secret', () => {
    const provider = clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: 'cid',
      clientSecret: SECRET,
      authMethod: 'client_secret_post',
    });
    const basic = clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'cid', clientSecret: SECRET });
    for (const p of [provider, basic]) {
      const shown = [
        JSON.stringify(p),
        inspect(p, { depth: Infinity, showHidden: true }),
        String(Object.values(p)),
        JSON.stringify(Object.entries(Object.getOwnPropertyDescriptors(p)).map(([k]) => k)),
      ].join('\n');
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain(basicCredentials('cid', SECRET, 'rfc6749'));
    }
    expect(JSON.parse(JSON.stringify(provider))).toEqual({ key: provider.key });
    expect(Object.isFrozen(provider)).toBe(true);
  });

  it('sends through a private instance: interceptors of the global axios never run', async () => {
    const globalMock = new MockAdapter(axios);
    globalMock.onPost().reply(200, okBody);
    const interceptor = jest.fn((config) => config);
    const id = axios.interceptors.request.use(interceptor);
    try {
      await clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's' }).fetchToken({});
      expect(globalMock.history.post).toHaveLength(1);
      expect(interceptor).not.toHaveBeenCalled();
    } finally {
      axios.interceptors.request.eject(id);
      globalMock.restore();
    }
  });

  it('never sends an Authorization the app set on the global axios defaults to the token endpoint', async () => {
    const globalMock = new MockAdapter(axios);
    globalMock.onPost().reply(200, okBody);
    axios.defaults.headers.common.Authorization = 'Bearer app-session';
    axios.defaults.headers.post['authorization'] = 'Bearer app-post';
    try {
      await clientCredentials({
        tokenUrl: TOKEN_URL,
        clientId: 'c',
        clientSecret: 's',
        authMethod: 'client_secret_post',
      }).fetchToken({});
      const sent = AxiosHeaders.from(globalMock.history.post[0]?.headers as AxiosHeaders);
      expect(sent.get('Authorization')).toBeUndefined();
      expect(axios.defaults.headers.common.Authorization).toBe('Bearer app-session');
    } finally {
      delete axios.defaults.headers.common.Authorization;
      delete axios.defaults.headers.post['authorization'];
      globalMock.restore();
    }
  });

  it('creates its instance from an http config once, when the provider is made, not per token request', async () => {
    const create = jest.spyOn(axios, 'create').mockImplementation(() => http);
    try {
      const provider = clientCredentials({
        tokenUrl: TOKEN_URL,
        clientId: 'c',
        clientSecret: 's',
        http: { timeout: 1 },
      });
      expect(create).toHaveBeenCalledTimes(1);
      expect(create).toHaveBeenCalledWith({ timeout: 1 });
      await provider.fetchToken({});
      await provider.fetchToken({});
      expect(create).toHaveBeenCalledTimes(1);
    } finally {
      create.mockRestore();
    }
  });

  it('uses timeoutMs (default 10 000)', async () => {
    await clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's', http }).fetchToken({});
    await clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: 'c',
      clientSecret: 's',
      http,
      timeoutMs: 2500,
    }).fetchToken({});
    expect(mock.history.post.map((sent) => sent.timeout)).toEqual([10_000, 2500]);
  });

  it('returns the parsed token', async () => {
    const token = await clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: 'c',
      clientSecret: 's',
      http,
    }).fetchToken({});
    expect(token).toMatchObject({ accessToken: 'at', tokenType: 'Bearer', raw: { expires_in: 300 } });
  });

  it('passes retry options on', async () => {
    mock.reset();
    mock.onPost().reply(500);
    const error = await clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: 'c',
      clientSecret: 's',
      http,
      retry: false,
    })
      .fetchToken({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(mock.history.post).toHaveLength(1);
  });
});

describe('validation', () => {
  it.each([
    [{ clientId: 'c', clientSecret: 's' }, /tokenUrl/],
    [{ tokenUrl: 'relative/path', clientId: 'c', clientSecret: 's' }, /tokenUrl.*absolute/],
    [
      { tokenUrl: 'https://user:pa55word@idp.example.com/token', clientId: 'c', clientSecret: 's' },
      /user name or password/,
    ],
    [
      { tokenUrl: 'https://user@idp.example.com/token', clientId: 'c', clientSecret: 's' },
      /user name or password/,
    ],
    [{ tokenUrl: TOKEN_URL, clientSecret: 's' }, /clientId/],
    [{ tokenUrl: TOKEN_URL, clientId: 'c' }, /clientSecret/],
    [{ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: '' }, /clientSecret/],
    [{ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's', authMethod: 'private_key_jwt' }, /authMethod/],
    [{ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's', basicEncoding: 'utf8' }, /basicEncoding/],
    [{ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's', timeoutMs: 0 }, /timeoutMs/],
    [{ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's', retry: { attempts: 0 } }, /attempts/],
    [{ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's', scope: 5 }, /scope/],
    [{ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's', scope: ['read', 5] }, /scope/],
    [{ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's', audience: 5 }, /audience/],
    [{ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's', extraParams: 'resource=x' }, /extraParams/],
    [{ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's', headers: 'X-Tenant: a' }, /headers/],
    [{ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's', key: 5 }, /key/],
    [{ tokenUrl: TOKEN_URL, clientId: 'c', clientSecret: 's', key: '' }, /key/],
    [undefined, /options object/],
  ])('rejects %o eagerly', (options, message) => {
    const create = (): unknown => clientCredentials(options as never);
    expect(create).toThrow(TokenAuthConfigError);
    expect(create).toThrow(message);
  });

  it('names no part of a URL it refuses for its credentials', () => {
    let error: unknown;
    try {
      clientCredentials({
        tokenUrl: 'https://user:pa55word@idp.example.com/token',
        clientId: 'c',
        clientSecret: 's',
      });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(TokenAuthConfigError);
    expect(inspect(error, { showHidden: true, depth: Infinity })).not.toContain('pa55word');
  });

  it('refuses an http URL only when fetching, before sending', async () => {
    const provider = clientCredentials({
      tokenUrl: 'http://auth.example.com/token',
      clientId: 'c',
      clientSecret: 's',
      http,
    });
    await expect(provider.fetchToken({})).rejects.toMatchObject({
      name: 'TokenRequestError',
      code: 'insecure_token_url',
    });
    expect(mock.history.post).toHaveLength(0);
  });

  it('allows loopback http', async () => {
    const provider = clientCredentials({
      tokenUrl: 'http://127.0.0.1:4000/token',
      clientId: 'c',
      clientSecret: 's',
      http,
    });
    await expect(provider.fetchToken({})).resolves.toMatchObject({ accessToken: 'at' });
  });
});
