import axios, { type InternalAxiosRequestConfig } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { attachTokenAuth } from '../../../src/index.js';
import { api, fakeProvider, headerOf, manager } from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: attachTokenAuth(instance, options) — provider, manager, origins, header, scheme, per request.

describe('attachTokenAuth', () => {
  test('returns detach(): after it, requests carry no token', async () => {
    const { instance, auths } = api();
    const detach = attachTokenAuth(instance, { provider: fakeProvider('det'), manager: manager() });
    expect(typeof detach).toBe('function');
    await instance.get('/a');
    detach();
    await instance.get('/b');
    expect(auths).toEqual(['Bearer tok-1', undefined]);
  });

  test('provider: (config) => TokenProvider | undefined chooses per request; undefined sends no token', async () => {
    const { instance, auths } = api();
    const pa = fakeProvider('pa', () => ({ accessToken: 'A' }));
    const pb = fakeProvider('pb', () => ({ accessToken: 'B' }));
    attachTokenAuth(instance, {
      manager: manager(),
      provider: (config) =>
        config.url?.startsWith('/a') ? pa : config.url?.startsWith('/b') ? pb : undefined,
    });
    await instance.get('/a');
    await instance.get('/b');
    await instance.get('/public');
    expect(auths).toEqual(['Bearer A', 'Bearer B', undefined]);
  });

  test('manager: the given manager is used', async () => {
    const p = fakeProvider('own-manager');
    const m = manager();
    await m.getToken(p);
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: p, manager: m });
    await instance.get('/x');
    expect(p.calls).toBe(1);
    expect(auths).toEqual(['Bearer tok-1']);
  });

  test('origins default: relative URLs and the baseURL origin get the token; other origins do not', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: fakeProvider('orig'), manager: manager() });
    await instance.get('/rel');
    await instance.get('https://api.test/abs');
    await instance.get('https://evil.test/steal');
    expect(auths).toEqual(['Bearer tok-1', 'Bearer tok-1', undefined]);
  });

  test('origins default without baseURL: a relative URL gets the token, an absolute one does not', async () => {
    const instance = axios.create();
    const auths: (string | undefined)[] = [];
    new MockAdapter(instance).onAny().reply((c) => {
      auths.push(headerOf(c as InternalAxiosRequestConfig, 'Authorization'));
      return [200, {}];
    });
    attachTokenAuth(instance, { provider: fakeProvider('orig-none'), manager: manager() });
    await instance.get('/rel');
    await instance.get('https://elsewhere.test/x');
    expect(auths).toEqual(['Bearer tok-1', undefined]);
  });

  test('origins default: another scheme or port of the baseURL host gets no token', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: fakeProvider('orig-port'), manager: manager() });
    await instance.get('http://api.test/x');
    await instance.get('https://api.test:8443/x');
    await instance.get('https://api.test:443/x');
    expect(auths).toEqual([undefined, undefined, 'Bearer tok-1']);
  });

  test('origins default: a protocol-relative URL to another host gets no token', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: fakeProvider('orig-proto'), manager: manager() });
    await instance.get('//evil.test/x');
    expect(auths).toEqual([undefined]);
  });

  test('origins default: a relative URL with a per-request baseURL to another origin gets no token', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: fakeProvider('orig-req-base'), manager: manager() });
    await instance.get('/x', { baseURL: 'https://evil.test' });
    expect(auths).toEqual([undefined]);
  });

  test('origins: string[] of origins', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, {
      provider: fakeProvider('orig-list'),
      manager: manager(),
      origins: ['https://partner.test'],
    });
    await instance.get('https://partner.test/x');
    await instance.get('https://evil.test/x');
    expect(auths[0]).toBe('Bearer tok-1');
    expect(auths[1]).toBeUndefined();
  });

  test('origins: a list adds to relative URLs and the baseURL origin (README: besides them)', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, {
      provider: fakeProvider('orig-list2'),
      manager: manager(),
      origins: ['https://partner.test'],
    });
    await instance.get('/rel');
    expect(auths).toEqual(['Bearer tok-1']);
  });

  test("origins: '*' sends the token everywhere", async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: fakeProvider('orig-star'), manager: manager(), origins: '*' });
    await instance.get('https://anywhere.test/x');
    expect(auths).toEqual(['Bearer tok-1']);
  });

  test('header / scheme: custom header name and scheme', async () => {
    const instance = axios.create({ baseURL: 'https://api.test' });
    const seen: (string | undefined)[] = [];
    new MockAdapter(instance).onAny().reply((c) => {
      seen.push(headerOf(c as InternalAxiosRequestConfig, 'X-Api-Token'));
      return [200, {}];
    });
    attachTokenAuth(instance, {
      provider: fakeProvider('hdr'),
      manager: manager(),
      header: 'X-Api-Token',
      scheme: 'Token',
    });
    await instance.get('/x');
    expect(seen).toEqual(['Token tok-1']);
  });

  test("scheme default: the token's tokenType", async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, {
      provider: fakeProvider('tt', () => ({ tokenType: 'DPoP', accessToken: 'dp' })),
      manager: manager(),
    });
    await instance.get('/x');
    expect(auths).toEqual(['DPoP dp']);
  });

  test('per request { tokenAuth: false } sends no token (and fetches none)', async () => {
    const { instance, auths } = api();
    const p = fakeProvider('off');
    attachTokenAuth(instance, { provider: p, manager: manager() });
    await instance.get('/x', { tokenAuth: false });
    expect(auths).toEqual([undefined]);
    expect(p.calls).toBe(0);
  });

  test('per request { tokenAuth: { provider } } uses another provider', async () => {
    const { instance, auths } = api();
    const main = fakeProvider('main', () => ({ accessToken: 'MAIN' }));
    const other = fakeProvider('other-p', () => ({ accessToken: 'OTHER' }));
    attachTokenAuth(instance, { provider: main, manager: manager() });
    await instance.get('/x', { tokenAuth: { provider: other } });
    expect(auths).toEqual(['Bearer OTHER']);
    expect(main.calls).toBe(0);
  });

  test('a request that already carries the header (set by the caller) is sent as it is', async () => {
    const { instance, auths } = api();
    const p = fakeProvider('caller-wins');
    attachTokenAuth(instance, { provider: p, manager: manager() });
    await instance.get('/x', { headers: { Authorization: 'Bearer mine' } });
    expect(auths).toEqual(['Bearer mine']);
  });

  test('the caller wins also when its header is lower-case', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: fakeProvider('caller-lc'), manager: manager() });
    await instance.get('/x', { headers: { authorization: 'Basic abc' } });
    expect(auths).toEqual(['Basic abc']);
  });

  test('attaching twice to the same instance throws a clear error (detach first)', () => {
    const { instance } = api();
    const detach = attachTokenAuth(instance, { provider: fakeProvider('twice'), manager: manager() });
    expect(() => attachTokenAuth(instance, { provider: fakeProvider('twice'), manager: manager() })).toThrow(
      /attach/i,
    );
    detach();
    expect(() =>
      attachTokenAuth(instance, { provider: fakeProvider('twice'), manager: manager() }),
    ).not.toThrow();
  });
});
