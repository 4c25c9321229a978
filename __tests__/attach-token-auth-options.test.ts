import { checkAttachOptions, type AttachTokenAuthOptions } from '../src/attach-token-auth-options.js';
import { TokenManager } from '../src/token-manager.js';
import { fakeProvider, token } from './support/fake-provider.js';

const refused = (message: RegExp) =>
  expect.objectContaining({
    name: 'TokenAuthConfigError',
    code: 'invalid_options',
    message: expect.stringMatching(message),
  });

describe('checkAttachOptions', () => {
  it('accepts every documented form of the options', () => {
    const accepted: AttachTokenAuthOptions[] = [
      { provider: fakeProvider() },
      { provider: () => undefined },
      {
        provider: () => fakeProvider(),
        manager: new TokenManager(),
        retryOnStatus: [401, 419],
        origins: ['https://api.example.com', 'http://127.0.0.1:8080', '//cdn.example.com'],
        header: 'X-Api-Key',
        scheme: '',
      },
      { provider: fakeProvider(), origins: '*', scheme: 'DPoP', retryOnStatus: [] },
      { provider: fakeProvider(), manager: undefined, header: undefined, scheme: undefined },
    ];
    for (const options of accepted) expect(() => checkAttachOptions(options)).not.toThrow();
  });

  it('refuses missing options or a missing provider with one clear error', () => {
    for (const options of [undefined, null, {}, { provider: {} }, { provider: { key: 'a' } }]) {
      expect(() => checkAttachOptions(options as never)).toThrow(
        refused(/^attachTokenAuth: needs a provider/),
      );
    }
  });

  it('refuses a provider without a key: such providers would share one token', () => {
    for (const key of [undefined, '', 42]) {
      const keyless = { key, fetchToken: async () => token('a', null) };
      expect(() => checkAttachOptions({ provider: keyless as never })).toThrow(refused(/key/));
    }
  });

  it("leaves a selector's provider to be checked per request", () => {
    expect(() => checkAttachOptions({ provider: () => ({ key: '' }) as never })).not.toThrow();
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a manager that is none', { manager: {} }, /manager must be a TokenManager/],
    ['retryOnStatus not an array', { retryOnStatus: 401 }, /retryOnStatus must be an array/],
    ['retryOnStatus with a non-status', { retryOnStatus: ['401'] }, /retryOnStatus/],
    ['retryOnStatus with a fraction', { retryOnStatus: [401.5] }, /retryOnStatus/],
    ['origins not an array', { origins: 'https://api.example.com' }, /origins must be/],
    ['an origin without a scheme, which would never match', { origins: ['api.example.com'] }, /origins/],
    ["'*' inside the origins array", { origins: ['*'] }, /origins/],
    ['an opaque origin', { origins: ['data:text/plain,x'] }, /origins/],
    ['an origin that is no string', { origins: [443] }, /origins/],
    ['an empty header name, which would send no token', { header: '' }, /header must be/],
    ['a header name with a space', { header: 'Api Key' }, /header must be/],
    ['a header name with a colon', { header: 'Authorization:' }, /header must be/],
    ['a scheme with a space', { scheme: 'Bearer x' }, /scheme must be/],
    ['a scheme that is no string', { scheme: 1 }, /scheme must be/],
  ])('refuses %s', (_name, options, message) => {
    expect(() => checkAttachOptions({ provider: fakeProvider(), ...options })).toThrow(refused(message));
  });
});
