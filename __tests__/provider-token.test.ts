import { inspect } from 'node:util';
import { AxiosError, AxiosHeaders } from 'axios';
import { TokenRequestError } from '../src/errors.js';
import { boundedLifetime, checkProviderToken, providerFailure } from '../src/provider-token.js';
import { expectTokenRequestError } from './support/expect-token-request-error.js';

const failure = (answer: unknown): Promise<TokenRequestError> =>
  expectTokenRequestError(Promise.resolve().then(() => checkProviderToken(answer, 'custom-key')));

describe('checkProviderToken', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'at-1'],
    ['no accessToken', { tokenType: 'Bearer', expiresAt: null, raw: {} }],
    ['an empty accessToken', { accessToken: '', expiresAt: null, raw: {} }],
    ['a numeric accessToken', { accessToken: 42, expiresAt: null, raw: {} }],
  ])('refuses %s as invalid_token_response, naming the provider key', async (_, answer) => {
    const error = await failure(answer);
    expect(error.code).toBe('invalid_token_response');
    expect(error.providerKey).toBe('custom-key');
    expect(error.description).toBe('the provider returned no access token');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, '2030-01-01'])(
    'refuses expiresAt %p without quoting the token',
    async (expiresAt) => {
      const error = await failure({ accessToken: 'secret-at-1', expiresAt, raw: {} });
      expect(error.code).toBe('invalid_token_response');
      expect(error.description).toBe('the provider returned a token with an invalid expiresAt');
      expect(`${error.message} ${inspect(error)} ${JSON.stringify(error)}`).not.toContain('secret-at-1');
    },
  );

  it('completes a missing or empty tokenType with Bearer and a missing expiresAt with null', () => {
    expect(checkProviderToken({ accessToken: 'at-1', raw: {} }, 'k')).toEqual({
      accessToken: 'at-1',
      tokenType: 'Bearer',
      expiresAt: null,
      raw: {},
    });
    expect(checkProviderToken({ accessToken: 'at-1', tokenType: '', raw: {} }, 'k').tokenType).toBe('Bearer');
  });

  it.each(['bearer', 'BEARER', 'bEaReR'])(
    'sends a tokenType of %s as Bearer, as for token responses',
    (type) => {
      expect(checkProviderToken({ accessToken: 'at-1', tokenType: type, raw: {} }, 'k').tokenType).toBe(
        'Bearer',
      );
    },
  );

  it('keeps what the provider set: its token type, expiry, scope and raw body', () => {
    const answer = {
      accessToken: 'at-1',
      tokenType: 'DPoP',
      expiresAt: 1_700_000_000_000,
      scope: 'a b',
      raw: { x: 1 },
    };
    const checked = checkProviderToken(answer, 'k');
    expect(checked).toEqual(answer);
    expect(checked).not.toBe(answer);
  });
});

describe('boundedLifetime', () => {
  const base = { accessToken: 'at-1', tokenType: 'Bearer', raw: {} };

  it('keeps a stated expiry within maxTtlMs, the same object when nothing changes', () => {
    const token = { ...base, expiresAt: 1_000 + 60_000 };
    expect(boundedLifetime(token, 1_000, 300_000, 86_400_000)).toBe(token);
  });

  it('gives a token without expiry defaultTtlMs from when its request was sent', () => {
    expect(boundedLifetime({ ...base, expiresAt: null }, 1_000, 300_000, 86_400_000).expiresAt).toBe(301_000);
  });

  it('caps a lifetime at maxTtlMs, the default TTL included', () => {
    expect(boundedLifetime({ ...base, expiresAt: 9e15 }, 1_000, 300_000, 86_400_000).expiresAt).toBe(
      86_401_000,
    );
    expect(boundedLifetime({ ...base, expiresAt: null }, 1_000, 300_000, 60_000).expiresAt).toBe(61_000);
  });
});

describe('providerFailure', () => {
  it('keeps a TokenRequestError as it is', () => {
    const error = new TokenRequestError({ providerKey: 'custom-key', status: 401 });
    expect(providerFailure(error, 'other')).toBe(error);
  });

  it('wraps an Error: its message is the description, a plain copy the cause', () => {
    const thrown = Object.assign(new TypeError('backend unreachable'), { code: 'EBACKEND' });
    const error = providerFailure(thrown, 'custom-key');
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ providerKey: 'custom-key', description: 'backend unreachable' });
    expect(error.message).toBe('Token request for provider "custom-key" failed (backend unreachable)');
    expect(error.cause).toMatchObject({
      name: 'TypeError',
      message: 'backend unreachable',
      code: 'EBACKEND',
    });
  });

  it("keeps an axios error's request config, with its credentials, out of the cause", () => {
    const config = { headers: new AxiosHeaders({ Authorization: 'Basic c2VjcmV0LXZhbHVl' }) };
    const thrown = new AxiosError('Request failed with status code 500', 'ERR_BAD_RESPONSE', config as never);
    const error = providerFailure(thrown, 'custom-key');
    expect(inspect(error.cause, { depth: Infinity, showHidden: true })).not.toContain('c2VjcmV0LXZhbHVl');
    expect(error.cause).toMatchObject({
      message: 'Request failed with status code 500',
      code: 'ERR_BAD_RESPONSE',
    });
  });

  it.each([
    ['a string', 'no session', 'no session'],
    ['undefined', undefined, undefined],
    ['an object', { reason: 'x' }, undefined],
  ])('wraps %s', (_, thrown, description) => {
    expect(providerFailure(thrown, 'custom-key')).toMatchObject({ providerKey: 'custom-key', description });
  });
});
