import { TokenRequestError } from '../src/errors.js';
import { assertSecureTokenUrl, isLoopbackHost, secureTokenHref } from '../src/secure-url.js';

describe('isLoopbackHost', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    'localhost',
    'LOCALHOST',
    'api.localhost',
    '[::1]',
    '[::ffff:7f00:1]',
  ])('%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true));
  it.each([
    '128.0.0.1',
    '10.0.0.1',
    '127.0.0.1.evil.com',
    'localhost.evil.com',
    '[::2]',
    '127.0.0.256',
    'example.com',
  ])('%s is not', (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe('assertSecureTokenUrl', () => {
  const options = { providerKey: 'p' };

  it('accepts https and loopback http', () => {
    expect(assertSecureTokenUrl('https://a.example/t', options).href).toBe('https://a.example/t');
    expect(assertSecureTokenUrl('http://127.0.0.1:1/t', options).port).toBe('1');
    expect(assertSecureTokenUrl('http://a.example/t', { ...options, allowInsecureHttp: true }).protocol).toBe(
      'http:',
    );
  });

  it.each([
    'http://a.example/t',
    'http://127.0.0.1.nip.io/t',
    'ws://a.example/t',
    'file:///etc/passwd',
    'relative',
  ])('refuses %s with insecure_token_url and no query string in the message', (url) => {
    let caught: unknown;
    try {
      assertSecureTokenUrl(`${url}?client_secret=hidden-value`, options);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TokenRequestError);
    expect(caught).toMatchObject({ code: 'insecure_token_url', providerKey: 'p' });
    expect(String(caught)).not.toContain('hidden-value');
  });
});

describe('secureTokenHref', () => {
  const options = { providerKey: 'p' };

  it('gives the normalised href of an accepted URL, the same on every call', () => {
    expect(secureTokenHref('https://A.example', options)).toBe('https://a.example/');
    expect(secureTokenHref('https://A.example', options)).toBe('https://a.example/');
    expect(secureTokenHref('http://127.0.0.1:1/t', options)).toBe('http://127.0.0.1:1/t');
  });

  it('refuses an insecure URL on every call: refusals are not remembered', () => {
    for (let i = 0; i < 3; i++) {
      expect(() => secureTokenHref('http://b.example/t', options)).toThrow(TokenRequestError);
    }
  });

  it('remembers an http URL allowed with allowInsecureHttp for that setting only', () => {
    expect(secureTokenHref('http://c.example/t', { ...options, allowInsecureHttp: true })).toBe(
      'http://c.example/t',
    );
    expect(() => secureTokenHref('http://c.example/t', options)).toThrow(
      expect.objectContaining({ code: 'insecure_token_url' }),
    );
  });

  it('stays correct past the number of URLs it keeps', () => {
    for (let i = 0; i < 200; i++) {
      expect(secureTokenHref(`https://host-${i}.example/t`, options)).toBe(`https://host-${i}.example/t`);
    }
    expect(() => secureTokenHref('http://d.example/t', options)).toThrow(TokenRequestError);
  });
});
