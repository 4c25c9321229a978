import { inspect } from 'node:util';
import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import {
  safeEndpoint,
  TokenAuthConfigError,
  TokenFlightError,
  TokenRequestError,
  type TokenErrorResponse,
} from '../src/errors.js';

const SECRET = 'cl!ent secret/+=&42';
const BASIC = Buffer.from(`app:${encodeURIComponent(SECRET)}`).toString('base64');
const SECRETS = [SECRET, BASIC];
const ENCODED_FORMS = [
  SECRET,
  encodeURIComponent(SECRET),
  new URLSearchParams({ s: SECRET }).toString().slice(2),
  BASIC,
];

function leaksSecret(text: string): boolean {
  return ENCODED_FORMS.some((form) => text.includes(form));
}

function axiosCause(): AxiosError {
  const config = {
    url: 'https://idp.example.com/token',
    method: 'post',
    headers: new AxiosHeaders({ Authorization: `Basic ${BASIC}` }),
    data: new URLSearchParams({ grant_type: 'client_credentials', client_secret: SECRET }).toString(),
  } as InternalAxiosRequestConfig;
  const request = { _header: `POST /token HTTP/1.1\r\nAuthorization: Basic ${BASIC}\r\n\r\n` };
  return new AxiosError(`connect ECONNREFUSED (secret ${SECRET})`, 'ECONNREFUSED', config, request);
}

describe('TokenRequestError', () => {
  const response: TokenErrorResponse = {
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: '{}',
  };

  function full(): TokenRequestError {
    return new TokenRequestError({
      providerKey: 'client_credentials:https://idp.example.com/token#app',
      endpoint: `https://app:${encodeURIComponent(SECRET)}@idp.example.com/realms/x/token?client_secret=${encodeURIComponent(SECRET)}#frag`,
      status: 400,
      code: 'invalid_client',
      description: `Client authentication failed for ${SECRET}`,
      cause: axiosCause(),
      response,
      secrets: SECRETS,
    });
  }

  it('names provider, endpoint without query string or user info, status, code and description', () => {
    const error = full();
    expect(error.message).toBe(
      'Token request for provider "client_credentials:https://idp.example.com/token#app" to ' +
        'https://idp.example.com/realms/x/token failed with status 400: invalid_client ' +
        '(Client authentication failed for [REDACTED])',
    );
    expect(error.endpoint).toBe('https://idp.example.com/realms/x/token');
    expect(error.providerKey).toBe('client_credentials:https://idp.example.com/token#app');
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_client');
    expect(error.description).toBe('Client authentication failed for [REDACTED]');
  });

  it('builds a shorter message from what it has', () => {
    expect(new TokenRequestError({ providerKey: 'p' }).message).toBe('Token request for provider "p" failed');
    expect(new TokenRequestError({ providerKey: 'p', code: 'timeout', description: '' }).message).toBe(
      'Token request for provider "p" failed: timeout',
    );
    expect(new TokenRequestError({ providerKey: 'p', status: 503 }).message).toBe(
      'Token request for provider "p" failed with status 503',
    );
  });

  it('keeps the response readable but not enumerable', () => {
    const error = full();
    expect(error.response).toBe(response);
    expect(Object.keys(error)).not.toContain('response');
    expect(Object.getOwnPropertyDescriptor(error, 'response')?.enumerable).toBe(false);
    expect(JSON.stringify(error)).not.toContain('content-type');
  });

  it('serializes the documented fields with toJSON', () => {
    const error = full();
    expect(error.toJSON()).toEqual({
      name: 'TokenRequestError',
      message: error.message,
      providerKey: 'client_credentials:https://idp.example.com/token#app',
      endpoint: 'https://idp.example.com/realms/x/token',
      status: 400,
      code: 'invalid_client',
      description: 'Client authentication failed for [REDACTED]',
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual(JSON.parse(JSON.stringify(error.toJSON())));
  });

  it('reduces an axios error cause to its message and code', () => {
    const error = full();
    const cause = error.cause as Error & { code?: string };
    expect(cause).toBeInstanceOf(Error);
    expect(cause).not.toBeInstanceOf(AxiosError);
    expect(cause.name).toBe('Error');
    expect(cause.message).toBe('connect ECONNREFUSED (secret [REDACTED])');
    expect(cause.code).toBe('ECONNREFUSED');
    expect(Object.keys(cause)).toEqual(['code']);
    expect(cause).not.toHaveProperty('config');
    expect(cause).not.toHaveProperty('request');
  });

  it('keeps the name of other causes, and a TokenRequestError cause as it is', () => {
    const timeout = new TokenRequestError({
      providerKey: 'p',
      cause: new RangeError(`bad ${SECRET}`),
      secrets: SECRETS,
    });
    expect(timeout.cause).toMatchObject({ name: 'RangeError', message: 'bad [REDACTED]' });
    const wrapped = new TokenRequestError({ providerKey: 'p', cause: timeout });
    expect(wrapped.cause).toBe(timeout);
    const text = new TokenRequestError({ providerKey: 'p', cause: `plain ${SECRET}`, secrets: SECRETS });
    expect((text.cause as Error).message).toBe('plain [REDACTED]');
    expect(new TokenRequestError({ providerKey: 'p' }).cause).toBeUndefined();
  });

  it('is inspected as its stack, or as name and message once the stack is gone', () => {
    const error = new TokenRequestError({ providerKey: 'p', code: 'timeout' });
    expect(inspect(error)).toBe(error.stack);
    Reflect.deleteProperty(error, 'stack');
    expect(inspect(error)).toBe(`TokenRequestError: ${error.message}`);
  });

  it('shows no secret in any rendering', () => {
    const error = full();
    const texts = [
      error.message,
      error.stack ?? '',
      String(error),
      JSON.stringify(error),
      JSON.stringify(error.toJSON()),
      inspect(error),
      inspect(error, { showHidden: true, depth: Infinity }),
      inspect(error, { showHidden: true, depth: Infinity, customInspect: false }),
      inspect(error.cause, { showHidden: true, depth: Infinity }),
      (error.cause as Error).stack ?? '',
      JSON.stringify(Object.getOwnPropertyDescriptors(error)),
    ];
    for (const text of texts) expect(leaksSecret(text)).toBe(false);
  });

  it('redacts a secret in the code and in the endpoint path', () => {
    const error = new TokenRequestError({
      providerKey: 'p',
      endpoint: `https://idp.example.com/${encodeURIComponent(SECRET)}/token`,
      code: `bad_${SECRET}`,
      secrets: SECRETS,
    });
    expect(error.code).toBe('bad_[REDACTED]');
    expect(leaksSecret(error.message)).toBe(false);
    expect(error.endpoint).toBe('https://idp.example.com/[REDACTED]/token');
  });
});

describe('names and classes', () => {
  it('sets name literals and a common base class', () => {
    const request = new TokenRequestError({ providerKey: 'p' });
    const config = new TokenAuthConfigError('attached twice', 'already_attached');
    const base = new TokenFlightError('base');
    expect(request.name).toBe('TokenRequestError');
    expect(config.name).toBe('TokenAuthConfigError');
    expect(base.name).toBe('TokenFlightError');
    for (const error of [request, config, base]) {
      expect(error).toBeInstanceOf(TokenFlightError);
      expect(error).toBeInstanceOf(Error);
      expect(error.stack?.startsWith(`${error.name}: `)).toBe(true);
    }
    expect(config.code).toBe('already_attached');
    expect(base.code).toBeUndefined();
    expect(request).not.toBeInstanceOf(TokenAuthConfigError);
  });

  it('passes a cause through TokenFlightError', () => {
    const cause = new Error('inner');
    expect(new TokenFlightError('outer', 'c', { cause }).cause).toBe(cause);
    expect('cause' in new TokenFlightError('outer')).toBe(false);
  });
});

describe('safeEndpoint', () => {
  it.each([
    ['https://user:pw@idp.example.com:8443/token?client_secret=x#y', 'https://idp.example.com:8443/token'],
    ['https://idp.example.com/token', 'https://idp.example.com/token'],
    ['not a url?client_secret=x', 'not a url'],
    ['//user:pw@idp.example.com/token#x', '//idp.example.com/token'],
  ])('%s → %s', (url, expected) => {
    expect(safeEndpoint(url)).toBe(expected);
  });
});

describe('instanceof across copies of the package (its ESM and CommonJS builds)', () => {
  let other: typeof import('../src/errors.js');
  beforeAll(() => {
    jest.isolateModules(() => {
      other = jest.requireActual<typeof import('../src/errors.js')>('../src/errors.js');
    });
  });

  it('holds for an error the other copy made, class by class', () => {
    expect(other.TokenRequestError).not.toBe(TokenRequestError);
    const request = new other.TokenRequestError({ providerKey: 'k', status: 401 });
    const config = new other.TokenAuthConfigError('bad', 'invalid_options');
    expect(request).toBeInstanceOf(TokenRequestError);
    expect(request).toBeInstanceOf(TokenFlightError);
    expect(request).not.toBeInstanceOf(TokenAuthConfigError);
    expect(config).toBeInstanceOf(TokenAuthConfigError);
    expect(config).toBeInstanceOf(TokenFlightError);
    expect(config).not.toBeInstanceOf(TokenRequestError);
    expect(new TokenRequestError({ providerKey: 'k' })).toBeInstanceOf(other.TokenRequestError);
  });

  it("leaves a subclass of the application's to its prototype chain", () => {
    class RateLimitedError extends TokenRequestError {}
    class MisconfiguredError extends TokenAuthConfigError {}
    expect(new TokenRequestError({ providerKey: 'k' })).not.toBeInstanceOf(RateLimitedError);
    expect(new other.TokenRequestError({ providerKey: 'k' })).not.toBeInstanceOf(RateLimitedError);
    expect(new TokenAuthConfigError('x')).not.toBeInstanceOf(MisconfiguredError);
    const limited = new RateLimitedError({ providerKey: 'k' });
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited).toBeInstanceOf(TokenRequestError);
    expect(limited).toBeInstanceOf(other.TokenRequestError);
  });

  it('does not hold for look-alikes without the mark', () => {
    const lookAlike = Object.assign(new Error('x'), { name: 'TokenRequestError' });
    expect(lookAlike).not.toBeInstanceOf(TokenRequestError);
    expect(lookAlike).not.toBeInstanceOf(TokenFlightError);
    expect(null).not.toBeInstanceOf(TokenFlightError);
    expect({ name: 'TokenFlightError' }).not.toBeInstanceOf(TokenFlightError);
  });

  it('keeps the mark out of JSON and enumerable properties', () => {
    const error = new TokenRequestError({ providerKey: 'k' });
    expect(
      Object.getOwnPropertySymbols(error).every(
        (symbol) => !Object.prototype.propertyIsEnumerable.call(error, symbol),
      ),
    ).toBe(true);
    expect(JSON.stringify(error)).not.toContain('axios-token-flight');
  });
});
