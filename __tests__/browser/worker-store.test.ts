import type { AuthLab } from '../support/auth-lab.js';
import { describeInChromium, type BrowserLab } from '../support/browser-page.js';
import type { Outcome } from './outcome.js';
import { startWorkerLab, WorkerSession } from './worker-session.js';

jest.setTimeout(60_000);

const EVERYONE = ['page', 'one', 'two', 'shared'];

describeInChromium('BroadcastTokenStore shared by a page, its workers and a shared worker', () => {
  let started: BrowserLab | undefined;
  let lab: AuthLab;
  let session: WorkerSession;
  let channel = 0;

  beforeAll(async () => {
    started = await startWorkerLab();
    lab = started.lab;
  });

  afterAll(async () => {
    await started?.close();
  });

  beforeEach(async () => {
    lab.resetStats();
    lab.setTokenDelay(0);
    lab.setTokenFault(null);
    channel += 1;
    session = await WorkerSession.open(started!);
  });

  afterEach(async () => {
    const problems = await session.problems();
    await session.close();
    expect(problems).toEqual([]);
  });

  async function startEveryone(options: { lockTimeoutMs?: number } = {}): Promise<void> {
    await Promise.all([session.spawn('one'), session.spawn('two'), session.spawn('shared', 'shared')]);
    await session.each(EVERYONE, 'setup', session.setupFor({ channel: `workers-${channel}`, ...options }));
  }

  const sentAuthorizations = (): Set<string | undefined> =>
    new Set(lab.stats.apiRequestsLog.map((request) => request.headers['authorization']));

  it('cold, all at once: 1 token request', async () => {
    await startEveryone();
    const statuses = await session.each(EVERYONE, 'burst', 10);
    expect(statuses.flat()).toEqual(Array(EVERYONE.length * 10).fill(200));
    expect(lab.stats.tokenRequests).toBe(1);
    expect(sentAuthorizations().size).toBe(1);
  });

  it('a second page reaches the same shared worker and its token', async () => {
    await startEveryone();
    expect(await session.call('shared', 'burst', 2)).toEqual([200, 200]);
    const other = await session.context.newPage();
    await other.goto(`${started!.site.url}/`);
    await other.waitForFunction(() => typeof window.atfw === 'object');
    await other.evaluate(() => window.atfw.spawn('shared', 'shared'));
    expect(await other.evaluate(() => window.atfw.call('shared', 'burst', [3]))).toEqual([200, 200, 200]);
    expect(lab.stats.tokenRequests).toBe(1);
  });

  it('a 401 in one worker causes one refresh, taken by every context', async () => {
    await startEveryone();
    await session.each(EVERYONE, 'burst', 2);
    expect(lab.stats.tokenRequests).toBe(1);
    lab.revokeAll();
    expect(await session.call<Outcome>('one', 'request', '/w/after-revoke')).toMatchObject({ status: 200 });
    expect(lab.stats.tokenRequests).toBe(2);
    const statuses = await session.each(EVERYONE, 'burst', 5);
    expect(statuses.flat()).toEqual(Array(EVERYONE.length * 5).fill(200));
    expect(lab.stats.tokenRequests).toBe(2);
    const events = await session.each<Record<string, number>>(EVERYONE, 'events');
    expect(events.reduce((sum, counts) => sum + (counts['fetch'] ?? 0), 0)).toBe(2);
  });

  it('the same 401 met everywhere at once still causes one refresh', async () => {
    await startEveryone();
    await session.each(EVERYONE, 'burst', 2);
    lab.revokeAll();
    const statuses = await session.each(EVERYONE, 'burst', 10);
    expect(statuses.flat()).toEqual(Array(EVERYONE.length * 10).fill(200));
    expect(lab.stats.tokenRequests).toBe(2);
  });

  it('a token nearing expiry is refreshed once for every context, in the background', async () => {
    await startEveryone();
    lab.setTokenLifetime(3_000);
    try {
      await session.each(EVERYONE, 'burst', 2);
      lab.setTokenDelay(300);
      // From half of its 3 s life on, every context keeps sending requests while one refresh runs.
      const during = await session.each<Outcome[]>(EVERYONE, 'steady', 1_700, 600);
      for (const outcome of during.flat()) expect(outcome.status).toBe(200);
      expect(Math.max(...during.flat().map((outcome) => outcome.ms))).toBeLessThan(300);
      await sleep(500);
      expect(lab.stats.tokenRequests).toBe(2);
      expect(lab.stats.expiredTokenSeen).toBe(0);
    } finally {
      lab.setTokenLifetime(600_000);
    }
  });

  /** Starts `holder`'s fetch, which the token endpoint never answers; resolves once it is on its way. */
  async function holdTheLock(holder: string): Promise<void> {
    lab.setTokenFault({ kind: 'times', count: 1, fault: { kind: 'hang' } });
    void session.call(holder, 'request', '/w/holder').catch(() => undefined);
    await waitFor(() => lab.stats.tokenRequests === 1);
  }

  it('a worker terminated while it holds the lock and fetches: the others take over at once', async () => {
    await startEveryone();
    await session.spawn('holder');
    await session.call('holder', 'setup', session.setupFor({ channel: `workers-${channel}` }));
    await holdTheLock('holder');
    const waiting = session.each<Outcome>(EVERYONE, 'request', '/w/waiting');
    await sleep(300);
    expect(lab.stats.apiRequests).toBe(0);
    const terminatedAt = Date.now();
    await session.terminate('holder');
    expect((await waiting).map((outcome) => outcome.status)).toEqual(EVERYONE.map(() => 200));
    // The browser let go of the lock with the worker: far sooner than lockTimeoutMs (30 s).
    expect(Date.now() - terminatedAt).toBeLessThan(3_000);
    expect(lab.stats.tokenRequests).toBe(2);
    expect(sentAuthorizations().size).toBe(1);
  });

  it('a shared worker gone with its last page, while it held the lock: the others take over at once', async () => {
    const first = await session.context.newPage();
    await first.goto(`${started!.site.url}/`);
    await first.waitForFunction(() => typeof window.atfw === 'object');
    const setup = session.setupFor({ channel: `workers-${channel}` });
    await first.evaluate(
      (s) => window.atfw.spawn('lonely', 'shared').then(() => window.atfw.call('lonely', 'setup', [s])),
      setup,
    );
    await session.spawn('one');
    await session.call('one', 'setup', setup);
    lab.setTokenFault({ kind: 'times', count: 1, fault: { kind: 'hang' } });
    void first.evaluate(() => window.atfw.call('lonely', 'request', ['/w/lonely'])).catch(() => undefined);
    await waitFor(() => lab.stats.tokenRequests === 1);
    const waiting = session.call<Outcome>('one', 'request', '/w/waiting');
    await sleep(300);
    const closedAt = Date.now();
    await first.close();
    expect(await waiting).toMatchObject({ status: 200 });
    expect(Date.now() - closedAt).toBeLessThan(3_000);
    expect(lab.stats.tokenRequests).toBe(2);
  });

  it('a request aborted while another worker holds the lock stops waiting at once', async () => {
    await startEveryone();
    await holdTheLock('one');
    const outcome = await session.call<Outcome>('two', 'aborted', 100);
    expect(outcome).toMatchObject({ error: 'CanceledError', code: 'ERR_CANCELED' });
    expect(outcome.ms).toBeLessThan(1_000);
    expect(lab.stats.apiRequests).toBe(0);
  });

  it('a worker waiting past lockTimeoutMs for a stuck holder fetches by itself', async () => {
    await startEveryone({ lockTimeoutMs: 500 });
    await holdTheLock('one');
    const outcome = await session.call<Outcome>('two', 'request', '/w/impatient');
    expect(outcome.status).toBe(200);
    expect(outcome.ms).toBeGreaterThanOrEqual(450);
    expect(outcome.ms).toBeLessThan(2_000);
    expect(lab.stats.tokenRequests).toBe(2);
    expect(await session.call('two', 'events')).toMatchObject({ store_error: 1, fetch: 1, fetched: 1 });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error('timed out waiting for the condition');
    await sleep(20);
  }
}
