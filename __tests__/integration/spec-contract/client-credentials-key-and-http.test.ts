import axios, { type InternalAxiosRequestConfig } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { attachTokenAuth, clientCredentials } from '../../../src/index.js';
import { headerOf, manager, mockHttp, okToken, tokenServer } from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: Providers: clientCredentials — key and http.

describe('clientCredentials', () => {
  test('key: never contains the secret', () => {
    const p = clientCredentials({
      tokenUrl: 'https://auth.test/t',
      clientId: 'kid',
      clientSecret: 'super-secret-xyz',
    });
    expect(typeof p.key).toBe('string');
    expect(p.key).not.toContain('super-secret-xyz');
  });

  test('key: derived from tokenUrl + clientId + scope + audience (equal settings share, each differs)', () => {
    const base = {
      tokenUrl: 'https://auth.test/t',
      clientId: 'kid',
      clientSecret: 's1',
      scope: 'a',
      audience: 'x',
    };
    const k = clientCredentials(base).key;
    expect(clientCredentials({ ...base }).key).toBe(k);
    expect(clientCredentials({ ...base, tokenUrl: 'https://auth.test/u' }).key).not.toBe(k);
    expect(clientCredentials({ ...base, clientId: 'other' }).key).not.toBe(k);
    expect(clientCredentials({ ...base, scope: 'b' }).key).not.toBe(k);
    expect(clientCredentials({ ...base, audience: 'y' }).key).not.toBe(k);
  });

  test('equal keys share one cached token: providers told apart by extraParams never send each other’s token', async () => {
    const s = await tokenServer((r, n) => okToken(`for-${new URLSearchParams(r.body).get('resource')}-${n}`));
    const m = manager();
    const apis = ['graph', 'vault'].map((resource) => {
      const instance = axios.create({ baseURL: `https://${resource}.test` });
      const auths: string[] = [];
      new MockAdapter(instance).onAny().reply((c) => {
        const a = String(headerOf(c as InternalAxiosRequestConfig, 'Authorization'));
        auths.push(a);
        return a.startsWith(`Bearer for-${resource}-`) ? [200, {}] : [401, {}];
      });
      const provider = clientCredentials({
        tokenUrl: s.url,
        clientId: 'app',
        clientSecret: 's',
        extraParams: { resource },
      });
      attachTokenAuth(instance, { provider, manager: m });
      return { instance, auths };
    });
    for (let i = 0; i < 2; i += 1) for (const { instance } of apis) await instance.get('/x');
    expect(apis[0]!.auths).toEqual(['Bearer for-graph-1', 'Bearer for-graph-1']);
    expect(apis[1]!.auths).toEqual(['Bearer for-vault-2', 'Bearer for-vault-2']);
    expect(s.requests).toHaveLength(2);
  });

  test('key: an explicit key option is the cache key', () => {
    const p = clientCredentials({
      tokenUrl: 'https://auth.test/t',
      clientId: 'i',
      clientSecret: 's',
      key: 'my-key',
    });
    expect(p.key).toBe('my-key');
  });

  test('http: an axios instance used for the token request itself', async () => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'via-http', expires_in: 60 }]);
    const p = clientCredentials({ tokenUrl: 'https://auth.test/t', clientId: 'i', clientSecret: 's', http });
    expect((await manager().getToken(p)).accessToken).toBe('via-http');
    expect(seen[0]!.url).toContain('https://auth.test/t');
  });

  test('http: a config (such as headers/httpsAgent) accepted for the private instance', async () => {
    const s = await tokenServer(() => okToken('cfg'));
    const p = clientCredentials({
      tokenUrl: s.url,
      clientId: 'i',
      clientSecret: 's',
      http: { headers: { 'X-From-Config': 'yes' } },
    });
    expect((await manager().getToken(p)).accessToken).toBe('cfg');
    expect(s.requests[0]!.headers['x-from-config']).toBe('yes');
  });

  test('the token request never goes through the interceptors being attached (http: the attached instance)', async () => {
    const instance = axios.create({ baseURL: 'https://api.test' });
    const mock = new MockAdapter(instance);
    const tokenAuths: (string | undefined)[] = [];
    mock.onPost('https://auth.test/token').reply((c) => {
      tokenAuths.push(headerOf(c as InternalAxiosRequestConfig, 'Authorization'));
      return [200, { access_token: 'self', expires_in: 60 }];
    });
    mock.onGet('/x').reply(200, {});
    const p = clientCredentials({
      tokenUrl: 'https://auth.test/token',
      clientId: 'i',
      clientSecret: 's',
      http: instance,
    });
    attachTokenAuth(instance, { provider: p, manager: manager(), origins: '*' });
    await instance.get('/x');
    expect(tokenAuths).toHaveLength(1);
    expect(tokenAuths[0]).toMatch(/^Basic /);
  });
});
