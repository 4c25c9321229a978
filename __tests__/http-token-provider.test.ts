import { inspect } from 'node:util';
import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createHttpTokenProvider, requireString, requireUrl } from '../src/http-token-provider.js';

const TOKEN_URL = 'https://auth.example.com/token';
const SECRET = 'client-secret-value';

function setup(options: Parameters<typeof createHttpTokenProvider>[1] = {}) {
  const http = axios.create();
  const mock = new MockAdapter(http);
  const build = jest.fn(() => ({
    tokenUrl: TOKEN_URL,
    body: new URLSearchParams({ grant_type: 'client_credentials', client_secret: SECRET }),
    secrets: [SECRET],
  }));
  const provider = createHttpTokenProvider('client-credentials:test', { http, ...options }, build);
  return { provider, mock, build };
}

describe('createHttpTokenProvider', () => {
  it('sends the request build returns and reads the token from the answer', async () => {
    const { provider, mock, build } = setup();
    mock.onPost(TOKEN_URL).reply(200, { access_token: 'abc', token_type: 'bearer', expires_in: 60 });
    await expect(provider.fetchToken({})).resolves.toMatchObject({ accessToken: 'abc', tokenType: 'Bearer' });
    expect(build).toHaveBeenCalledTimes(1);
    const [sent] = mock.history.post;
    expect(sent?.data).toBe(`grant_type=client_credentials&client_secret=${SECRET}`);
    expect(sent?.headers?.['Content-Type']).toBe('application/x-www-form-urlencoded');
  });

  it('builds the request again for every fetch', async () => {
    const { provider, mock, build } = setup();
    mock.onPost(TOKEN_URL).reply(200, { access_token: 'abc', expires_in: 60 });
    await provider.fetchToken({});
    await provider.fetchToken({});
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('caps the lifetime at the maxTtlMs it is handed', async () => {
    const { provider, mock } = setup();
    mock.onPost(TOKEN_URL).reply(200, { access_token: 'abc', expires_in: 3600 });
    const before = Date.now();
    const token = await provider.fetchToken({ maxTtlMs: 60_000 });
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it("rejects with the signal's reason when its signal aborts, sending nothing after", async () => {
    const { provider, mock } = setup();
    mock.onPost(TOKEN_URL).reply(200, { access_token: 'abc', expires_in: 60 });
    const controller = new AbortController();
    const reason = new Error('caller left');
    controller.abort(reason);
    await expect(provider.fetchToken({ signal: controller.signal })).rejects.toBe(reason);
    expect(mock.history.post).toHaveLength(0);
  });

  it('fails as a TokenRequestError naming the key, never the secret', async () => {
    const { provider, mock } = setup({ retry: false });
    mock.onPost(TOKEN_URL).reply(401, { error: 'invalid_client', error_description: `bad ${SECRET}` });
    const error: unknown = await provider.fetchToken({}).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'TokenRequestError', code: 'invalid_client' });
    expect(String(error)).toContain('client-credentials:test');
    expect(inspect(error, { depth: Infinity })).not.toContain(SECRET);
  });

  it('shows its key only: frozen, and the secret stays out of JSON and util.inspect', () => {
    const { provider } = setup();
    expect(Object.isFrozen(provider)).toBe(true);
    expect(JSON.parse(JSON.stringify(provider))).toEqual({ key: 'client-credentials:test' });
    expect(Object.keys(provider)).toEqual(['key', 'fetchToken']);
    expect(inspect(provider, { depth: Infinity, showHidden: true })).not.toContain(SECRET);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses timeoutMs %p', (timeoutMs) => {
    expect(() => setup({ timeoutMs })).toThrow(
      expect.objectContaining({ code: 'invalid_options', message: expect.stringMatching(/timeoutMs/) }),
    );
  });
});

describe('requireString', () => {
  it('returns a non-empty string and refuses anything else, naming the option', () => {
    expect(requireString('abc', 'clientId', 'clientCredentials')).toBe('abc');
    for (const value of ['', undefined, null, 42, {}]) {
      expect(() => requireString(value, 'clientId', 'clientCredentials')).toThrow(
        expect.objectContaining({
          code: 'invalid_options',
          message: 'clientCredentials: `clientId` is required (a non-empty string)',
        }),
      );
    }
  });
});

describe('requireUrl', () => {
  it('returns an absolute URL as given', () => {
    for (const url of [TOKEN_URL, 'http://127.0.0.1:8080/token?realm=a', 'https://[::1]/token']) {
      expect(requireUrl(url, 'tokenUrl', 'clientCredentials')).toBe(url);
    }
  });

  it('refuses a relative or malformed URL', () => {
    for (const url of ['/token', 'auth.example.com/token', 'https://']) {
      expect(() => requireUrl(url, 'tokenUrl', 'clientCredentials')).toThrow(
        expect.objectContaining({ message: 'clientCredentials: `tokenUrl` must be an absolute URL' }),
      );
    }
  });

  it('refuses a URL carrying a user name or password, without echoing it', () => {
    for (const url of ['https://user:pass@auth.example.com/token', 'https://user@auth.example.com/token']) {
      const error: unknown = (() => {
        try {
          requireUrl(url, 'tokenUrl', 'clientCredentials');
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toMatchObject({
        code: 'invalid_options',
        message: expect.stringMatching(/user name or password/),
      });
      expect(String((error as Error).message)).not.toContain('pass@');
    }
  });
});
