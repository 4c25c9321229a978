import axios, { type AxiosInstance } from 'axios';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { clientCredentials } from '../../src/client-credentials.js';
import { TokenRequestError } from '../../src/errors.js';
import { TokenManager } from '../../src/token-manager.js';
import type { TokenManagerOptions } from '../../src/token-manager-options.js';
import type { TokenProvider } from '../../src/token.js';
import type { TokenEvent } from '../../src/token-events.js';
import { DEFAULT_CLIENT, startAuthLab, type AuthLab } from '../support/auth-lab.js';

/**
 * Zero-wait rotation: inside the refresh window requests go on with the cached token while one
 * background refresh replaces it; only a token too close to expiry makes requests wait.
 */

let lab: AuthLab;
let manager: TokenManager;
let events: TokenEvent[];

beforeAll(async () => {
  lab = await startAuthLab();
});

afterAll(async () => {
  await lab.close();
});

beforeEach(() => {
  lab.resetStats();
  lab.setTokenFault(null);
  lab.setTokenDelay(0);
  events = [];
});

afterEach(() => {
  manager.dispose();
});

function setup(
  lifetimeMs: number,
  options: TokenManagerOptions = {},
  secret = DEFAULT_CLIENT.clientSecret,
): { tokens: TokenProvider; api: AxiosInstance } {
  lab.setTokenLifetime(lifetimeMs);
  manager = new TokenManager({ ...options, onEvent: (event) => events.push(event) });
  const tokens = clientCredentials({
    tokenUrl: lab.tokenUrl(),
    clientId: DEFAULT_CLIENT.clientId,
    clientSecret: secret,
    // One HTTP attempt per fetch: the counts below are fetches.
    retry: false,
  });
  const api = axios.create({ baseURL: lab.apiUrl });
  attachTokenAuth(api, { provider: tokens, manager });
  return { tokens, api };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sleepUntil = (at: number): Promise<void> => sleep(Math.max(0, at - Date.now()));

/** The token each API request carried, in order. */
function tokensSeen(): string[] {
  return lab.stats.apiRequestsLog.map((request) => request.headers['authorization'] ?? '');
}

function count(type: TokenEvent['type'], background?: boolean): number {
  return events.filter(
    (event) =>
      event.type === type &&
      (background === undefined || ('background' in event && event.background === background)),
  ).length;
}

describe('zero-wait rotation', () => {
  test('the request that starts the background refresh does not wait for the slow token endpoint', async () => {
    const { tokens, api } = setup(2000);
    lab.setTokenDelay(300);
    const first = await manager.getToken(tokens);
    const receivedAt = Date.now();
    // A 2 s token: the refresh window opens at half its lifetime, requests wait only in the last 500 ms.
    await sleepUntil(receivedAt + 1050);

    const response = await api.get('/during-rotation');

    expect(response.status).toBe(200);
    expect(lab.stats.apiRequestsLog[0]!.headers['authorization']).toBe(`Bearer ${first.accessToken}`);
    // The background fetch had started, and had not been answered, when the request resolved.
    expect(count('fetch', true)).toBe(1);
    expect(count('fetched')).toBe(1);

    await waitFor(() => count('fetched') === 2);
    const next = await manager.getToken(tokens);
    expect(next.accessToken).not.toBe(first.accessToken);
    expect(lab.stats.tokenRequests).toBe(2);
  });

  test('one background fetch per rotation, whatever the number of requests inside the window', async () => {
    const { tokens, api } = setup(2000);
    lab.setTokenDelay(200);
    const first = await manager.getToken(tokens);
    const receivedAt = Date.now();
    await sleepUntil(receivedAt + 1020);

    const burst = await Promise.all(Array.from({ length: 100 }, (_, i) => api.get(`/burst/${i}`)));
    expect(burst.every((response) => response.status === 200)).toBe(true);
    // Keep sending while the slow refresh is under way.
    while (count('fetched') < 2) {
      await api.get('/trickle');
      await sleep(10);
    }
    await api.get('/after');

    expect(lab.stats.tokenRequests).toBe(2);
    expect(count('fetch', true)).toBe(1);
    const seen = tokensSeen();
    expect(seen.slice(0, 100).every((value) => value === `Bearer ${first.accessToken}`)).toBe(true);
    expect(seen.at(-1)).not.toBe(`Bearer ${first.accessToken}`);
    expect(lab.stats.apiUnauthorized).toBe(0);
  });

  test('across rotations: one token request per rotation and no expired token is sent', async () => {
    const { api } = setup(1000);
    const started = Date.now();
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (Date.now() - started < 3000) {
        await api.get('/tick');
        sent += 1;
        await sleep(2);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    // Under the default 60 s skew a short token is replaced at half its lifetime: a rotation every 500 ms.
    const rotations = Math.ceil((Date.now() - started) / 500);
    expect(sent).toBeGreaterThan(100);
    expect(lab.stats.tokenRequests).toBeLessThanOrEqual(rotations + 1);
    expect(count('fetch', false)).toBe(1);
    expect(lab.stats.expiredTokenSeen).toBe(0);
    expect(lab.stats.apiUnauthorized).toBe(0);
  });
});

describe('a failing background refresh', () => {
  test('never fails a request: the old token serves until too little validity is left', async () => {
    const { tokens, api } = setup(2000, { minValidityMs: 200 });
    const first = await manager.getToken(tokens);
    const expiresAt = first.expiresAt!;
    lab.setTokenFault({ kind: 'status', status: 503 });

    // From half the lifetime (refresh window) to 250 ms before expiry: every request succeeds.
    await sleepUntil(expiresAt - 1000);
    let sent = 0;
    while (Date.now() < expiresAt - 250) {
      const response = await api.get('/x');
      expect(response.status).toBe(200);
      sent += 1;
      await sleep(10);
    }
    expect(sent).toBeGreaterThan(20);
    expect(new Set(tokensSeen())).toEqual(new Set([`Bearer ${first.accessToken}`]));
    expect(count('fetch_failed', true)).toBeGreaterThanOrEqual(1);
    // Tried again with back-off (at least 500 ms apart), never at request rate.
    expect(lab.stats.tokenRequests - 1).toBe(count('fetch', true));
    expect(count('fetch', true)).toBeLessThanOrEqual(2);

    // Past `expiresAt − minValidityMs` requests wait for a token, and the endpoint's error reaches them.
    await sleepUntil(expiresAt - 150);
    const error: unknown = await api.get('/late').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 503 });
    expect(lab.stats.expiredTokenSeen).toBe(0);
  });

  test('is tried again with back-off and the recovered token replaces the old one', async () => {
    const { tokens, api } = setup(4000, { minValidityMs: 200 });
    const first = await manager.getToken(tokens);
    lab.setTokenFault({ kind: 'times', count: 1, fault: { kind: 'status', status: 500 } });
    await sleepUntil(first.expiresAt! - 2000);
    while (count('fetched') < 2) {
      expect((await api.get('/x')).status).toBe(200);
      await sleep(10);
      if (Date.now() > first.expiresAt!) throw new Error('the background refresh never recovered');
    }
    await api.get('/after');
    expect(count('fetch_failed', true)).toBe(1);
    expect(count('fetch', true)).toBe(2);
    expect(lab.stats.tokenRequests).toBe(3);
    expect(tokensSeen().at(-1)).not.toBe(`Bearer ${first.accessToken}`);
    expect(lab.stats.apiUnauthorized).toBe(0);
  });
});

describe('the credentials failure cool-down', () => {
  test('callers within the cool-down get the same invalid_client error without a token request', async () => {
    const { api } = setup(60_000, { failureCooldownMs: 400 }, 'wrong-secret');
    const first: unknown = await api.get('/a').catch((e: unknown) => e);
    expect(first).toBeInstanceOf(TokenRequestError);
    expect(first).toMatchObject({ status: 401, code: 'invalid_client' });

    const concurrent = await Promise.allSettled(Array.from({ length: 20 }, () => api.get('/b')));
    const sequential: unknown[] = [];
    for (let i = 0; i < 10; i += 1) sequential.push(await api.get('/c').catch((e: unknown) => e));
    for (const outcome of concurrent) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBe(first);
    }
    for (const error of sequential) expect(error).toBe(first);
    expect(lab.stats.tokenRequests).toBe(1);
    expect(lab.stats.apiRequests).toBe(0);

    // After the cool-down the endpoint is asked again.
    await sleep(450);
    const later: unknown = await api.get('/d').catch((e: unknown) => e);
    expect(later).toBeInstanceOf(TokenRequestError);
    expect(later).not.toBe(first);
    expect(lab.stats.tokenRequests).toBe(2);
  });

  test('a transient failure (503) starts no cool-down', async () => {
    const { api } = setup(60_000, { failureCooldownMs: 5000 });
    lab.setTokenFault({ kind: 'times', count: 1, fault: { kind: 'status', status: 503 } });
    await expect(api.get('/a')).rejects.toMatchObject({ status: 503 });
    await expect(api.get('/b')).resolves.toMatchObject({ status: 200 });
    expect(lab.stats.tokenRequests).toBe(2);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(5);
  }
}
