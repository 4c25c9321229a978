import axios, { type AxiosInstance } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { BANK_OF_GEORGIA_TOKEN_URL, bankOfGeorgia } from '../src/bank-of-georgia.js';
import { TokenAuthConfigError } from '../src/errors.js';

let http: AxiosInstance;
let mock: MockAdapter;

beforeEach(() => {
  http = axios.create();
  mock = new MockAdapter(http);
});

it('sends HTTP Basic and grant_type only, as the documentation example', async () => {
  const expiresAt = Date.now() + 600_000;
  mock
    .onPost()
    .reply(200, JSON.stringify({ access_token: 'bog', token_type: 'Bearer', expires_in: expiresAt }), {
      'content-type': 'application/json',
    });
  const token = await bankOfGeorgia({
    clientId: '8282',
    clientSecret: '769706499f0709e234845863f98b2314',
    http,
  }).fetchToken({});
  // `expires_in` holding an epoch in ms is read as one.
  expect(token).toMatchObject({ accessToken: 'bog', expiresAt });
  const sent = mock.history.post[0]!;
  expect(sent.url).toBe('https://oauth2.bog.ge/auth/realms/bog/protocol/openid-connect/token');
  expect(sent.url).toBe(BANK_OF_GEORGIA_TOKEN_URL);
  expect(sent.headers?.['Authorization']).toBe('Basic ODI4Mjo3Njk3MDY0OTlmMDcwOWUyMzQ4NDU4NjNmOThiMjMxNA==');
  expect(sent.data).toBe('grant_type=client_credentials');
});

it('accepts a tokenUrl override and raw Basic encoding', async () => {
  mock.onPost().reply(200, JSON.stringify({ access_token: 'bog', expires_in: 60 }));
  await bankOfGeorgia({
    clientId: 'id',
    clientSecret: 'a+b',
    http,
    tokenUrl: 'https://kc.example.com/token',
    basicEncoding: 'raw',
  }).fetchToken({});
  expect(mock.history.post[0]!.url).toBe('https://kc.example.com/token');
  expect(mock.history.post[0]!.headers?.['Authorization']).toBe(`Basic ${btoa('id:a+b')}`);
});

it('refuses a call without options, or with string headers, as a TokenAuthConfigError', () => {
  expect(() => bankOfGeorgia(undefined as never)).toThrow(TokenAuthConfigError);
  expect(() => bankOfGeorgia(undefined as never)).toThrow(/options object/);
  expect(() =>
    bankOfGeorgia({ customerKey: 'acme', clientId: 'c', clientSecret: 's', headers: 'X-A: b' } as never),
  ).toThrow(/headers/);
});
