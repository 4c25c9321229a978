import { redisCommands, type IoRedisClient, type NodeRedisClient } from '../src/redis-client.js';
import { connectRedis, REDIS_CLIENT_KINDS, type TestRedisClient } from './support/redis-clients.js';
import { describeWithRedis, startRedisServer, type RedisServer } from './support/redis-server.js';

const TOKEN = '{"accessToken":"eyJ.secret-token.sig","expiresAt":1}';

/** An ioredis-shaped client whose replies the test decides. */
function ioClient(reply: (command: string, args: (string | number)[]) => Promise<unknown>) {
  const calls: Array<[string, ...(string | number)[]]> = [];
  const client: IoRedisClient & { status: string } = {
    status: 'ready',
    call: (command, ...args) => {
      calls.push([command, ...args]);
      return reply(command, args);
    },
  };
  return { client, calls };
}

function nodeClient(reply: () => Promise<unknown>) {
  const state = { isOpen: true, isReady: false, sent: 0 };
  const client: NodeRedisClient = {
    get isOpen() {
      return state.isOpen;
    },
    get isReady() {
      return state.isReady;
    },
    sendCommand: () => {
      state.sent += 1;
      return reply();
    },
  };
  return { client, state };
}

describe('redisCommands', () => {
  it('refuses a client that is neither ioredis nor node-redis', () => {
    for (const client of [undefined, null, {}, { call: () => undefined }, { sendCommand: () => undefined }]) {
      expect(() => redisCommands(client as never, 100)).toThrow(
        expect.objectContaining({ name: 'TokenAuthConfigError', code: 'invalid_options' }),
      );
    }
  });

  it('sends SET with a whole positive PX, and NX when asked', async () => {
    const { client, calls } = ioClient(async () => 'OK');
    const commands = redisCommands(client, 100);
    await expect(commands.set('k', 'v', 0.2)).resolves.toBe(true);
    await commands.set('k', 'v', 1500.1, true);
    expect(calls).toEqual([
      ['SET', 'k', 'v', 'PX', '1'],
      ['SET', 'k', 'v', 'PX', '1501', 'NX'],
    ]);
  });

  it('reads a value given as bytes, and a missing reply as no value', async () => {
    const replies: unknown[] = [[new TextEncoder().encode('value'), 900], undefined, [null, -2]];
    const { client } = ioClient(async () => replies.shift());
    const commands = redisCommands(client, 100);
    await expect(commands.getWithTtl('k')).resolves.toEqual({ value: 'value', ttlMs: 900 });
    await expect(commands.getWithTtl('k')).resolves.toEqual({ value: null, ttlMs: -2 });
    await expect(commands.getWithTtl('k')).resolves.toEqual({ value: null, ttlMs: -2 });
  });

  it('fails at once, sending nothing, while ioredis reconnects', async () => {
    const { client, calls } = ioClient(async () => 'OK');
    const commands = redisCommands(client, 100);
    for (const status of ['reconnecting', 'close', 'end']) {
      client.status = status;
      await expect(commands.del('k')).rejects.toMatchObject({
        name: 'TokenFlightError',
        code: 'redis_unavailable',
      });
    }
    client.status = 'connecting';
    await commands.del('k');
    expect(calls).toEqual([['DEL', 'k']]);
  });

  it('sends to node-redis while it first connects, and fails at once once a ready client drops', async () => {
    const { client, state } = nodeClient(async () => 1);
    const commands = redisCommands(client, 100);
    await expect(commands.del('k')).resolves.toBe(true);
    state.isReady = true;
    await commands.del('k');
    state.isReady = false;
    await expect(commands.del('k')).rejects.toMatchObject({ code: 'redis_unavailable' });
    state.isOpen = false;
    state.isReady = true;
    await expect(commands.del('k')).rejects.toMatchObject({ code: 'redis_unavailable' });
    expect(state.sent).toBe(2);
  });

  it('fails a command Redis does not answer in time, and consumes its late failure', async () => {
    let fail: (error: Error) => void = () => undefined;
    const { client } = ioClient(
      () =>
        new Promise((_resolve, reject) => {
          fail = reject;
        }),
    );
    const started = Date.now();
    await expect(redisCommands(client, 30).del('k')).rejects.toMatchObject({
      code: 'redis_timeout',
      message: 'Redis DEL timed out after 30 ms',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    // Would be an unhandled rejection (failing the test run) if it were not consumed.
    fail(new Error('late'));
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('reports a failure without the arguments it was sent, nor any string inside a JSON one', async () => {
    const { client } = ioClient(async (_command, args) => {
      throw new Error(`ERR wrong value ${args.join(' ')} / eyJ.secret-token.sig`);
    });
    const error: unknown = await redisCommands(client, 100)
      .set('tf:tenant-key', TOKEN, 1000)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'TokenFlightError', code: 'redis_error' });
    const message = (error as Error).message;
    expect(message).toMatch(/^Redis SET failed: ERR wrong value /);
    expect(message).not.toContain('secret-token');
    expect(message).not.toContain('tf:tenant-key');
  });

  it('clips a long failure message', async () => {
    const { client } = ioClient(async () => {
      throw new Error('x'.repeat(1000));
    });
    const error = (await redisCommands(client, 100)
      .del('k')
      .catch((caught: unknown) => caught)) as Error;
    expect(error.message.length).toBeLessThan(350);
    expect(error.message.endsWith('…')).toBe(true);
  });
});

describeWithRedis('redisCommands against redis-server', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  describe.each(REDIS_CLIENT_KINDS)('with %s', (kind) => {
    let redis: TestRedisClient;
    beforeEach(async () => {
      redis = await connectRedis(kind, server.url);
      await redis.command(['FLUSHALL']);
    });
    afterEach(async () => {
      await redis.close();
    });

    it('sets, reads with the time left, sets only if absent, and deletes', async () => {
      const commands = redisCommands(redis.client, 1000);
      await expect(commands.getWithTtl('k')).resolves.toEqual({ value: null, ttlMs: -2 });
      await expect(commands.set('k', 'first', 10_000)).resolves.toBe(true);
      const read = await commands.getWithTtl('k');
      expect(read.value).toBe('first');
      expect(read.ttlMs).toBeGreaterThan(9_000);
      expect(read.ttlMs).toBeLessThanOrEqual(10_000);
      await expect(commands.set('k', 'second', 10_000, true)).resolves.toBe(false);
      expect((await commands.getWithTtl('k')).value).toBe('first');
      await expect(commands.del('k')).resolves.toBe(true);
      await expect(commands.del('k')).resolves.toBe(false);
      expect(redis.listeners()).toBe(1);
    });

    it('runs a script on a key with its arguments', async () => {
      const commands = redisCommands(redis.client, 1000);
      await commands.set('k', 'v', 10_000);
      const script = `return redis.call('GET', KEYS[1]) .. ARGV[1]`;
      await expect(commands.eval(script, 'k', ['!'])).resolves.toBe('v!');
    });

    it("reports a script's error without the arguments it was sent", async () => {
      const commands = redisCommands(redis.client, 1000);
      const error: unknown = await commands
        .eval(`return redis.error_reply('refused ' .. ARGV[1])`, 'k', [TOKEN])
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'redis_error', message: expect.stringMatching(/refused/) });
      expect((error as Error).message).not.toContain('secret-token');
    });
  });
});
