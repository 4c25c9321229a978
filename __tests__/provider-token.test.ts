import { inspect } from 'node:util';
import type { TokenRequestError } from '../src/errors.js';
import { checkProviderToken } from '../src/provider-token.js';
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
