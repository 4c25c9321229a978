import { inspect } from 'node:util';
import axios, { type AxiosInstance } from 'axios';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { bankOfGeorgia } from '../../src/bank-of-georgia.js';
import { brainysoft } from '../../src/brainysoft.js';
import { chatlayer } from '../../src/chatlayer.js';
import { clientCredentials } from '../../src/client-credentials.js';
import { TokenRequestError } from '../../src/errors.js';
import { gigachat } from '../../src/gigachat.js';
import type { TokenProvider } from '../../src/token.js';
import { TokenManager } from '../../src/token-manager.js';
import { DEFAULT_CLIENT, startAuthLab, type AuthLab, type TokenShape } from '../support/auth-lab.js';

const { clientId, clientSecret } = DEFAULT_CLIENT;
const authorizationKey = Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64');

interface Shape {
  name: string;
  shape: TokenShape;
  provider(lab: AuthLab, secret?: string): TokenProvider;
}

/** Every seed provider, pointed at the loopback lab speaking its vendor's wire format. */
const SHAPES: Shape[] = [
  {
    name: 'GigaChat (access_token + expires_at)',
    shape: 'gigachat',
    provider: (lab, secret = clientSecret) =>
      gigachat({ tokenUrl: lab.tokenUrl('gigachat'), clientId, clientSecret: secret }),
  },
  {
    name: 'GigaChat older (tok + exp), authorization key as given',
    shape: 'gigachat-legacy',
    provider: (lab, secret) =>
      gigachat({
        tokenUrl: lab.tokenUrl('gigachat-legacy'),
        credentials:
          secret === undefined ? authorizationKey : Buffer.from(`${clientId}:${secret}`).toString('base64'),
      }),
  },
  {
    name: 'Brainysoft (form body)',
    shape: 'brainysoft',
    provider: (lab, secret = clientSecret) =>
      brainysoft({ tokenUrl: lab.tokenUrl('brainysoft'), clientId, clientSecret: secret }),
  },
  {
    name: 'Brainysoft (query string)',
    shape: 'brainysoft',
    provider: (lab, secret = clientSecret) =>
      brainysoft({
        tokenUrl: lab.tokenUrl('brainysoft'),
        clientId,
        clientSecret: secret,
        authMethod: 'client_secret_query',
      }),
  },
  {
    name: 'Chatlayer (Keycloak, form body)',
    shape: 'chatlayer',
    provider: (lab, secret = clientSecret) =>
      chatlayer({ tokenUrl: lab.tokenUrl('chatlayer'), clientId, clientSecret: secret }),
  },
  {
    name: 'Bank of Georgia (Basic, epoch ms in expires_in)',
    shape: 'bog',
    provider: (lab, secret = clientSecret) =>
      bankOfGeorgia({ tokenUrl: lab.tokenUrl('bog'), clientId, clientSecret: secret }),
  },
  {
    name: 'RFC 6749 client credentials (form-encoded answer)',
    shape: 'form',
    provider: (lab, secret = clientSecret) =>
      clientCredentials({ tokenUrl: lab.tokenUrl('form'), clientId, clientSecret: secret }),
  },
];

let lab: AuthLab;

beforeAll(async () => {
  lab = await startAuthLab({ tokenLifetimeMs: 60_000 });
});
afterAll(async () => {
  await lab.close();
});
beforeEach(() => {
  lab.setTokenFault(null);
  lab.setApiFault(null);
  lab.setTokenLifetime(60_000);
  lab.setTokenDelay(0);
  lab.resetStats();
});

function client(provider: TokenProvider, manager = new TokenManager()): AxiosInstance {
  const api = axios.create({ baseURL: lab.apiUrl });
  attachTokenAuth(api, { provider, manager });
  return api;
}

describe.each(SHAPES)('$name', ({ provider }) => {
  it('turns 200 concurrent cold requests into exactly 1 token request', async () => {
    const api = client(provider(lab));
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => api.get(`/items/${i}`)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(lab.stats.tokenRequests).toBe(1);
  });

  it('after every token is revoked, 100 concurrent requests cause exactly 1 refresh and all succeed', async () => {
    const api = client(provider(lab));
    await api.get('/warm');
    lab.revokeAll();
    const responses = await Promise.all(Array.from({ length: 100 }, () => api.get('/x')));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(lab.stats.tokenRequests).toBe(2);
  });

  it('makes exactly 2 attempts per request against an API that always answers 401', async () => {
    const api = client(provider(lab));
    lab.setApiFault('always-401');
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => api.get('/x')));
    expect(results.every((r) => r.status === 'rejected' && axios.isAxiosError(r.reason))).toBe(true);
    expect(lab.stats.apiRequests).toBe(10);
    expect(lab.stats.tokenRequests).toBe(2);
  });

  it('rejects with a TokenRequestError naming the provider when the secret is wrong, leaking nothing', async () => {
    const wrong = 'wrong-secret-Zq9:%+';
    const api = client(provider(lab, wrong));
    const error = await api.get('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_client' });
    const texts = [
      String(error),
      (error as Error).stack ?? '',
      JSON.stringify(error),
      inspect(error, { depth: Infinity, showHidden: true }),
    ].join('\n');
    expect(texts).toContain((error as TokenRequestError).providerKey);
    for (const secret of [
      wrong,
      encodeURIComponent(wrong),
      Buffer.from(`${clientId}:${wrong}`).toString('base64'),
    ]) {
      expect(texts).not.toContain(secret);
    }
    expect(lab.stats.apiRequests).toBe(0);
  });
});

it('never lets an expired token reach the API: 2-second tokens over 5 seconds of traffic, every shape at once', async () => {
  lab.setTokenLifetime(2000);
  const runs = SHAPES.map(async ({ provider }) => {
    const api = client(provider(lab));
    const deadline = Date.now() + 5000;
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (Date.now() < deadline) {
        const response = await api.get('/tick');
        expect(response.status).toBe(200);
        sent += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return sent;
  });
  const sent = await Promise.all(runs);
  expect(sent.every((n) => n > 50)).toBe(true);
  expect(lab.stats.expiredTokenSeen).toBe(0);
  expect(lab.stats.apiUnauthorized).toBe(0);
  // About 5 s / 2 s rotations per shape, plus the first token: never one per request.
  expect(lab.stats.tokenRequests).toBeLessThanOrEqual(SHAPES.length * 6);
}, 20_000);

it('reports a clear error while the token endpoint is down, and recovers when it is back', async () => {
  const api = client(clientCredentials({ tokenUrl: lab.tokenUrl(), clientId, clientSecret, retry: false }));
  lab.setTokenFault({ kind: 'down' });
  const error = await api.get('/x').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TokenRequestError);
  expect(error).toMatchObject({ code: 'network_error' });
  expect((error as Error).message).toContain(lab.tokenUrl());
  lab.setTokenFault(null);
  await expect(api.get('/x')).resolves.toMatchObject({ status: 200 });
});

it('cancels a request aborted while it waits for the token; the shared fetch serves the others', async () => {
  lab.setTokenDelay(300);
  const api = client(clientCredentials({ tokenUrl: lab.tokenUrl(), clientId, clientSecret }));
  const controller = new AbortController();
  const aborted = api.get('/a', { signal: controller.signal });
  const others = Promise.all([api.get('/b'), api.get('/c')]);
  setTimeout(() => controller.abort(), 20);
  const error = await aborted.catch((e: unknown) => e);
  expect(axios.isCancel(error)).toBe(true);
  await expect(others).resolves.toHaveLength(2);
  expect(lab.stats.tokenRequests).toBe(1);
  expect(lab.stats.apiRequests).toBe(2);
});

it('keeps the access token out of the API error the application receives', async () => {
  const api = client(clientCredentials({ tokenUrl: lab.tokenUrl(), clientId, clientSecret }));
  lab.setApiFault('403');
  const error = await api.get('/forbidden').catch((e: unknown) => e);
  expect(axios.isAxiosError(error) && error.response?.status).toBe(403);
  const issued = lab.stats.tokenRequests;
  expect(issued).toBe(1);
  const texts = [JSON.stringify(error), inspect(error, { depth: 6 })].join('\n');
  expect(texts).not.toMatch(/Bearer [A-Za-z0-9_-]{16,}/);
  // The application can still replay the config: the interceptor attaches a fresh token.
  await expect(api.request((error as { config: object }).config)).rejects.toMatchObject({
    response: { status: 403 },
  });
  expect(lab.stats.apiRequestsLog.at(-1)?.headers.authorization).toMatch(/^Bearer /);
});

it('never sends the token request through the interceptors, even when given the attached instance as `http`', async () => {
  const api = axios.create({ baseURL: lab.apiUrl });
  attachTokenAuth(api, {
    manager: new TokenManager(),
    provider: clientCredentials({ tokenUrl: lab.tokenUrl(), clientId, clientSecret, http: api }),
  });
  await expect(api.get('/x')).resolves.toMatchObject({ status: 200 });
  expect(lab.stats.tokenRequests).toBe(1);
  expect(lab.stats.tokenRequestsLog[0]?.headers.authorization).toMatch(/^Basic /);
});
