import axios, { AxiosHeaders, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import { createOriginPolicy } from '../src/origin-policy.js';

/** The config an interceptor sees: instance defaults merged with the request's own options. */
function requestConfig(
  instance: AxiosInstance,
  url: string | undefined,
  own: Partial<InternalAxiosRequestConfig> = {},
): InternalAxiosRequestConfig {
  const config: Partial<InternalAxiosRequestConfig> = { headers: new AxiosHeaders(), ...own };
  if (url !== undefined) config.url = url;
  if (!('baseURL' in own) && instance.defaults.baseURL !== undefined)
    config.baseURL = instance.defaults.baseURL;
  return config as InternalAxiosRequestConfig;
}

function policy(baseURL: string | undefined, origins: readonly string[] | '*' = []) {
  const instance = axios.create(baseURL === undefined ? {} : { baseURL });
  const check = createOriginPolicy(instance, origins);
  return {
    instance,
    allows: (url: string | undefined, own: Partial<InternalAxiosRequestConfig> = {}) =>
      check(requestConfig(instance, url, own)),
  };
}

describe('createOriginPolicy: relative URLs', () => {
  it.each(['/models', 'models', '', '?page=2', '#top', './a/../b'])('allows %j without a baseURL', (url) => {
    expect(policy(undefined).allows(url)).toBe(true);
  });

  it('allows a request without url', () => {
    expect(policy(undefined).allows(undefined)).toBe(true);
    expect(policy('https://api.example.com').allows(undefined)).toBe(true);
  });

  it('allows relative URLs under an absolute baseURL', () => {
    const { allows } = policy('https://api.example.com/v1');
    expect(allows('/models')).toBe(true);
    expect(allows('models?x=1')).toBe(true);
    expect(allows('//api.example.com/v2/models')).toBe(true);
  });

  it('allows relative URLs under a relative baseURL', () => {
    const { allows } = policy('/api');
    expect(allows('/models')).toBe(true);
    expect(allows('models')).toBe(true);
  });

  it('allows a per-request relative baseURL', () => {
    expect(policy('https://api.example.com').allows('models', { baseURL: '/v2' })).toBe(true);
    expect(policy(undefined).allows('models', { baseURL: '/v2' })).toBe(true);
  });

  // A browser resolves these with the WHATWG URL parser, which reads them as another host.
  it.each([
    '/\\evil.example/x',
    '\\\\evil.example/x',
    ' //evil.example/x',
    '/\t/evil.example/x',
    ' https://evil.example/x',
  ])('refuses %j, which a browser resolves to another host', (url) => {
    expect(policy(undefined).allows(url)).toBe(false);
    expect(new URL(url, 'https://app.example.com/').host).toBe('evil.example');
  });

  it('refuses a URL that a browser cannot resolve against the page (it would send nothing)', () => {
    expect(policy(undefined).allows('http:[x')).toBe(false);
  });

  it("reads an empty url as the per-request baseURL itself, as axios' combineURLs does", () => {
    const { allows } = policy('https://api.example.com');
    expect(allows('', { baseURL: 'https://evil.example' })).toBe(false);
    expect(allows('', { baseURL: 'https://api.example.com/v2' })).toBe(true);
    // `\\` is the page's root; `\\/`, what appending a slash would make of it, is no URL at all.
    expect(allows('', { baseURL: '\\' })).toBe(true);
  });

  it('refuses a relative baseURL that a browser resolves to another host', () => {
    expect(policy('/').allows('\\evil.example/x')).toBe(false);
    expect(policy(undefined).allows('x', { baseURL: '/\\evil.example' })).toBe(false);
  });
});

describe('createOriginPolicy: absolute URLs', () => {
  const base = 'https://api.example.com/v1';

  it('allows absolute URLs on the baseURL origin, whatever their path or case', () => {
    const { allows } = policy(base);
    expect(allows('https://api.example.com/other')).toBe(true);
    expect(allows('HTTPS://API.EXAMPLE.COM/other')).toBe(true);
    expect(allows('https://api.example.com:443/x')).toBe(true);
  });

  it.each([
    ['another host', 'https://evil.example/v1/models'],
    ['a subdomain', 'https://x.api.example.com/'],
    ['another port', 'https://api.example.com:8443/v1'],
    ['another scheme', 'http://api.example.com/v1'],
    ['a protocol-relative URL on another host', '//evil.example/v1'],
    ['user info before another host', 'https://api.example.com@evil.example/'],
  ])('refuses %s', (_name, url) => {
    expect(policy(base).allows(url)).toBe(false);
  });

  it('refuses absolute URLs when the instance has no baseURL', () => {
    expect(policy(undefined).allows('https://api.example.com/')).toBe(false);
    expect(policy(undefined).allows('//api.example.com/')).toBe(false);
  });

  it('reads the baseURL origin at request time', () => {
    const { instance, allows } = policy(base);
    expect(allows('https://api.example.com/x')).toBe(true);
    instance.defaults.baseURL = 'https://next.example.com/v2';
    expect(allows('https://api.example.com/x')).toBe(false);
    expect(allows('https://next.example.com/x')).toBe(true);
    expect(allows('/x')).toBe(true);
    delete instance.defaults.baseURL;
    expect(allows('https://next.example.com/x')).toBe(false);
  });

  it('refuses a per-request baseURL on another origin', () => {
    const { allows } = policy(base);
    expect(allows('/models', { baseURL: 'https://evil.example' })).toBe(false);
    expect(allows('/models', { baseURL: '//evil.example' })).toBe(false);
    expect(allows('/models', { baseURL: 'https://api.example.com/v2' })).toBe(true);
  });

  it('follows allowAbsoluteUrls: false, which appends an absolute url to the baseURL', () => {
    const { allows } = policy(base);
    expect(allows('https://api.example.com/x', { allowAbsoluteUrls: false, baseURL: base })).toBe(true);
    expect(
      allows('https://api.example.com/x', { allowAbsoluteUrls: false, baseURL: 'https://evil.example' }),
    ).toBe(false);
    expect(allows('https://evil.example/x', { allowAbsoluteUrls: true })).toBe(false);
  });

  it('refuses an absolute url on another origin under allowAbsoluteUrls: false, which axios < 1.8.2 ignores', () => {
    const { allows } = policy(base, ['https://partner.example']);
    expect(allows('https://evil.example/x', { allowAbsoluteUrls: false, baseURL: base })).toBe(false);
    expect(allows('//evil.example/x', { allowAbsoluteUrls: false, baseURL: base })).toBe(false);
    expect(allows('https://partner.example/x', { allowAbsoluteUrls: false, baseURL: base })).toBe(true);
  });

  it.each(['http://', 'https://exa mple.com/', 'https://[::1/', '//', 'http://:80/'])(
    'refuses the garbage URL %j',
    (url) => {
      expect(policy(base, ['https://evil.example']).allows(url)).toBe(false);
    },
  );
});

describe('createOriginPolicy: origins', () => {
  it('normalises trailing slashes and paths of listed origins', () => {
    const { allows } = policy(undefined, [
      'https://files.example.com/',
      'https://cdn.example.com/assets/v2?x=1',
    ]);
    expect(allows('https://files.example.com/f')).toBe(true);
    expect(allows('https://cdn.example.com/other')).toBe(true);
    expect(allows('https://files.example.com:8443/f')).toBe(false);
    expect(allows('https://evil.example/f')).toBe(false);
  });

  it('lets listed origins and the baseURL origin both through', () => {
    const { allows } = policy('https://api.example.com', ['https://files.example.com']);
    expect(allows('https://api.example.com/a')).toBe(true);
    expect(allows('https://files.example.com/a')).toBe(true);
    expect(allows('/a', { baseURL: 'https://files.example.com' })).toBe(true);
    expect(allows('https://evil.example/a')).toBe(false);
  });

  it('ignores garbage entries in the list', () => {
    const { allows } = policy(undefined, ['not a url', '']);
    expect(allows('https://evil.example/')).toBe(false);
    expect(allows('http://')).toBe(false);
  });

  it("allows every URL with '*'", () => {
    const { allows } = policy('https://api.example.com', '*');
    expect(allows('https://evil.example/')).toBe(true);
    expect(allows('//evil.example/')).toBe(true);
    expect(allows('/x', { baseURL: 'https://other.example' })).toBe(true);
  });
});
