import axios, { type AxiosInstance } from 'axios';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { clientCredentials } from '../../src/client-credentials.js';
import { TokenRequestError } from '../../src/errors.js';
import { TokenManager } from '../../src/token-manager.js';
import type { TokenProvider } from '../../src/token.js';
import {
  API_SCOPE,
  BASIC_CLIENT,
  POST_CLIENT,
  startOidcServer,
  type OidcClient,
  type OidcServer,
} from '../support/oidc-server.js';

let server: OidcServer;
let manager: TokenManager;

beforeAll(async () => {
  server = await startOidcServer({ accessTokenTtlSeconds: 2 });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.resetStats();
  server.setAccessTokenTtl(2);
  manager = new TokenManager();
});

afterEach(() => {
  manager.dispose();
});

function providerFor(client: OidcClient, key?: string): TokenProvider {
  return clientCredentials({
    tokenUrl: server.tokenUrl,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    authMethod: client.authMethod,
    scope: API_SCOPE,
    ...(key === undefined ? {} : { key }),
  });
}

function apiFor(provider: TokenProvider): AxiosInstance {
  const api = axios.create({ baseURL: server.apiUrl });
  attachTokenAuth(api, { provider, manager });
  return api;
}

/** The `exp` claim of a JWT, epoch ms. */
function jwtExp(jwt: string): number {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    exp: number;
  };
  return payload.exp * 1000;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('against oidc-provider (client credentials, JWT access tokens)', () => {
  test.each([BASIC_CLIENT, POST_CLIENT])('authenticates with $authMethod', async (client) => {
    const api = apiFor(providerFor(client));
    const response = await api.get('/me');
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ ok: true, path: '/api/me', method: 'GET', client: client.clientId });
    expect(server.stats.tokenRequests).toBe(1);
    expect(server.stats.tokenRequestsLog[0]?.credentialsIn).toBe(
      client.authMethod === 'client_secret_basic' ? 'basic' : 'body',
    );
    expect(server.stats.apiRequestsLog[0]?.claims).toMatchObject({
      client_id: client.clientId,
      scope: API_SCOPE,
    });
  });

  test('a wrong secret is an invalid_client TokenRequestError that names no secret', async () => {
    const api = apiFor(providerFor({ ...BASIC_CLIENT, clientSecret: 'not-the-secret' }));
    const error: unknown = await api.get('/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_client' });
    expect(JSON.stringify(error)).not.toContain('not-the-secret');
    expect(server.stats.tokenRequests).toBe(1);
    expect(server.stats.apiRequests).toBe(0);
  });

  test('200 concurrent cold requests cause one token request', async () => {
    const api = apiFor(providerFor(BASIC_CLIENT));
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => api.get(`/item/${i}`)));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(server.stats.tokenRequests).toBe(1);
    expect(server.stats.tokensIssued).toBe(1);
    expect(server.stats.apiRequests).toBe(200);
    expect(server.stats.apiUnauthorized).toBe(0);
  });

  test('two instances with equal provider settings share one token', async () => {
    const first = apiFor(providerFor(POST_CLIENT));
    const second = apiFor(providerFor(POST_CLIENT));
    await Promise.all([first.get('/a'), second.get('/b'), first.get('/c'), second.get('/d')]);
    expect(server.stats.tokenRequests).toBe(1);
  });

  test('2-second tokens over 5 s of traffic: no expired token reaches the API', async () => {
    const api = apiFor(providerFor(BASIC_CLIENT));
    const started = Date.now();
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (Date.now() - started < 5000) {
        sent += 1;
        await api.get('/tick');
        await sleep(5);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    expect(sent).toBeGreaterThan(100);
    expect(server.stats.expiredTokenSeen).toBe(0);
    expect(server.stats.apiUnauthorized).toBe(0);
    expect(server.stats.apiRequests).toBe(sent);
    // About one rotation per second (at half the lifetime), never one per request.
    expect(server.stats.tokenRequests).toBeGreaterThanOrEqual(3);
    expect(server.stats.tokenRequests).toBeLessThanOrEqual(7);
  });

  // oidc-provider sets `exp = floor(now in s) + ttl` and answers `expires_in: ttl`, so the JWT can
  // expire up to 1 s before `receivedAt + expires_in`. A token issued at x.6 s with a 2 s lifetime
  // expires at (x+2).0 on the server, 1.4 s after issue, while the client's zero-wait window runs
  // from 1.0 s to 1.5 s: a request sent at 1.45 s carries a token the API rejects as expired.
  test('a request inside the rotation window never carries a token past its JWT exp', async () => {
    const provider = providerFor(BASIC_CLIENT);
    const api = apiFor(provider);
    await sleep((1600 - (Date.now() % 1000)) % 1000);
    const token = await manager.getToken(provider);
    const receivedAt = Date.now();
    const exp = jwtExp(token.accessToken);
    const issueToExpiry = exp - receivedAt;
    // Precondition of the scenario: the server's expiry falls inside the zero-wait window.
    expect(issueToExpiry).toBeGreaterThan(1050);
    expect(issueToExpiry).toBeLessThan(1450);
    await sleep(exp - Date.now() + 20);
    const response = await api.get('/late').catch((e: unknown) => e);
    expect(server.stats.expiredTokenSeen).toBe(0);
    expect(axios.isAxiosError(response)).toBe(false);
  });

  test('revoked tokens: a storm of 401s causes one refresh and every request succeeds', async () => {
    server.setAccessTokenTtl(60);
    const api = apiFor(providerFor(BASIC_CLIENT));
    await api.get('/warm');
    expect(server.stats.tokenRequests).toBe(1);
    server.revokeAll();
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => api.get(`/after/${i}`)));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(server.stats.tokenRequests).toBe(2);
    expect(server.stats.revokedTokenSeen).toBe(50);
    expect(server.stats.apiUnauthorized).toBe(50);
    // 1 warm-up + 50 refused + 50 replayed.
    expect(server.stats.apiRequests).toBe(101);
  });

  test('a token the API keeps refusing is retried once, then the 401 rejects', async () => {
    server.setAccessTokenTtl(60);
    const api = apiFor(providerFor(POST_CLIENT));
    await api.get('/warm');
    // Every token, the one fetched for the replay too, is refused.
    server.revokeAll();
    server.setRevokeOnIssue(true);
    try {
      const error: unknown = await api.get('/denied').catch((e: unknown) => e);
      expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
    } finally {
      server.setRevokeOnIssue(false);
    }
    expect(server.stats.tokenRequests).toBe(2);
    expect(server.stats.apiRequests).toBe(3);
  });
});
