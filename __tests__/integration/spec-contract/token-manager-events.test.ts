import { inspect } from 'node:util';
import { attachTokenAuth, clientCredentials } from '../../../src/index.js';
import {
  api,
  fakeProvider,
  manager,
  okToken,
  rejection,
  tokenServer,
} from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: new TokenManager(options) — onEvent.

describe('TokenManager', () => {
  test('onEvent: fetch and fetched (with expiresAt), with type and key', async () => {
    const events: Record<string, unknown>[] = [];
    const expiresAt = Date.now() + 600_000;
    const p = fakeProvider('ev', () => ({ expiresAt }));
    await manager({ onEvent: (e) => void events.push(e as unknown as Record<string, unknown>) }).getToken(p);
    expect(events.find((e) => e.type === 'fetch')).toMatchObject({ type: 'fetch', key: 'ev' });
    expect(events.find((e) => e.type === 'fetched')).toMatchObject({ type: 'fetched', key: 'ev', expiresAt });
  });

  test('onEvent: fetch_failed with the error', async () => {
    const events: Record<string, unknown>[] = [];
    const boom = new Error('nope');
    const p = fakeProvider('ev-fail', () => {
      throw boom;
    });
    await rejection(
      manager({ onEvent: (e) => void events.push(e as unknown as Record<string, unknown>) }).getToken(p),
    );
    const failed = events.find((e) => e.type === 'fetch_failed');
    expect(failed).toMatchObject({ type: 'fetch_failed', key: 'ev-fail' });
    // what a custom provider threw is reported as the TokenRequestError a request would see
    expect(failed!.error).toBeInstanceOf(Error);
    expect(String((failed!.error as Error).message)).toContain('nope');
  });

  test('onEvent: invalidated', async () => {
    const events: Record<string, unknown>[] = [];
    const p = fakeProvider('ev-inv');
    const m = manager({ onEvent: (e) => void events.push(e as unknown as Record<string, unknown>) });
    await m.getToken(p);
    await m.invalidate('ev-inv', 'tok-1');
    expect(events.find((e) => e.type === 'invalidated')).toMatchObject({
      type: 'invalidated',
      key: 'ev-inv',
    });
  });

  test('a no-op compare-and-invalidate emits no invalidated event', async () => {
    const events: string[] = [];
    const p = fakeProvider('noop-inv');
    const m = manager({ onEvent: (e) => void events.push(e.type) });
    await m.getToken(p);
    await m.invalidate('noop-inv', 'stale');
    expect(events).not.toContain('invalidated');
  });

  test('onEvent: retry (a request replayed after 401); events never carry a secret or a token', async () => {
    const events: Record<string, unknown>[] = [];
    const s = await tokenServer((_r, n) => okToken(`secret-token-${n}`));
    const m = manager({ onEvent: (e) => void events.push(e as unknown as Record<string, unknown>) });
    const { instance } = api((_a, n) => (n === 1 ? 401 : 200));
    attachTokenAuth(instance, {
      provider: clientCredentials({ tokenUrl: s.url, clientId: 'cid', clientSecret: 'client-secret-value' }),
      manager: m,
    });
    await instance.get('/x');
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['fetch', 'fetched', 'invalidated', 'retry']),
    );
    const text = inspect(events, { depth: 10 }) + JSON.stringify(events);
    expect(text).not.toContain('secret-token-');
    expect(text).not.toContain('client-secret-value');
  });

  test('a throwing onEvent does not break the request path', async () => {
    const p = fakeProvider('ev-throw');
    const m = manager({
      onEvent: () => {
        throw new Error('logger down');
      },
    });
    expect((await m.getToken(p)).accessToken).toBe('tok-1');
  });
});
