import { inspect } from 'node:util';
import axios, { type AxiosInstance } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { encodeBase64 } from '../src/base64.js';
import { TokenAuthConfigError, TokenRequestError } from '../src/errors.js';
import { gigachat, GIGACHAT_TOKEN_URL } from '../src/gigachat.js';

const CLIENT_ID = 'e5623627-bb8c-412c-94b7-a6998e8ef3a1';
const CLIENT_SECRET = '887d15a2-cb4f-4998-9591-5b26d62d3751';
const CREDENTIALS = encodeBase64(`${CLIENT_ID}:${CLIENT_SECRET}`);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let http: AxiosInstance;
let mock: MockAdapter;

beforeEach(() => {
  http = axios.create();
  mock = new MockAdapter(http);
  mock.onPost().reply(200, JSON.stringify({ access_token: 'giga', expires_at: Date.now() + 1_800_000 }), {
    'content-type': 'application/json',
  });
});

describe('the request', () => {
  it('posts scope with the authorization key as given, a v4 RqUID and Accept: application/json', async () => {
    const token = await gigachat({ credentials: CREDENTIALS, http }).fetchToken({});
    expect(token.accessToken).toBe('giga');
    const sent = mock.history.post[0]!;
    expect(sent.url).toBe(GIGACHAT_TOKEN_URL);
    expect(GIGACHAT_TOKEN_URL).toBe('https://ngw.devices.sberbank.ru:9443/api/v2/oauth');
    expect(sent.headers?.['Authorization']).toBe(`Basic ${CREDENTIALS}`);
    expect(sent.headers?.['RqUID']).toMatch(UUID_V4);
    expect(sent.headers?.['Accept']).toBe('application/json');
    expect(sent.headers?.['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(sent.data).toBe('scope=GIGACHAT_API_PERS');
  });

  it('sends a different RqUID per token request', async () => {
    const provider = gigachat({ credentials: CREDENTIALS, http });
    await provider.fetchToken({});
    await provider.fetchToken({});
    const [first, second] = mock.history.post.map((sent) => sent.headers?.['RqUID']);
    expect(first).toMatch(UUID_V4);
    expect(second).toMatch(UUID_V4);
    expect(first).not.toBe(second);
  });

  it('sends a fresh RqUID on each attempt, a retry after 503 too', async () => {
    mock.reset();
    mock
      .onPost()
      .replyOnce(503, '')
      .onPost()
      .reply(200, JSON.stringify({ access_token: 'giga', expires_at: Date.now() + 1_800_000 }));
    await gigachat({ credentials: CREDENTIALS, http, retry: { baseDelayMs: 1 } }).fetchToken({});
    const ids = mock.history.post.map((sent) => sent.headers?.['RqUID']);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(UUID_V4);
    expect(ids[1]).toMatch(UUID_V4);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('uses the scope, Bearer scheme and token URL given', async () => {
    await gigachat({
      credentials: CREDENTIALS,
      http,
      scope: 'GIGACHAT_API_CORP',
      authScheme: 'Bearer',
      tokenUrl: 'https://gigachat.example.com/oauth',
    }).fetchToken({});
    const sent = mock.history.post[0]!;
    expect(sent.url).toBe('https://gigachat.example.com/oauth');
    expect(sent.headers?.['Authorization']).toBe(`Bearer ${CREDENTIALS}`);
    expect(sent.data).toBe('scope=GIGACHAT_API_CORP');
  });

  it('encodes clientId and clientSecret into the authorization key', async () => {
    await gigachat({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, http }).fetchToken({});
    expect(mock.history.post[0]!.headers?.['Authorization']).toBe(`Basic ${CREDENTIALS}`);
  });

  it('sends an authorization key it cannot decode unchanged', async () => {
    const odd = 'not-base64-at-all!!';
    await gigachat({ credentials: odd, http }).fetchToken({});
    expect(mock.history.post[0]!.headers?.['Authorization']).toBe(`Basic ${odd}`);
  });

  it('reads the older {tok, exp} answer', async () => {
    const exp = Math.floor(Date.now() / 1000) + 1800;
    mock.reset();
    mock.onPost().reply(200, JSON.stringify({ tok: 'old', exp }), { 'content-type': 'application/json' });
    const token = await gigachat({ credentials: CREDENTIALS, http }).fetchToken({});
    expect(token).toMatchObject({ accessToken: 'old', expiresAt: exp * 1000 });
  });
});

describe('key', () => {
  it('names the client id decoded from the authorization key, never the secret', () => {
    const provider = gigachat({ credentials: CREDENTIALS });
    expect(provider.key).toBe(`gigachat:${GIGACHAT_TOKEN_URL}#${CLIENT_ID}#GIGACHAT_API_PERS`);
    expect(gigachat({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).key).toBe(provider.key);
    expect(gigachat({ credentials: CREDENTIALS, scope: 'GIGACHAT_API_B2B' }).key).toBe(
      `gigachat:${GIGACHAT_TOKEN_URL}#${CLIENT_ID}#GIGACHAT_API_B2B`,
    );
  });

  it('uses a fingerprint when the client id inside the key is not printable, and redacts the secret still', () => {
    const credentials = encodeBase64('id\twith tab:the-hidden-secret');
    const provider = gigachat({ credentials });
    expect(provider.key).toMatch(
      new RegExp(`^gigachat:${GIGACHAT_TOKEN_URL}#fp-[0-9a-f]{16}#GIGACHAT_API_PERS$`),
    );
  });

  it('uses a fingerprint when the key does not decode to id:secret', () => {
    for (const credentials of [
      'not-base64-at-all!!',
      encodeBase64('no colon here'),
      'ZTU2MjM2MjctYmI4Yy00MTJjLTk0Yjct232hNjk5OGU4ZWYzOjg4N2Q=',
    ]) {
      const provider = gigachat({ credentials });
      expect(provider.key).toMatch(
        new RegExp(`^gigachat:${GIGACHAT_TOKEN_URL}#fp-[0-9a-f]{16}#GIGACHAT_API_PERS$`),
      );
      expect(provider.key).not.toContain(credentials);
      expect(provider.key).toBe(gigachat({ credentials }).key);
    }
    expect(gigachat({ credentials: 'aaaa-1' }).key).not.toBe(gigachat({ credentials: 'aaaa-2' }).key);
  });

  it('never shows the key or secret on the provider object', () => {
    for (const provider of [
      gigachat({ credentials: CREDENTIALS }),
      gigachat({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    ]) {
      const shown = JSON.stringify(provider) + inspect(provider, { showHidden: true, depth: Infinity });
      expect(shown).not.toContain(CREDENTIALS);
      expect(shown).not.toContain(CLIENT_SECRET);
    }
  });
});

describe('errors', () => {
  it('maps 400 {code: 1, message} and leaks no authorization key', async () => {
    mock.reset();
    mock
      .onPost()
      .reply(400, JSON.stringify({ code: 1, message: `scope data format invalid ${CREDENTIALS}` }), {
        'content-type': 'application/json',
      });
    const error = (await gigachat({ credentials: CREDENTIALS, http })
      .fetchToken({})
      .catch((e: unknown) => e)) as TokenRequestError;
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 400, code: '1' });
    expect(error.description).toBe('scope data format invalid [REDACTED]');
    const dumps = [
      JSON.stringify(error),
      String(error),
      error.stack,
      inspect(error, { depth: Infinity, showHidden: true }),
      inspect(error.cause, { depth: Infinity, showHidden: true }),
      error.response?.body,
    ].join('\n');
    expect(dumps).not.toContain(CREDENTIALS);
  });

  it('leaks no custom header that carries a credential, and keeps the others', async () => {
    mock.reset();
    mock
      .onPost()
      .reply((config) => [
        400,
        JSON.stringify({ code: 7, message: `refused ${JSON.stringify(config.headers)}` }),
        { 'content-type': 'application/json' },
      ]);
    const headers = { 'X-Session-Id': 'session-4f9c0b2e', 'X-Client-Name': 'billing-bot' };
    const error = (await gigachat({ credentials: CREDENTIALS, headers, http })
      .fetchToken({})
      .catch((e: unknown) => e)) as TokenRequestError;
    expect(error.description).toContain('billing-bot');
    expect(error.description).not.toContain('session-4f9c0b2e');
    expect(error.description).not.toContain(CREDENTIALS);
  });

  it.each([
    ['the decoded secret', CLIENT_SECRET],
    ['the decoded id:secret', `${CLIENT_ID}:${CLIENT_SECRET}`],
  ])('redacts %s when a server echoes it for a key given as credentials', async (_, echoed) => {
    mock.reset();
    mock.onPost().reply(401, JSON.stringify({ code: 7, message: `bad ${echoed}` }));
    const error = (await gigachat({ credentials: CREDENTIALS, http })
      .fetchToken({})
      .catch((e: unknown) => e)) as TokenRequestError;
    expect(error).toBeInstanceOf(TokenRequestError);
    const dumps = [
      JSON.stringify(error),
      error.stack,
      inspect(error, { depth: Infinity, showHidden: true }),
      error.response?.body,
    ].join('\n');
    expect(dumps).toContain('[REDACTED]');
    expect(dumps).not.toContain(CLIENT_SECRET);
  });

  it('redacts the client secret when built from id and secret', async () => {
    mock.reset();
    mock.onPost().reply(401, JSON.stringify({ code: 7, message: `bad ${CLIENT_SECRET}` }));
    const error = (await gigachat({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, http })
      .fetchToken({})
      .catch((e: unknown) => e)) as TokenRequestError;
    expect(error.message).not.toContain(CLIENT_SECRET);
    expect(error.description).toBe('bad [REDACTED]');
  });
});

describe('validation', () => {
  it.each([
    [{}, /credentials/],
    [{ credentials: '' }, /credentials/],
    [{ credentials: '  ' }, /credentials/],
    [{ credentials: '\n' }, /credentials/],
    [{ credentials: 42 }, /credentials/],
    [{ credentials: 'abcd', tokenUrl: 'https://u:p4ss@giga.example.com/oauth' }, /user name or password/],
    [{ clientId: 'a' }, /clientSecret/],
    [{ clientSecret: 'a' }, /clientId/],
    [{ credentials: CREDENTIALS, authScheme: 'Digest' }, /authScheme/],
    [{ credentials: CREDENTIALS, tokenUrl: '/relative' }, /tokenUrl/],
  ])('rejects %o', (options, message) => {
    const create = (): unknown => gigachat(options as never);
    expect(create).toThrow(TokenAuthConfigError);
    expect(create).toThrow(message);
  });
});

it('refuses a call without options, or with string headers, as a TokenAuthConfigError', () => {
  expect(() => gigachat(undefined as never)).toThrow(TokenAuthConfigError);
  expect(() => gigachat(undefined as never)).toThrow(/options object/);
  expect(() =>
    gigachat({ customerKey: 'acme', clientId: 'c', clientSecret: 's', headers: 'X-A: b' } as never),
  ).toThrow(/headers/);
});
