import axios from 'axios';
import { bankOfGeorgia, brainysoft, chatlayer, gigachat } from '../../../src/index.js';
import {
  b64,
  basicParts,
  bodyParams,
  headerOf,
  manager,
  mockHttp,
  okToken,
  tokenServer,
} from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: Providers: gigachat, brainysoft, chatlayer, bankOfGeorgia.

describe('Presets', () => {
  const gigaResponse = (): [number, unknown] => [
    200,
    { access_token: 'g-tok', expires_at: Date.now() + 1_800_000 },
  ];

  test('gigachat: tokenUrl default https://ngw.devices.sberbank.ru:9443/api/v2/oauth', async () => {
    const { http, seen } = mockHttp(gigaResponse);
    await manager().getToken(gigachat({ credentials: b64('cid:csec'), http }));
    expect(seen[0]!.url).toBe('https://ngw.devices.sberbank.ru:9443/api/v2/oauth');
    expect(seen[0]!.method).toBe('post');
  });

  test("gigachat: scope default 'GIGACHAT_API_PERS', sent as form body scope=...", async () => {
    const { http, seen } = mockHttp(gigaResponse);
    await manager().getToken(gigachat({ credentials: b64('cid:csec'), http }));
    expect(bodyParams(seen[0]!).get('scope')).toBe('GIGACHAT_API_PERS');
  });

  test.each(['GIGACHAT_API_B2B', 'GIGACHAT_API_CORP'] as const)(
    'gigachat: scope %s accepted',
    async (scope) => {
      const { http, seen } = mockHttp(gigaResponse);
      await manager().getToken(gigachat({ credentials: b64('cid:csec'), scope, http }));
      expect(bodyParams(seen[0]!).get('scope')).toBe(scope);
    },
  );

  test("gigachat: authScheme default 'Basic' sends the authorization key as is", async () => {
    const { http, seen } = mockHttp(gigaResponse);
    const credentials = b64('cid:csec');
    await manager().getToken(gigachat({ credentials, http }));
    expect(headerOf(seen[0]!, 'Authorization')).toBe(`Basic ${credentials}`);
  });

  test("gigachat: authScheme 'Bearer'", async () => {
    const { http, seen } = mockHttp(gigaResponse);
    const credentials = b64('cid:csec');
    await manager().getToken(gigachat({ credentials, authScheme: 'Bearer', http }));
    expect(headerOf(seen[0]!, 'Authorization')).toBe(`Bearer ${credentials}`);
  });

  test('gigachat: clientId+clientSecret are encoded into the authorization key', async () => {
    const { http, seen } = mockHttp(gigaResponse);
    await manager().getToken(gigachat({ clientId: 'cid', clientSecret: 'csec', http }));
    expect(headerOf(seen[0]!, 'Authorization')).toBe(`Basic ${b64('cid:csec')}`);
  });

  test('gigachat: a fresh UUID v4 RqUID header per token request; Accept: application/json', async () => {
    const { http, seen } = mockHttp(gigaResponse);
    const m = manager();
    const p = gigachat({ credentials: b64('cid:csec'), http });
    await m.getToken(p);
    await m.getToken(p, { forceRefresh: true });
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
    const ids = seen.map((c) => headerOf(c, 'RqUID'));
    expect(ids[0]).toMatch(v4);
    expect(ids[1]).toMatch(v4);
    expect(ids[0]).not.toBe(ids[1]);
    expect(headerOf(seen[0]!, 'Accept')).toMatch(/^application\/json/);
  });

  test('gigachat: form body content type', async () => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'g', expires_at: Date.now() + 600_000 }]);
    await manager().getToken(gigachat({ credentials: b64('a:b'), http }));
    expect(headerOf(seen[0]!, 'Content-Type')).toMatch(/application\/x-www-form-urlencoded/);
    expect(String(seen[0]!.data)).toBe('scope=GIGACHAT_API_PERS');
  });

  test('gigachat: accepts tokenUrl to override the default', async () => {
    const s = await tokenServer(() => ({ body: { access_token: 'g', expires_at: Date.now() + 600_000 } }));
    const t = await manager().getToken(gigachat({ credentials: b64('a:b'), tokenUrl: s.url }));
    expect(t.accessToken).toBe('g');
    expect(s.requests[0]!.headers.rquid).toBeDefined();
  });

  test('gigachat: key never reveals the credentials (client id, or a fingerprint)', () => {
    const credentials = b64('client-id-123:very-secret-456');
    const key = gigachat({ credentials }).key;
    expect(key).not.toContain(credentials);
    expect(key).not.toContain('very-secret-456');
    expect(gigachat({ credentials }).key).toBe(key);
    expect(gigachat({ credentials, scope: 'GIGACHAT_API_CORP' }).key).not.toBe(key);
  });

  test('gigachat key given only credentials: the client id decoded from the key, never the secret', () => {
    const key = gigachat({ credentials: b64('0f8f8f8f-1111-2222-3333-444444444444:s3cr3t') }).key;
    expect(key).toContain('0f8f8f8f-1111-2222-3333-444444444444');
    expect(key).not.toContain('s3cr3t');
  });

  test('gigachat without credentials or id+secret throws', () => {
    expect(() => gigachat({} as unknown as Parameters<typeof gigachat>[0])).toThrow();
  });

  test('brainysoft: tokenUrl https://{customerKey}-auth.brainysoft.ru/oauth/token, client_secret_post', async () => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'b', expires_in: 60 }]);
    await manager().getToken(
      brainysoft({ customerKey: 'acme', clientId: 'bid', clientSecret: 'bsec', http }),
    );
    expect(seen[0]!.url).toBe('https://acme-auth.brainysoft.ru/oauth/token');
    const body = bodyParams(seen[0]!);
    expect(body.get('client_id')).toBe('bid');
    expect(body.get('client_secret')).toBe('bsec');
    expect(headerOf(seen[0]!, 'Authorization')).toBeUndefined();
  });

  test("brainysoft: authMethod 'client_secret_query'", async () => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'b', expires_in: 60 }]);
    await manager().getToken(
      brainysoft({
        customerKey: 'acme',
        clientId: 'bid',
        clientSecret: 'bsec',
        authMethod: 'client_secret_query',
        http,
      }),
    );
    const c = seen[0]!;
    const u = new URL(axios.getUri(c));
    expect(u.searchParams.get('client_id')).toBe('bid');
    expect(u.searchParams.get('client_secret')).toBe('bsec');
    expect(u.searchParams.get('grant_type')).toBe('client_credentials');
  });

  test('brainysoft: tokenUrl instead of customerKey', async () => {
    const s = await tokenServer(() => okToken('bs'));
    const t = await manager().getToken(
      brainysoft({ tokenUrl: s.url, clientId: 'bid', clientSecret: 'bsec' }),
    );
    expect(t.accessToken).toBe('bs');
    expect(new URLSearchParams(s.requests[0]!.body).get('client_secret')).toBe('bsec');
  });

  test('brainysoft without customerKey or tokenUrl throws', () => {
    expect(() =>
      brainysoft({ clientId: 'a', clientSecret: 'b' } as unknown as Parameters<typeof brainysoft>[0]),
    ).toThrow();
  });

  test('chatlayer: default tokenUrl and client_secret_post', async () => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'c', expires_in: 60 }]);
    await manager().getToken(chatlayer({ clientId: 'cid', clientSecret: 'csec', http }));
    expect(seen[0]!.url).toBe(
      'https://auth.prod.europe-west1.gc.chatlayer.ai/auth/realms/Chatlayer/protocol/openid-connect/token',
    );
    expect(bodyParams(seen[0]!).get('client_secret')).toBe('csec');
    expect(headerOf(seen[0]!, 'Authorization')).toBeUndefined();
  });

  test('bankOfGeorgia: default tokenUrl and client_secret_basic', async () => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'g', expires_in: Date.now() + 600_000 }]);
    const t = await manager().getToken(bankOfGeorgia({ clientId: 'gid', clientSecret: 'gsec', http }));
    expect(seen[0]!.url).toBe('https://oauth2.bog.ge/auth/realms/bog/protocol/openid-connect/token');
    const [id, sec] = basicParts(headerOf(seen[0]!, 'Authorization'));
    expect([id, sec]).toEqual(['gid', 'gsec']);
    expect(bodyParams(seen[0]!).get('client_secret')).toBeNull();
    expect(t.accessToken).toBe('g');
  });

  test('presets accept tokenUrl to override the default (chatlayer, bankOfGeorgia)', async () => {
    const s = await tokenServer(() => okToken('o'));
    const m = manager();
    await m.getToken(chatlayer({ clientId: 'c', clientSecret: 'b', tokenUrl: s.url }));
    await m.getToken(bankOfGeorgia({ clientId: 'g', clientSecret: 'b', tokenUrl: s.url }));
    expect(s.requests).toHaveLength(2);
  });
});
