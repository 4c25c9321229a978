import { attachTokenAuth, clientCredentials, parseTokenResponse } from '../../../src/index.js';
import { api, fakeProvider, manager, tokenServer } from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: Types.

describe('Types', () => {
  test("Token.tokenType: 'Bearer' when the server says nothing", async () => {
    const s = await tokenServer(() => ({ body: { access_token: 'a', expires_in: 60 } }));
    const p = clientCredentials({ tokenUrl: s.url, clientId: 'id', clientSecret: 'sec' });
    const t = await manager().getToken(p);
    expect(t.tokenType).toBe('Bearer');
  });

  test('Token.expiresAt: absolute, epoch milliseconds; raw: the parsed response body (sessid, refresh_expires_in)', async () => {
    const s = await tokenServer(() => ({
      body: { access_token: 'a', expires_in: 120, sessid: 's-1', refresh_expires_in: 1800 },
    }));
    const before = Date.now();
    const t = await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'id', clientSecret: 'sec' }),
    );
    expect(t.expiresAt).toBeGreaterThanOrEqual(before + 120_000 - 50);
    expect(t.expiresAt).toBeLessThanOrEqual(Date.now() + 120_000);
    expect(t.raw).toMatchObject({ sessid: 's-1', refresh_expires_in: 1800 });
  });

  test('Any object of that shape is a provider: { key, fetchToken(ctx) } used by attachTokenAuth', async () => {
    const p = fakeProvider('frontend-session', () => ({ accessToken: 'from-backend' }));
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: p, manager: manager() });
    await instance.get('/x');
    expect(auths).toEqual(['Bearer from-backend']);
  });

  test('Token.scope from the response', () => {
    const t = parseTokenResponse({ access_token: 'a', expires_in: 60, scope: 'read write' });
    expect(t.scope).toBe('read write');
  });
});
