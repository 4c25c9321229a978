import type { AuthLab } from '../support/auth-lab.js';
import { describeInChromium, type BrowserLab } from '../support/browser-page.js';
import type { Outcome } from './outcome.js';
import type { BodyKind, ClientEnv, ClientSetup } from './worker-client.js';
import type { WorkerKind } from './worker-page.js';
import { STRICT_CSP, startWorkerLab, WorkerSession } from './worker-session.js';

jest.setTimeout(60_000);

describeInChromium('attachTokenAuth in Web Workers, under a strict CSP', () => {
  let started: BrowserLab | undefined;
  let lab: AuthLab;
  let session: WorkerSession;

  beforeAll(async () => {
    started = await startWorkerLab({ headers: { 'Content-Security-Policy': STRICT_CSP } });
    lab = started.lab;
  });

  afterAll(async () => {
    await started?.close();
  });

  beforeEach(async () => {
    lab.resetStats();
    lab.setTokenDelay(0);
    session = await WorkerSession.open(started!);
  });

  afterEach(async () => {
    const problems = await session.problems();
    await session.close();
    expect(problems).toEqual([]);
  });

  const sentAuthorizations = (): Set<string | undefined> =>
    new Set(lab.stats.apiRequestsLog.map((request) => request.headers['authorization']));

  it('the bundle needs neither eval nor new Function, which the policy refuses in every context', async () => {
    for (const [path, script] of Object.entries(started!.scripts)) {
      expect([path, /\bnew Function\b|\beval\s*\(/.test(script)]).toEqual([path, false]);
    }
    await session.spawn('dedicated');
    await session.spawn('shared', 'shared');
    const names = ['page', 'dedicated', 'shared'];
    expect(await session.each(names, 'evalBlocked')).toEqual([true, true, true]);
    // The probe above is the only violation: clear it by starting over in a new context.
    await session.close();
    session = await WorkerSession.open(started!);
  });

  it.each<[WorkerKind, string, string]>([
    ['dedicated', 'DedicatedWorkerGlobalScope', 'function'],
    ['module', 'DedicatedWorkerGlobalScope', 'function'],
    ['shared', 'SharedWorkerGlobalScope', 'function'],
    ['service', 'ServiceWorkerGlobalScope', 'undefined'],
  ])(
    'a %s worker (no window, document or storage) makes 1 token request for 20 requests',
    async (kind, scope, xhr) => {
      await session.spawn('worker', kind);
      const expected: Partial<ClientEnv> = {
        scope: `[object ${scope}]`,
        window: 'undefined',
        document: 'undefined',
        localStorage: 'undefined',
        xhr,
        locks: 'function',
        broadcast: 'function',
        randomUUID: 'function',
        secure: true,
      };
      expect(await session.call('worker', 'env')).toMatchObject(expected);
      await session.call('worker', 'setup', session.setupFor({ channel: `${kind}-alone` }));
      expect(await session.call('worker', 'burst', 20)).toEqual(Array(20).fill(200));
      expect(lab.stats.tokenRequests).toBe(1);
      expect(sentAuthorizations().size).toBe(1);
    },
  );

  describe.each<[string, ClientSetup['provider'], ClientSetup['adapter']]>([
    ['clientCredentials', 'preset', undefined],
    ['clientCredentials', 'preset', 'fetch'],
    ['gigachat', 'gigachat', 'fetch'],
    ['a custom provider', 'custom', 'xhr'],
    ['a custom provider', 'custom', 'fetch'],
  ])('in a dedicated worker, %s (%s), adapter %s', (_name, provider, adapter) => {
    beforeEach(async () => {
      await session.spawn('worker');
      await session.call('worker', 'setup', session.setupFor({ provider, adapter }));
    });

    it('50 concurrent requests make 1 token request and carry its token', async () => {
      expect(await session.call('worker', 'burst', 50)).toEqual(Array(50).fill(200));
      expect(lab.stats.tokenRequests).toBe(1);
      expect(lab.stats.apiRequests).toBe(50);
      const authorizations = sentAuthorizations();
      expect(authorizations.size).toBe(1);
      expect([...authorizations][0]).toMatch(/^Bearer [\w-]+$/);
      if (provider === 'gigachat')
        expect(lab.stats.tokenRequestsLog[0]?.headers['rquid']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('a revoked token causes one refresh and one replay', async () => {
      await session.call('worker', 'burst', 3);
      lab.resetStats();
      lab.revokeAll();
      expect(await session.call<Outcome>('worker', 'request', '/w/after-revoke')).toMatchObject({
        status: 200,
      });
      expect(lab.stats.tokenRequests).toBe(1);
      expect(lab.stats.apiUnauthorized).toBe(1);
      expect(lab.stats.apiRequests).toBe(2);
      expect(await session.call('worker', 'events')).toMatchObject({ retry: 1, invalidated: 1 });
    });

    it('an aborted request stops waiting at once; the shared fetch goes on', async () => {
      lab.setTokenDelay(1_500);
      const outcome = await session.call<Outcome>('worker', 'aborted', 50);
      expect(outcome).toMatchObject({ error: 'CanceledError', code: 'ERR_CANCELED' });
      expect(outcome.ms).toBeLessThan(1_000);
      expect(await session.call<Outcome>('worker', 'request', '/w/next')).toMatchObject({ status: 200 });
      expect(lab.stats.tokenRequests).toBe(1);
      expect(lab.stats.apiRequests).toBe(1);
    });
  });

  describe.each<['xhr' | 'fetch']>([['xhr'], ['fetch']])(
    'bodies replayed after a 401 in a worker, adapter %s',
    (adapter) => {
      it.each<[BodyKind]>([['form'], ['blob'], ['params'], ['buffer'], ['json']])(
        '%s: sent twice, the same',
        async (kind) => {
          await session.spawn('worker');
          await session.call('worker', 'setup', session.setupFor({ adapter }));
          await session.call('worker', 'burst', 1);
          lab.resetStats();
          lab.revokeAll();
          expect(await session.call<Outcome>('worker', 'post', kind)).toMatchObject({ status: 200 });
          const [first, replay] = lab.stats.apiRequestsLog;
          expect(lab.stats.apiRequestsLog).toHaveLength(2);
          for (const sent of [first!, replay!]) {
            expect(sent.body.length).toBeGreaterThan(0);
            // A multipart body's boundary is the one its Content-Type names.
            const boundary = /boundary=([^;]+)/.exec(sent.headers['content-type'] ?? '')?.[1];
            if (kind === 'form') expect(sent.body).toContain(`--${boundary}--`);
          }
          const withoutBoundary = (text: string): string =>
            text.replace(/-+[\w-]*?Boundary\w+|axios-token-flight-\w+/g, 'B');
          expect(withoutBoundary(replay!.body)).toBe(withoutBoundary(first!.body));
        },
      );
    },
  );
});

describeInChromium('attachTokenAuth and BroadcastTokenStore in workers of an insecure origin', () => {
  let started: BrowserLab | undefined;
  let session: WorkerSession;

  beforeAll(async () => {
    // http://app.test is no secure context: no Web Locks, no crypto.randomUUID.
    started = await startWorkerLab({ args: ['--host-resolver-rules=MAP app.test 127.0.0.1'] });
  });

  afterAll(async () => {
    await started?.close();
  });

  afterEach(async () => {
    await session?.close();
  });

  it('works without them: at most one token per context, RqUID from getRandomValues', async () => {
    session = await WorkerSession.open(started!, started!.site.url.replace('127.0.0.1', 'app.test'));
    await session.spawn('dedicated');
    await session.spawn('shared', 'shared');
    const names = ['page', 'dedicated', 'shared'];
    for (const env of await session.each<ClientEnv>(names, 'env')) {
      expect(env).toMatchObject({
        secure: false,
        locks: 'undefined',
        randomUUID: 'undefined',
        broadcast: 'function',
      });
    }
    const { lab } = started!;
    lab.resetStats();
    await session.each(names, 'setup', session.setupFor({ provider: 'gigachat', channel: 'insecure' }));
    const statuses = await session.each(names, 'burst', 10);
    expect(statuses.flat()).toEqual(Array(30).fill(200));
    // Without Web Locks a context fetches its own token unless another one's arrived first: at most one each.
    expect(lab.stats.tokenRequests).toBeGreaterThanOrEqual(1);
    expect(lab.stats.tokenRequests).toBeLessThanOrEqual(3);
    for (const request of lab.stats.tokenRequestsLog) {
      expect(request.headers['rquid']).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    expect(await session.problems()).toEqual([]);
  });
});
