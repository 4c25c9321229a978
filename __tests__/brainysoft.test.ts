import axios, { type AxiosInstance } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { brainysoft } from '../src/brainysoft.js';
import { TokenAuthConfigError } from '../src/errors.js';

const SECRET = '6jsHY5+secret/with=chars';
let http: AxiosInstance;
let mock: MockAdapter;

beforeEach(() => {
  http = axios.create();
  mock = new MockAdapter(http);
  mock.onPost().reply(
    200,
    JSON.stringify({
      access_token: 'bs',
      token_type: 'Bearer',
      expires_in: 299,
      scope: 'core_basic',
      sessid: 'd7',
    }),
    { 'content-type': 'application/json' },
  );
});

it('posts the credentials in the form body to the customer host by default', async () => {
  const token = await brainysoft({
    customerKey: 'acme-1',
    clientId: 'f81f7fb9',
    clientSecret: SECRET,
    http,
  }).fetchToken({});
  expect(token).toMatchObject({ accessToken: 'bs', scope: 'core_basic', raw: { sessid: 'd7' } });
  const sent = mock.history.post[0]!;
  expect(sent.url).toBe('https://acme-1-auth.brainysoft.ru/oauth/token');
  expect(sent.headers?.['Authorization']).toBeUndefined();
  expect(Object.fromEntries(new URLSearchParams(String(sent.data)))).toEqual({
    grant_type: 'client_credentials',
    client_id: 'f81f7fb9',
    client_secret: SECRET,
  });
});

it('puts everything in the query string with client_secret_query', async () => {
  await brainysoft({
    customerKey: 'acme',
    clientId: 'f81f7fb9',
    clientSecret: SECRET,
    http,
    authMethod: 'client_secret_query',
  }).fetchToken({});
  const sent = mock.history.post[0]!;
  const url = new URL(sent.url!);
  expect(url.origin + url.pathname).toBe('https://acme-auth.brainysoft.ru/oauth/token');
  expect(Object.fromEntries(url.searchParams)).toEqual({
    grant_type: 'client_credentials',
    client_id: 'f81f7fb9',
    client_secret: SECRET,
  });
  expect(sent.data).toBe('');
});

it('accepts a tokenUrl instead of a customer key', async () => {
  const provider = brainysoft({
    tokenUrl: 'https://auth.example.com/oauth/token',
    clientId: 'c',
    clientSecret: SECRET,
    http,
  });
  await provider.fetchToken({});
  expect(mock.history.post[0]!.url).toBe('https://auth.example.com/oauth/token');
  expect(provider.key).not.toContain(SECRET);
  expect(provider.key).toContain('https://auth.example.com/oauth/token');
});

it.each(['Acme', 'acme.evil.com/x', '-acme', 'acme_1', 'a b', ''])(
  'refuses the customer key %p',
  (customerKey) => {
    expect(() => brainysoft({ customerKey, clientId: 'c', clientSecret: 's' })).toThrow(TokenAuthConfigError);
  },
);

it('requires a customer key or a token URL, and the credentials', () => {
  expect(() => brainysoft({ clientId: 'c', clientSecret: 's' } as never)).toThrow(/customerKey.*tokenUrl/);
  expect(() => brainysoft({ customerKey: 'acme', clientId: 'c' } as never)).toThrow(/clientSecret/);
  expect(() =>
    brainysoft({
      customerKey: 'acme',
      clientId: 'c',
      clientSecret: 's',
      authMethod: 'client_secret_basic',
    } as never),
  ).toThrow(/authMethod/);
});

it('refuses a call without options, or with string headers, as a TokenAuthConfigError', () => {
  expect(() => brainysoft(undefined as never)).toThrow(TokenAuthConfigError);
  expect(() => brainysoft(undefined as never)).toThrow(/options object/);
  expect(() =>
    brainysoft({ customerKey: 'acme', clientId: 'c', clientSecret: 's', headers: 'X-A: b' } as never),
  ).toThrow(/headers/);
});
