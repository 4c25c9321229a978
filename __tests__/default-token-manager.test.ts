import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { attachTokenAuth } from '../src/attach-token-auth.js';
import { clientCredentials } from '../src/client-credentials.js';
import { defaultTokenManager } from '../src/default-token-manager.js';
import { TokenManager } from '../src/token-manager.js';

describe('defaultTokenManager', () => {
  afterAll(() => {
    defaultTokenManager().dispose();
  });

  it('returns the same manager every time', () => {
    const first = defaultTokenManager();
    expect(first).toBeInstanceOf(TokenManager);
    expect(defaultTokenManager()).toBe(first);
  });

  it('is the same manager for another copy of the package (its other build)', () => {
    let other: typeof import('../src/default-token-manager.js') | undefined;
    jest.isolateModules(() => {
      other = jest.requireActual<typeof import('../src/default-token-manager.js')>(
        '../src/default-token-manager.js',
      );
    });
    expect(other?.defaultTokenManager).not.toBe(defaultTokenManager);
    expect(other?.defaultTokenManager()).toBe(defaultTokenManager());
  });

  it('lets two instances attached without a manager share one token for equal provider settings', async () => {
    const tokenHttp = axios.create();
    const idp = new MockAdapter(tokenHttp);
    let issued = 0;
    idp.onPost('https://idp.example.com/token').reply(() => {
      issued += 1;
      return [200, { access_token: `shared-${issued}`, token_type: 'bearer', expires_in: 300 }];
    });
    const settings = {
      tokenUrl: 'https://idp.example.com/token',
      clientId: 'app',
      clientSecret: 'app-secret-value',
      scope: ['read', 'write'],
      http: tokenHttp,
    };

    const seen: unknown[] = [];
    const apis = ['https://one.example.com', 'https://two.example.com'].map((baseURL) => {
      const api = axios.create({ baseURL });
      new MockAdapter(api).onGet('/data').reply((config) => {
        seen.push(config.headers?.Authorization);
        return [200, {}];
      });
      attachTokenAuth(api, { provider: clientCredentials(settings) });
      return api;
    });

    await Promise.all(apis.map((api) => api.get('/data')));
    await apis[1]?.get('/data');
    expect(issued).toBe(1);
    expect(seen).toEqual(['Bearer shared-1', 'Bearer shared-1', 'Bearer shared-1']);

    // Different settings mean a different key, hence a token of their own.
    const other = axios.create({ baseURL: 'https://three.example.com' });
    new MockAdapter(other).onGet('/data').reply((config) => {
      seen.push(config.headers?.Authorization);
      return [200, {}];
    });
    attachTokenAuth(other, { provider: clientCredentials({ ...settings, scope: 'read' }) });
    await other.get('/data');
    expect(issued).toBe(2);
    expect(seen.at(-1)).toBe('Bearer shared-2');
  });

  it('is not used when a manager is given', async () => {
    let fetched = 0;
    const provider = {
      key: 'custom-provider',
      fetchToken: async () => {
        fetched += 1;
        return {
          accessToken: `own-${fetched}`,
          tokenType: 'Bearer',
          expiresAt: Date.now() + 300_000,
          raw: {},
        };
      },
    };
    const manager = new TokenManager();
    const api = axios.create({ baseURL: 'https://api.example.com' });
    new MockAdapter(api).onGet('/x').reply(200, {});
    attachTokenAuth(api, { provider, manager });
    await api.get('/x');
    expect(manager.peekToken(provider)?.accessToken).toBe('own-1');
    expect(defaultTokenManager().peekToken(provider)).toBeUndefined();
    manager.dispose();
  });
});
