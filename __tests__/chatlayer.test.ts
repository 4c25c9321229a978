import axios, { type AxiosInstance } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { CHATLAYER_TOKEN_URL, chatlayer } from '../src/chatlayer.js';
import { TokenAuthConfigError } from '../src/errors.js';

let http: AxiosInstance;
let mock: MockAdapter;

beforeEach(() => {
  http = axios.create();
  mock = new MockAdapter(http);
  mock
    .onPost()
    .reply(
      200,
      JSON.stringify({ access_token: 'cl', expires_in: 300, refresh_expires_in: 0, token_type: 'Bearer' }),
      { 'content-type': 'application/json' },
    );
});

it("posts the credentials in the form body to Chatlayer's Keycloak realm", async () => {
  const now = Date.now();
  const token = await chatlayer({
    clientId: 'your-client-id',
    clientSecret: 'your-client-secret',
    http,
  }).fetchToken({});
  expect(token.accessToken).toBe('cl');
  expect(token.expiresAt).toBeGreaterThanOrEqual(now + 300_000);
  const sent = mock.history.post[0]!;
  expect(sent.url).toBe(
    'https://auth.prod.europe-west1.gc.chatlayer.ai/auth/realms/Chatlayer/protocol/openid-connect/token',
  );
  expect(sent.url).toBe(CHATLAYER_TOKEN_URL);
  expect(sent.headers?.['Authorization']).toBeUndefined();
  expect(sent.data).toBe(
    'grant_type=client_credentials&client_id=your-client-id&client_secret=your-client-secret',
  );
});

it('accepts a tokenUrl override and the shared options', async () => {
  const provider = chatlayer({
    clientId: 'c',
    clientSecret: 'secret-value',
    http,
    tokenUrl: 'https://kc.example.com/token',
    scope: 'public_api',
  });
  await provider.fetchToken({});
  expect(mock.history.post[0]!.url).toBe('https://kc.example.com/token');
  expect(mock.history.post[0]!.data).toContain('&scope=public_api');
  expect(provider.key).not.toContain('secret-value');
});

it('refuses a call without options, or with string headers, as a TokenAuthConfigError', () => {
  expect(() => chatlayer(undefined as never)).toThrow(TokenAuthConfigError);
  expect(() => chatlayer(undefined as never)).toThrow(/options object/);
  expect(() =>
    chatlayer({ customerKey: 'acme', clientId: 'c', clientSecret: 's', headers: 'X-A: b' } as never),
  ).toThrow(/headers/);
});
