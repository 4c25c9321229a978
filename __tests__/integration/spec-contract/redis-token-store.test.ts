import Redis from 'ioredis';
import { type Token, type TokenProvider } from '../../../src/index.js';
import { RedisTokenStore } from '../../../src/redis.js';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { deferred, fakeProvider, manager, sleep } from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: Scaling out: RedisTokenStore.

describeWithRedis('Shared stores: RedisTokenStore', () => {
  let server: RedisServer;
  let redisPort = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    redisPort = server.port;
  });

  afterAll(async () => {
    await server.stop();
  });

  const clients: Redis[] = [];
  function client(): Redis {
    const c = new Redis({ port: redisPort });
    clients.push(c);
    return c;
  }
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => (c.status === 'ready' ? c.quit() : c.disconnect())));
  });

  test('RedisTokenStore(client, { prefix }): tokens stored as plain JSON under the prefix', async () => {
    const c = client();
    const store = new RedisTokenStore(c, { prefix: 'spec-json:' });
    const token: Token = {
      accessToken: 'redis-tok',
      tokenType: 'Bearer',
      expiresAt: Date.now() + 600_000,
      raw: {},
    };
    await store.set('k1', token, 600_000);
    const keys = await c.keys('spec-json:*');
    expect(keys.length).toBeGreaterThan(0);
    const values = await Promise.all(keys.map((k) => c.get(k)));
    const stored = values.map((v) => {
      try {
        return JSON.parse(v ?? '') as { accessToken?: string };
      } catch {
        return {};
      }
    });
    expect(stored.some((v) => v.accessToken === 'redis-tok')).toBe(true);
    expect((await store.get('k1'))?.accessToken).toBe('redis-tok');
  });

  test('RedisTokenStore: set with ttlMs sets a Redis expiry', async () => {
    const c = client();
    const store = new RedisTokenStore(c, { prefix: 'spec-ttl:' });
    await store.set(
      'k',
      { accessToken: 't', tokenType: 'Bearer', expiresAt: Date.now() + 5_000, raw: {} },
      5_000,
    );
    const [key] = await c.keys('spec-ttl:*');
    const pttl = await c.pttl(key!);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5_000);
  });

  test('RedisTokenStore: encryptionKey set → the stored value does not reveal the token', async () => {
    const c = client();
    const store = new RedisTokenStore(c, {
      prefix: 'spec-enc:',
      encryptionKey: Buffer.alloc(32, 7).toString('base64'),
    });
    await store.set(
      'k',
      { accessToken: 'enc-tok-xyz', tokenType: 'Bearer', expiresAt: Date.now() + 60_000, raw: {} },
      60_000,
    );
    const keys = await c.keys('spec-enc:*');
    const values = await Promise.all(keys.map((k) => c.get(k)));
    expect(values.join('')).not.toContain('enc-tok-xyz');
    expect((await store.get('k'))?.accessToken).toBe('enc-tok-xyz');
  });

  test('RedisTokenStore: delete(key, accessToken) is compare-and-delete', async () => {
    const c = client();
    const store = new RedisTokenStore(c, { prefix: 'spec-cad:' });
    await store.set(
      'k',
      { accessToken: 'keep', tokenType: 'Bearer', expiresAt: Date.now() + 60_000, raw: {} },
      60_000,
    );
    await store.delete('k', 'other');
    expect((await store.get('k'))?.accessToken).toBe('keep');
    await store.delete('k', 'keep');
    expect(await store.get('k')).toBeFalsy();
  });

  test('RedisTokenStore adds no listeners to the application’s client', async () => {
    const c = client();
    await c.ping();
    const before = c.eventNames().map((n) => `${String(n)}:${c.listenerCount(n)}`);
    const store = new RedisTokenStore(c, { prefix: 'spec-lst:', lockTtlMs: 5_000, timeoutMs: 1_000 });
    const p = fakeProvider('lst');
    await manager({ store }).getToken(p);
    const after = c.eventNames().map((n) => `${String(n)}:${c.listenerCount(n)}`);
    expect(after).toEqual(before);
  });

  test('RedisTokenStore: two processes (managers, clients) share one fetch via singleFlight', async () => {
    const gate = deferred<void>();
    let calls = 0;
    const make = (): TokenProvider => ({
      key: 'fleet',
      async fetchToken() {
        calls += 1;
        await gate.promise;
        return { accessToken: 'fleet-tok', tokenType: 'Bearer', expiresAt: Date.now() + 600_000, raw: {} };
      },
    });
    const m1 = manager({ store: new RedisTokenStore(client(), { prefix: 'spec-fleet:' }) });
    const m2 = manager({ store: new RedisTokenStore(client(), { prefix: 'spec-fleet:' }) });
    const a = m1.getToken(make());
    await sleep(100);
    const b = m2.getToken(make());
    await sleep(100);
    gate.resolve();
    const [ta, tb] = await Promise.all([a, b]);
    expect(ta.accessToken).toBe('fleet-tok');
    expect(tb.accessToken).toBe('fleet-tok');
    expect(calls).toBe(1);
  });

  test('RedisTokenStore: timeoutMs bounds every command: a dead Redis costs a fetch, never a failed request', async () => {
    const dead = new Redis({
      port: 1,
      lazyConnect: true,
      maxRetriesPerRequest: null,
      retryStrategy: () => null,
    });
    dead.on('error', () => undefined);
    clients.push(dead);
    const store = new RedisTokenStore(dead, { prefix: 'spec-dead:', timeoutMs: 200 });
    const p = fakeProvider('dead-redis');
    const started = Date.now();
    const t = await manager({ store }).getToken(p);
    expect(t.accessToken).toBe('tok-1');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test('RedisTokenStore works with a node-redis client too (JSON, compare-and-delete, no listeners added)', async () => {
    const { createClient } = await import('redis');
    const c = createClient({ url: `redis://127.0.0.1:${redisPort}` });
    c.on('error', () => undefined);
    await c.connect();
    try {
      const before = c.eventNames().map((n) => `${String(n)}:${c.listenerCount(n)}`);
      const store = new RedisTokenStore(c, { prefix: 'spec-node:' });
      const m = manager({ store });
      const p = fakeProvider('node-redis');
      await m.getToken(p);
      const keys = await c.keys('spec-node:*');
      const values = await Promise.all(keys.map((k) => c.get(k)));
      expect(
        values.some((v) => v !== null && (JSON.parse(v) as { accessToken?: string }).accessToken === 'tok-1'),
      ).toBe(true);
      await m.invalidate('node-redis', 'tok-1');
      expect(await store.get('node-redis')).toBeFalsy();
      expect(c.eventNames().map((n) => `${String(n)}:${c.listenerCount(n)}`)).toEqual(before);
    } finally {
      await c.quit();
    }
  });
});
