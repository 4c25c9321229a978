import { spawn } from 'node:child_process';
import { attachTokenAuth, clientCredentials, TokenManager } from '../../../src/index.js';
import {
  api,
  deferred,
  fakeProvider,
  flush,
  manager,
  okToken,
  rejection,
  sleep,
  tokenServer,
} from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: new TokenManager(options) — single flight, freshness, defaults, getToken, invalidate, dispose.

describe('TokenManager', () => {
  test('one in-flight fetch per key, whatever the number of callers', async () => {
    const gate = deferred<void>();
    const p = fakeProvider('sf', async () => {
      await gate.promise;
      return {};
    });
    const m = manager();
    const all = Promise.all(Array.from({ length: 50 }, () => m.getToken(p)));
    await flush();
    gate.resolve();
    const tokens = await all;
    expect(p.calls).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['tok-1']));
  });

  test('equal keys share one cached token; different keys do not', async () => {
    const m = manager();
    const a1 = fakeProvider('same');
    const a2 = fakeProvider('same');
    const b = fakeProvider('other');
    await m.getToken(a1);
    await m.getToken(a2);
    await m.getToken(b);
    expect(a1.calls + a2.calls).toBe(1);
    expect(b.calls).toBe(1);
  });

  test('a failed fetch is not cached', async () => {
    const p = fakeProvider('fail-once', (n) => {
      if (n === 1) throw new Error('boom');
      return {};
    });
    const m = manager();
    await expect(m.getToken(p)).rejects.toThrow();
    const t = await m.getToken(p);
    expect(t.accessToken).toBe('tok-2');
  });

  test('fresh while now < expiresAt − min(refreshSkewMs, lifetime / 2): refreshSkewMs bound', async () => {
    let clock = 5_000_000;
    const p = fakeProvider('fresh-skew', () => ({ expiresAt: clock + 600_000 }));
    const m = manager({ now: () => clock, refreshSkewMs: 60_000 });
    await m.getToken(p);
    clock += 600_000 - 60_000 - 1;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(1);
    clock += 2;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('fresh while ... lifetime / 2: a short-lived token is refreshed at half its life', async () => {
    let clock = 5_000_000;
    const p = fakeProvider('fresh-half', () => ({ expiresAt: clock + 20_000 }));
    const m = manager({ now: () => clock, refreshSkewMs: 60_000 });
    await m.getToken(p);
    clock += 9_999;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(1);
    clock += 2;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('lifetime is expiresAt minus the time its token request was sent (a slow response counts)', async () => {
    let clock = 5_000_000;
    const sentAt = clock;
    const p = fakeProvider('lifetime-sent', async (n) => {
      if (n === 1) clock += 10_000; // the request takes 10 s on the manager's clock
      return { expiresAt: sentAt + 40_000 };
    });
    const m = manager({ now: () => clock, refreshSkewMs: 60_000 });
    await m.getToken(p);
    // lifetime 40 s from the send: fresh until sentAt + 20 s (received + 15 s would be wrong)
    clock = sentAt + 19_999;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(1);
    clock = sentAt + 20_001;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('refreshSkewMs default 60 000', async () => {
    let clock = 5_000_000;
    const p = fakeProvider('skew-default', () => ({ expiresAt: clock + 3_600_000 }));
    const m = manager({ now: () => clock });
    await m.getToken(p);
    clock += 3_600_000 - 60_001;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(1);
    clock += 2;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('defaultTtlMs default 300 000 (as in the constructor example)', async () => {
    let clock = 5_000_000;
    const p = fakeProvider('ttl-default', () => ({ expiresAt: null }));
    const m = manager({ now: () => clock });
    await m.getToken(p);
    clock += 300_000 - 60_001;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(1);
    clock += 2;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('maxTtlMs of the manager caps a custom provider’s far expiry', async () => {
    let clock = 1_000_000;
    const p = fakeProvider('cap-mgr', () => ({ expiresAt: clock + 365 * 86_400_000 }));
    const m = manager({ now: () => clock, maxTtlMs: 10_000, refreshSkewMs: 0 });
    await m.getToken(p);
    clock += 10_001;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('maxTtlMs default 24 h caps a custom provider’s far expiry', async () => {
    let clock = 1_000_000;
    const p = fakeProvider('cap-mgr-default', () => ({ expiresAt: clock + 365 * 86_400_000 }));
    const m = manager({ now: () => clock });
    await m.getToken(p);
    clock += 86_400_000;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('getToken(provider, { forceRefresh: true }) fetches even when fresh', async () => {
    const p = fakeProvider('force');
    const m = manager();
    await m.getToken(p);
    const t = await m.getToken(p, { forceRefresh: true });
    expect(p.calls).toBe(2);
    expect(t.accessToken).toBe('tok-2');
    expect((await m.getToken(p)).accessToken).toBe('tok-2');
  });

  test('getToken(provider, { signal }): an aborted signal ends that wait, the fetch goes on for others', async () => {
    const gate = deferred<void>();
    const p = fakeProvider('abort-wait', async () => {
      await gate.promise;
      return {};
    });
    const m = manager();
    const ac = new AbortController();
    const mine = m.getToken(p, { signal: ac.signal });
    const other = m.getToken(p);
    await flush();
    ac.abort();
    const started = Date.now();
    await expect(mine).rejects.toBe(ac.signal.reason);
    // Settled while the fetch is still held; the bound only rules out an end by some timer.
    expect(Date.now() - started).toBeLessThan(1_000);
    gate.resolve();
    expect((await other).accessToken).toBe('tok-1');
    expect(p.calls).toBe(1);
  });

  test('getToken with an already-aborted signal rejects without waiting', async () => {
    const gate = deferred<void>();
    const p = fakeProvider('pre-aborted', async () => {
      await gate.promise;
      return {};
    });
    const ac = new AbortController();
    ac.abort();
    await expect(manager().getToken(p, { signal: ac.signal })).rejects.toBe(ac.signal.reason);
    expect(p.calls).toBe(0);
    gate.resolve();
  });

  test('a failed fetch rejects every waiter', async () => {
    const gate = deferred<void>();
    const p = fakeProvider('fail-all', async () => {
      await gate.promise;
      throw new Error('down');
    });
    const m = manager();
    const all = Array.from({ length: 5 }, () => rejection(m.getToken(p)));
    gate.resolve();
    const errs = await Promise.all(all);
    expect(errs).toHaveLength(5);
    expect(p.calls).toBe(1);
  });

  test('invalidate(key) drops the cached token', async () => {
    const p = fakeProvider('inv');
    const m = manager();
    await m.getToken(p);
    await m.invalidate('inv');
    expect((await m.getToken(p)).accessToken).toBe('tok-2');
  });

  test('invalidate(key, accessToken): only if that is still the cached one', async () => {
    const p = fakeProvider('inv-cas');
    const m = manager();
    await m.getToken(p);
    await m.invalidate('inv-cas', 'not-the-cached-one');
    expect((await m.getToken(p)).accessToken).toBe('tok-1');
    await m.invalidate('inv-cas', 'tok-1');
    expect((await m.getToken(p)).accessToken).toBe('tok-2');
    expect(p.calls).toBe(2);
  });

  test('dispose() clears its cache', async () => {
    const p = fakeProvider('disp');
    const m = new TokenManager();
    await m.getToken(p);
    m.dispose();
    const m2 = manager();
    await m2.getToken(p);
    expect(p.calls).toBe(2);
  });

  test('timers never overflow (delays above 2^31−1 ms are clamped): no TimeoutOverflowWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const p = fakeProvider('far', () => ({ expiresAt: Date.now() + 40 * 86_400_000 }));
      const m = manager({ maxTtlMs: 60 * 86_400_000 } as ConstructorParameters<typeof TokenManager>[0]);
      await m.getToken(p);
      await sleep(50);
      await m.getToken(p);
      expect(p.calls).toBe(1);
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('a process-wide default manager: two axios instances with equal provider settings share one token', async () => {
    const s = await tokenServer(() => okToken('shared'));
    const a = api();
    const b = api();
    attachTokenAuth(a.instance, {
      provider: clientCredentials({ tokenUrl: s.url, clientId: 'd', clientSecret: 'x' }),
    });
    attachTokenAuth(b.instance, {
      provider: clientCredentials({ tokenUrl: s.url, clientId: 'd', clientSecret: 'x' }),
    });
    await Promise.all([a.instance.get('/x'), b.instance.get('/y')]);
    await a.instance.get('/z');
    expect(s.requests).toHaveLength(1);
    expect([...a.auths, ...b.auths]).toEqual(['Bearer shared', 'Bearer shared', 'Bearer shared']);
  });

  test('nothing the manager does keeps a Node process alive: one that fetched a token over HTTP exits', async () => {
    const s = await tokenServer(() => okToken('child'));
    const script = `
      const { TokenManager, clientCredentials } = require('./dist/index.cjs');
      const m = new TokenManager();
      m.getToken(clientCredentials({ tokenUrl: ${JSON.stringify(s.url)}, clientId: 'i', clientSecret: 's' })).then((t) => console.log('got', t.accessToken));
    `;
    const started = Date.now();
    const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd() });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(out).toContain('got child');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
