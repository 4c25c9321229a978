import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import type { RedisClient } from '../src/redis-client.js';
import { createTokenCipher } from '../src/token-cipher.js';
import { RedisTokenStore, type RedisTokenStoreOptions } from '../src/redis.js';
import type { TokenProvider } from '../src/token.js';
import type { TokenEvent } from '../src/token-events.js';
import { TokenManager } from '../src/token-manager.js';
import { connectRedis, REDIS_CLIENT_KINDS, type TestRedisClient } from './support/redis-clients.js';
import { describeWithRedis, startRedisServer, type RedisServer } from './support/redis-server.js';
import { describeTokenStoreConformance, storedToken } from './support/token-store-conformance.js';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 9).toString('base64');

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const token = storedToken;

/** Records every command sent through an ioredis-shaped client. */
function recording(target: RedisClient, log: string[][]): RedisClient {
  const io = target as {
    status: string;
    call(command: string, ...args: (string | number)[]): Promise<unknown>;
  };
  return {
    get status() {
      return io.status;
    },
    call: (command: string, ...args: (string | number)[]) => {
      log.push([command, ...args.map(String)]);
      return io.call(command, ...args);
    },
  };
}

describe('RedisTokenStore without a server', () => {
  it('admits, as an optional peer, every client version it supports (ioredis 5+, node-redis 4+)', () => {
    const { peerDependencies } = JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
    };
    // npm refuses to install next to a peer outside the range, even an optional one.
    expect(peerDependencies['ioredis']).toBe('>=5.0.0');
    expect(peerDependencies['redis']).toBe('>=4.0.0');
  });

  it('refuses something that is neither an ioredis nor a node-redis client', () => {
    expect(() => new RedisTokenStore({} as RedisClient)).toThrow(/ioredis .* or node-redis/);
    expect(() => new RedisTokenStore(null as unknown as RedisClient)).toThrow(/ioredis .* or node-redis/);
  });

  it('refuses invalid options', () => {
    const client: RedisClient = { status: 'ready', call: async () => null };
    for (const name of ['lockTtlMs', 'waitTimeoutMs', 'timeoutMs', 'pollIntervalMs'] as const) {
      for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => new RedisTokenStore(client, { [name]: value })).toThrow(name);
      }
    }
    expect(() => new RedisTokenStore(client, { encryptionKey: 'c2hvcnQ=' })).toThrow(/32 bytes/);
  });

  it('times a command out after timeoutMs', async () => {
    const client: RedisClient = { status: 'ready', call: () => new Promise(() => undefined) };
    const store = new RedisTokenStore(client, { timeoutMs: 30 });
    await expect(store.get('k')).rejects.toMatchObject({ code: 'redis_timeout' });
  });

  it('clamps a timeoutMs beyond the longest timer delay instead of timing out at once', async () => {
    const client: RedisClient = {
      status: 'ready',
      call: () => new Promise((resolve) => setTimeout(() => resolve(null), 30)),
    };
    const store = new RedisTokenStore(client, { timeoutMs: 2 ** 31 });
    await expect(store.get('k')).resolves.toBeUndefined();
  });

  it('fails at once, sending nothing, while ioredis reconnects', async () => {
    const call = jest.fn(async () => null);
    const store = new RedisTokenStore({ status: 'reconnecting', call }, { timeoutMs: 60_000 });
    await expect(store.get('k')).rejects.toMatchObject({ code: 'redis_unavailable' });
    await expect(store.singleFlight('k', async () => 'ran')).rejects.toMatchObject({
      code: 'redis_unavailable',
    });
    expect(call).not.toHaveBeenCalled();
  });

  it('fails at once while a node-redis client that was ready is not', async () => {
    const client = { isOpen: true, isReady: true, sendCommand: jest.fn(async () => 'OK') };
    const store = new RedisTokenStore(client, { timeoutMs: 60_000 });
    await store.set('k', token('t'), 1000);
    client.isReady = false;
    await expect(store.get('k')).rejects.toMatchObject({ code: 'redis_unavailable' });
    expect(client.sendCommand).toHaveBeenCalledTimes(1);
  });

  it('refuses a prefix that is not a string', () => {
    const client: RedisClient = { status: 'ready', call: async () => null };
    expect(() => new RedisTokenStore(client, { prefix: 42 as unknown as string })).toThrow(
      expect.objectContaining({ name: 'TokenAuthConfigError', message: expect.stringMatching(/prefix/) }),
    );
  });

  it('reads a value a node-redis client hands back as bytes (a RESP type mapping)', async () => {
    const stored = token('from-bytes');
    const client = {
      isOpen: true,
      isReady: true,
      sendCommand: async () => [new TextEncoder().encode(JSON.stringify(stored)), 5_000],
    };
    await expect(new RedisTokenStore(client).get('k')).resolves.toMatchObject({ accessToken: 'from-bytes' });
  });

  it('treats an encrypted value that is malformed, or opens to no token, as absent', async () => {
    const redisKey = 'axios-token-flight:token:k';
    const notAToken = await createTokenCipher(KEY).seal(JSON.stringify({ hello: 'world' }), redisKey);
    for (const value of [
      { v: 1, iv: 5, data: 'x' },
      { h: 'fingerprint', ...notAToken },
    ]) {
      const client: RedisClient = { status: 'ready', call: async () => [JSON.stringify(value), 5_000] };
      await expect(new RedisTokenStore(client, { encryptionKey: KEY }).get('k')).resolves.toBeUndefined();
    }
  });

  it('keeps the token out of the error of a compare-and-delete, whose arguments are no JSON', async () => {
    const secret = 'access-token-that-must-not-leak';
    const client: RedisClient = {
      status: 'ready',
      call: (...args) => Promise.reject(new Error(`ERR bad arguments ${args.join(' ')}`)),
    };
    const error = await new RedisTokenStore(client).delete('k', secret).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error).toMatchObject({ code: 'redis_error' });
    expect(error?.message).not.toContain(secret);
  });

  it('describes a failure without a message, and cuts a long one', async () => {
    const failing = (reason: unknown): RedisClient => ({
      status: 'ready',
      call: () => Promise.reject(reason),
    });
    await expect(new RedisTokenStore(failing({ code: 'EX' })).delete('k')).rejects.toMatchObject({
      code: 'redis_error',
      message: 'Redis DEL failed: unknown error',
    });
    await expect(
      new RedisTokenStore(failing(new Error('x'.repeat(1_000)))).delete('k'),
    ).rejects.toMatchObject({
      message: `Redis DEL failed: ${'x'.repeat(300)}…`,
    });
  });

  it('keeps command arguments (tokens) out of errors', async () => {
    const secret = 'access-token-that-must-not-leak';
    const failure = Object.assign(new Error(`ERR something about ${secret}`), {
      command: { args: [secret] },
    });
    const store = new RedisTokenStore({ status: 'ready', call: () => Promise.reject(failure) });
    const error = await store.set('k', token(secret), 1000).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'redis_error' });
    expect(inspect(error, { depth: 5 }) + JSON.stringify(error)).not.toContain(secret);
    expect((error as Error).cause).toBeUndefined();
  });
});

describeWithRedis('RedisTokenStore on a real redis-server', () => {
  let server: RedisServer;
  const clients = new Map<string, TestRedisClient>();
  const client = (kind: string): TestRedisClient => clients.get(kind)!;

  beforeAll(async () => {
    server = await startRedisServer();
    for (const kind of REDIS_CLIENT_KINDS) clients.set(kind, await connectRedis(kind, server.url));
  });
  afterAll(async () => {
    for (const each of clients.values()) await each.close();
    await server?.stop();
  });

  const fresh = (kind: string, options: RedisTokenStoreOptions = {}): RedisTokenStore =>
    new RedisTokenStore(client(kind).client, { prefix: `test-${randomUUID()}:`, ...options });

  for (const kind of REDIS_CLIENT_KINDS) {
    describeTokenStoreConformance(`RedisTokenStore with ${kind}`, () => fresh(kind, { pollIntervalMs: 10 }), {
      singleFlight: true,
    });
    describeTokenStoreConformance(
      `RedisTokenStore with ${kind} and encryptionKey`,
      () => fresh(kind, { pollIntervalMs: 10, encryptionKey: KEY }),
      { singleFlight: true },
    );
  }

  describe.each(REDIS_CLIENT_KINDS)('with %s', (kind) => {
    it('stores JSON under prefix + "token:" + key, with the Redis TTL of ttlMs', async () => {
      const store = new RedisTokenStore(client(kind).client, { prefix: `p-${kind}:` });
      const stored = token('visible', { scope: 's' });
      await store.set('provider-1', stored, 5_000);
      const value = await client(kind).command(['GET', `p-${kind}:token:provider-1`]);
      expect(JSON.parse(String(value))).toEqual(stored);
      const ttl = Number(await client(kind).command(['PTTL', `p-${kind}:token:provider-1`]));
      expect(ttl).toBeGreaterThan(4_000);
      expect(ttl).toBeLessThanOrEqual(5_000);
    });

    it('uses the default prefix "axios-token-flight:"', async () => {
      const store = new RedisTokenStore(client(kind).client);
      await store.set(`default-${kind}`, token('t'), 5_000);
      expect(await client(kind).command(['EXISTS', `axios-token-flight:token:default-${kind}`])).toBe(1);
      await store.delete(`default-${kind}`);
    });

    it('holds prefix + "lock:" + key, with owner and lockTtlMs, only while fn runs', async () => {
      const store = new RedisTokenStore(client(kind).client, { prefix: `l-${kind}:`, lockTtlMs: 3_000 });
      const lockKey = `l-${kind}:lock:provider`;
      const seen = await store.singleFlight('provider', async () => ({
        owner: await client(kind).command(['GET', lockKey]),
        ttl: Number(await client(kind).command(['PTTL', lockKey])),
      }));
      expect(typeof seen.owner).toBe('string');
      expect(seen.ttl).toBeGreaterThan(2_000);
      expect(seen.ttl).toBeLessThanOrEqual(3_000);
      await wait(20); // the release is not awaited by singleFlight
      expect(await client(kind).command(['EXISTS', lockKey])).toBe(0);
    });

    it('releases only its own lock', async () => {
      const prefix = `own-${randomUUID()}:`;
      const lockKey = `${prefix}lock:k`;
      const store = new RedisTokenStore(client(kind).client, { prefix, lockTtlMs: 50 });
      await store.singleFlight('k', async () => {
        await wait(120); // longer than lockTtlMs: renewed meanwhile, still ours
        expect(await client(kind).command(['EXISTS', lockKey])).toBe(1);
      });
      await wait(10);
      expect(await client(kind).command(['EXISTS', lockKey])).toBe(0);
      // A lock another owner holds is left alone by the compare-and-delete release.
      await client(kind).command(['SET', lockKey, 'someone-else', 'PX', '5000']);
      const impatient = new RedisTokenStore(client(kind).client, { prefix, waitTimeoutMs: 30 });
      await expect(impatient.singleFlight('k', async () => 'ran without the lock')).resolves.toBe(
        'ran without the lock',
      );
      await wait(10);
      expect(await client(kind).command(['GET', lockKey])).toBe('someone-else');
    });

    it('renews the lock while fn runs longer than lockTtlMs', async () => {
      const prefix = `renew-${randomUUID()}:`;
      const first = new RedisTokenStore(client(kind).client, { prefix, lockTtlMs: 90, pollIntervalMs: 10 });
      const second = new RedisTokenStore(client(kind).client, { prefix, lockTtlMs: 90, pollIntervalMs: 10 });
      const order: string[] = [];
      const slow = first.singleFlight('k', async () => {
        order.push('first start');
        await wait(400);
        order.push('first end');
      });
      await wait(20);
      await second.singleFlight('k', async () => {
        order.push('second');
      });
      await slow;
      expect(order).toEqual(['first start', 'first end', 'second']);
    });

    it('takes over once the lock of a holder that died lapses', async () => {
      const prefix = `dead-${randomUUID()}:`;
      const store = new RedisTokenStore(client(kind).client, {
        prefix,
        lockTtlMs: 1_000,
        pollIntervalMs: 10,
        waitTimeoutMs: 10_000,
      });
      const lockKey = `${prefix}lock:dead`;
      await client(kind).command(['SET', lockKey, 'dead-holder', 'PX', '200']);
      const started = Date.now();
      const owner = await store.singleFlight('dead', async () => client(kind).command(['GET', lockKey]));
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(owner).not.toBe('dead-holder');
    });

    it('runs fn without the lock after waitTimeoutMs', async () => {
      const prefix = `stuck-${randomUUID()}:`;
      const store = new RedisTokenStore(client(kind).client, {
        prefix,
        waitTimeoutMs: 100,
        pollIntervalMs: 10,
      });
      const lockKey = `${prefix}lock:stuck`;
      await client(kind).command(['SET', lockKey, 'stuck-holder', 'PX', '10000']);
      const fn = jest.fn(async () => 'done');
      await expect(store.singleFlight('stuck', fn)).resolves.toBe('done');
      expect(fn).toHaveBeenCalledTimes(1);
      expect(await client(kind).command(['GET', lockKey])).toBe('stuck-holder');
    });

    it('gives up after waitTimeoutMs even when the clock is set back meanwhile', async () => {
      const prefix = `stepped-${randomUUID()}:`;
      const store = new RedisTokenStore(client(kind).client, {
        prefix,
        waitTimeoutMs: 100,
        pollIntervalMs: 10,
      });
      await client(kind).command(['SET', `${prefix}lock:stuck`, 'stuck-holder', 'PX', '10000']);
      const realNow = Date.now.bind(Date);
      let setBack = 0;
      const now = jest.spyOn(Date, 'now').mockImplementation(() => realNow() - setBack);
      // NTP or a user sets the clock back an hour while the store waits for the lock.
      setTimeout(() => (setBack = 3_600_000), 30);
      try {
        const started = performance.now();
        await expect(store.singleFlight('stuck', async () => 'done')).resolves.toBe('done');
        expect(performance.now() - started).toBeLessThan(2000);
      } finally {
        now.mockRestore();
      }
    });

    it('adds no listener to the application client', async () => {
      const before = client(kind).listeners();
      const store = fresh(kind);
      await store.set('k', token('t'), 1000);
      await store.get('k');
      await store.delete('k', 't');
      await store.singleFlight('k', async () => undefined);
      expect(client(kind).listeners()).toBe(before);
    });

    it('stores encrypted tokens that Redis readers cannot read, and compares without the token', async () => {
      const store = fresh(kind, { encryptionKey: KEY });
      const secret = token('very-secret-access-token', { raw: { sessid: 'secret-session' } });
      await store.set('enc', secret, 60_000);
      const keys = (await client(kind).command(['KEYS', '*token:enc'])) as string[];
      const value = String(await client(kind).command(['GET', keys[0]!]));
      expect(value).not.toContain('very-secret-access-token');
      expect(value).not.toContain('secret-session');
      expect(Object.keys(JSON.parse(value)).sort()).toEqual(['data', 'h', 'iv', 'v']);
      expect(await store.get('enc')).toEqual(secret);
    });

    it('refuses a value it cannot read: another key, encrypted without a key, plain with a key', async () => {
      const prefix = `mixed-${randomUUID()}:`;
      const encrypted = new RedisTokenStore(client(kind).client, { prefix, encryptionKey: KEY });
      const otherKey = new RedisTokenStore(client(kind).client, { prefix, encryptionKey: OTHER_KEY });
      const plain = new RedisTokenStore(client(kind).client, { prefix });
      await encrypted.set('a', token('secret-a-token'), 5_000);
      await plain.set('b', token('secret-b-token'), 5_000);
      await expect(otherKey.get('a')).rejects.toMatchObject({ code: 'undecryptable_value' });
      await expect(plain.get('a')).rejects.toMatchObject({ code: 'invalid_stored_token' });
      await expect(encrypted.get('b')).rejects.toMatchObject({ code: 'invalid_stored_token' });
      const error = await otherKey.get('a').catch((caught: unknown) => caught);
      expect(inspect(error) + JSON.stringify(error)).not.toMatch(/secret-a-token/);
    });

    it.each([
      ['not JSON', 'not json'],
      ['JSON but no token', '{"hello":"world"}'],
      ['an older shape without raw', '{"accessToken":"t","tokenType":"Bearer","expiresAt":null}'],
    ])('reads a value that is no token (%s) as absent, so the next write replaces it', async (_, value) => {
      for (const options of [{}, { encryptionKey: KEY }]) {
        const prefix = `garbage-${randomUUID()}:`;
        const store = new RedisTokenStore(client(kind).client, { prefix, ...options });
        await client(kind).command(['SET', `${prefix}token:c`, value]);
        await expect(store.get('c')).resolves.toBeUndefined();
        await store.set('c', token('fresh'), 5_000);
        await expect(store.get('c')).resolves.toMatchObject({ accessToken: 'fresh' });
      }
    });

    it.each([
      ['a lone UTF-16 surrogate', { note: 'broken \ud800 text' }],
      ['nesting deeper than 1 000 levels', { deep: nested(1_100) }],
    ])('compare-and-deletes a token whose raw body holds %s (no JSON decoding in Redis)', async (_, raw) => {
      for (const options of [{}, { encryptionKey: KEY }]) {
        const store = fresh(kind, options);
        await store.set('odd', token('odd-token', { raw }), 5_000);
        await expect(store.delete('odd', 'odd-tokenX')).resolves.toBe(false);
        await expect(store.delete('odd', 'odd-toke')).resolves.toBe(false);
        await expect(store.get('odd')).resolves.toMatchObject({ accessToken: 'odd-token' });
        await expect(store.delete('odd', 'odd-token')).resolves.toBe(true);
        await expect(store.get('odd')).resolves.toBeUndefined();
      }
    });

    it('compare-and-deletes a value whose fields are written in another order', async () => {
      const prefix = `order-${randomUUID()}:`;
      const store = new RedisTokenStore(client(kind).client, { prefix });
      const { accessToken, ...rest } = token('reordered');
      await client(kind).command(['SET', `${prefix}token:r`, JSON.stringify({ ...rest, accessToken })]);
      await expect(store.delete('r', 'other')).resolves.toBe(false);
      await expect(store.delete('r', 'reordered')).resolves.toBe(true);
      await expect(store.get('r')).resolves.toBeUndefined();

      // An encrypted value as earlier versions wrote it, the fingerprint last.
      const encrypted = new RedisTokenStore(client(kind).client, { prefix, encryptionKey: KEY });
      await encrypted.set('e', token('sealed'), 5_000);
      const { h, ...sealed } = JSON.parse(
        String(await client(kind).command(['GET', `${prefix}token:e`])),
      ) as {
        h: string;
      };
      await client(kind).command(['SET', `${prefix}token:e`, JSON.stringify({ ...sealed, h })]);
      await expect(encrypted.get('e')).resolves.toMatchObject({ accessToken: 'sealed' });
      await expect(encrypted.delete('e', 'other')).resolves.toBe(false);
      await expect(encrypted.delete('e', 'sealed')).resolves.toBe(true);
    });

    it('never keeps a token past its own expiry, and never returns an expired one', async () => {
      const prefix = `ttl-${randomUUID()}:`;
      const store = new RedisTokenStore(client(kind).client, { prefix });
      await store.set('k', { ...token('short'), expiresAt: Date.now() + 1_000 }, 3_600_000);
      const pttl = Number(await client(kind).command(['PTTL', `${prefix}token:k`]));
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(1_000);
      await client(kind).command([
        'SET',
        `${prefix}token:old`,
        JSON.stringify({ ...token('expired'), expiresAt: Date.now() - 60_000 }),
      ]);
      await expect(store.get('old')).resolves.toBeUndefined();
      await store.set('inf', { ...token('forever'), expiresAt: null }, Number.POSITIVE_INFINITY);
      await expect(store.get('inf')).resolves.toMatchObject({ accessToken: 'forever' });
    });

    it("trusts a token read back no longer than its key lives, whatever the writer's clock", async () => {
      const prefix = `clock-${randomUUID()}:`;
      const writer = new RedisTokenStore(client(kind).client, { prefix });
      const reader = new RedisTokenStore(client(kind).client, { prefix });
      const realNow = Date.now;
      // The writing process's clock runs two minutes ahead: its expiries lie two minutes too late here.
      const ahead = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 120_000);
      try {
        await writer.set('k', { ...token('ahead'), expiresAt: Date.now() + 3_000 }, 3_000);
      } finally {
        ahead.mockRestore();
      }
      const read = await reader.get('k');
      expect(read?.accessToken).toBe('ahead');
      expect(read?.expiresAt).toBeLessThanOrEqual(Date.now() + 3_000);
      // Written on this clock, a token comes back as it was written.
      const same = { ...token('same'), expiresAt: Date.now() + 3_000 };
      await writer.set('s', same, 3_000);
      await expect(reader.get('s')).resolves.toEqual(same);
    });

    it('leaves no lock behind when taking it timed out on a stalled server', async () => {
      const admin = await connectRedis(kind, server.url);
      try {
        const prefix = `test-${randomUUID()}:`;
        const store = new RedisTokenStore(client(kind).client, { prefix, timeoutMs: 80, lockTtlMs: 10_000 });
        await admin.command(['CLIENT', 'PAUSE', '300', 'WRITE']);
        await expect(store.singleFlight('k', async () => 'ran')).rejects.toMatchObject({
          code: 'redis_timeout',
        });
        await wait(450);
        // The SET ran once the pause ended, and so did the release queued behind it.
        expect(await admin.command(['EXISTS', `${prefix}lock:k`])).toBe(0);
        await expect(store.singleFlight('k', async () => 'ran')).resolves.toBe('ran');
      } finally {
        await admin.close();
      }
    });

    it('takes a reply that came while this process was too busy to read it, instead of timing out', async () => {
      const store = fresh(kind, { timeoutMs: 50 });
      await store.set('k', token('t'), 5_000);
      const read = store.get('k');
      // node-redis writes its queued commands on a later turn.
      await new Promise((resolve) => setImmediate(resolve));
      // A cold burst over many keys keeps the process busy past timeoutMs while Redis has answered.
      const busyUntil = performance.now() + 150;
      while (performance.now() < busyUntil);
      await expect(read).resolves.toMatchObject({ accessToken: 't' });
    });

    it('times out on a paused server and works again afterwards', async () => {
      const admin = await connectRedis(kind, server.url);
      try {
        const store = fresh(kind, { timeoutMs: 80 });
        await store.set('k', token('t'), 5_000);
        await admin.command(['CLIENT', 'PAUSE', '400', 'ALL']);
        await expect(store.get('k')).rejects.toMatchObject({ code: 'redis_timeout' });
        await expect(store.singleFlight('k', async () => 'ran')).rejects.toMatchObject({
          code: 'redis_timeout',
        });
        await wait(450);
        await expect(store.get('k')).resolves.toMatchObject({ accessToken: 't' });
      } finally {
        await admin.close();
      }
    });
  });

  it('sends no access token to Redis when encryptionKey is set', async () => {
    const log: string[][] = [];
    const store = new RedisTokenStore(recording(client('ioredis').client, log), {
      prefix: `rec-${randomUUID()}:`,
      encryptionKey: KEY,
    });
    await store.set('k', token('never-in-clear-token'), 5_000);
    expect(await store.get('k')).toMatchObject({ accessToken: 'never-in-clear-token' });
    expect(await store.delete('k', 'not-this-one')).toBe(false);
    expect(await store.delete('k', 'never-in-clear-token')).toBe(true);
    expect(log.map((command) => command[0])).toEqual(['SET', 'EVAL', 'EVAL', 'EVAL']);
    expect(JSON.stringify(log)).not.toContain('never-in-clear-token');
  });

  it('shares one token between managers, whichever client library each uses', async () => {
    const prefix = `managers-${randomUUID()}:`;
    let fetches = 0;
    const provider: TokenProvider = {
      key: 'shared-provider',
      fetchToken: async () => {
        fetches += 1;
        await wait(50);
        return token(`token-${fetches}`);
      },
    };
    const managers = REDIS_CLIENT_KINDS.flatMap((kind) =>
      [1, 2, 3].map(
        () =>
          new TokenManager({
            store: new RedisTokenStore(client(kind).client, { prefix, pollIntervalMs: 10 }),
          }),
      ),
    );
    const tokens = await Promise.all(
      managers.flatMap((manager) => [1, 2, 3].map(() => manager.getToken(provider))),
    );
    expect(fetches).toBe(1);
    expect(new Set(tokens.map((each) => each.accessToken))).toEqual(new Set(['token-1']));
    // A 401 everywhere for that token: one refresh for all.
    await Promise.all(managers.map((manager) => manager.invalidate('shared-provider', 'token-1')));
    const renewed = await Promise.all(managers.map((manager) => manager.getToken(provider)));
    expect(fetches).toBe(2);
    expect(new Set(renewed.map((each) => each.accessToken))).toEqual(new Set(['token-2']));
  });

  it('keeps requests working through a Redis outage, warns once, and shares again after it', async () => {
    const outage = await startRedisServer();
    const local = await connectRedis('node-redis', outage.url);
    try {
      const events: TokenEvent[] = [];
      let fetches = 0;
      const provider: TokenProvider = {
        key: 'outage-provider',
        fetchToken: async () => {
          fetches += 1;
          return token(`outage-${fetches}`);
        },
      };
      const store = new RedisTokenStore(local.client, { timeoutMs: 200 });
      const manager = new TokenManager({ store, onEvent: (event) => events.push(event) });
      await manager.getToken(provider);
      await outage.stop();
      await manager.invalidate('outage-provider', 'outage-1');
      await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'outage-2' });
      await manager.invalidate('outage-provider', 'outage-2');
      await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'outage-3' });
      expect(events.filter((event) => event.type === 'store_error')).toHaveLength(1);
      await outage.restart();
      await local.ready();
      const other = new TokenManager({ store: new RedisTokenStore(local.client) });
      await manager.invalidate('outage-provider', 'outage-3');
      await manager.getToken(provider);
      await expect(other.getToken(provider)).resolves.toMatchObject({ accessToken: 'outage-4' });
      expect(fetches).toBe(4);
      expect(events.filter((event) => event.type === 'store_recovered')).toHaveLength(1);
    } finally {
      await local.close();
      await outage.stop();
    }
  });
});

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level += 1) value = { next: value };
  return value;
}
