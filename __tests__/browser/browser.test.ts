import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_CLIENT, type AuthLab } from '../support/auth-lab.js';
import { describeInChromium, startBrowserLab, type BrowserLab } from '../support/browser-page.js';
import type { LoopbackServer } from '../support/loopback-server.js';
import type { PageSetup } from './page.js';

jest.setTimeout(60_000);

describeInChromium('attachTokenAuth in Chromium', () => {
  let lab: AuthLab;
  let site: LoopbackServer;
  let browser: Browser;
  let page: Page;
  let setup: PageSetup;

  let started: BrowserLab | undefined;

  beforeAll(async () => {
    started = await startBrowserLab(resolve(__dirname, 'page.ts'));
    ({ lab, site, browser } = started);
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${site.url}/`);
    await page.waitForFunction(() => typeof window.atf === 'object');
    expect(errors).toEqual([]);
    setup = {
      apiUrl: lab.apiUrl,
      tokenUrl: lab.tokenUrl('rfc6749'),
      gigachatTokenUrl: lab.tokenUrl('gigachat'),
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
    };
  });

  afterAll(async () => {
    await started?.close();
  });

  beforeEach(async () => {
    lab.resetStats();
    lab.setTokenDelay(0);
    await page.evaluate((s) => window.atf.setup(s), setup);
  });

  it('runs on a secure context with Web Locks and BroadcastChannel, cross-origin to the API', async () => {
    const env = await page.evaluate(() => ({
      secure: window.isSecureContext,
      locks: typeof navigator.locks?.request,
      broadcast: typeof BroadcastChannel,
      origin: location.origin,
    }));
    expect(env).toEqual({ secure: true, locks: 'function', broadcast: 'function', origin: site.url });
    expect(site.url).not.toBe(lab.url);
  });

  it('50 concurrent requests make 1 token request', async () => {
    const statuses = await page.evaluate(() => window.atf.burst(50));
    expect(statuses).toEqual(Array(50).fill(200));
    expect(lab.stats.tokenRequests).toBe(1);
    expect(lab.stats.apiRequests).toBe(50);
    expect(lab.stats.tokenRequestsLog[0]?.clientAuth).toBe('basic');
    const authorizations = new Set(
      lab.stats.apiRequestsLog.map((request) => request.headers['authorization']),
    );
    expect(authorizations.size).toBe(1);
    expect([...authorizations][0]).toMatch(/^Bearer [\w-]+$/);
  });

  it('GigaChat in the browser: RqUID from crypto.randomUUID, a UTF-8 authorization key without Buffer', async () => {
    const statuses = await page.evaluate(() => window.atf.burst(50, '/giga/'));
    expect(statuses).toEqual(Array(50).fill(200));
    expect(lab.stats.tokenRequests).toBe(1);
    const tokenRequest = lab.stats.tokenRequestsLog[0]!;
    expect(tokenRequest.shape).toBe('gigachat');
    expect(tokenRequest.headers['rquid']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    // The secret holds a non-ASCII character: the key must be base64 of its UTF-8 bytes.
    const expected = Buffer.from(
      `${DEFAULT_CLIENT.clientId}:${DEFAULT_CLIENT.clientSecret}`,
      'utf8',
    ).toString('base64');
    expect(tokenRequest.headers['authorization']).toBe(`Basic ${expected}`);
  });

  it('a revoked token causes one refresh and one retry', async () => {
    await page.evaluate(() => window.atf.burst(3));
    lab.resetStats();
    lab.revokeAll();
    const outcome = await page.evaluate(() => window.atf.request('/rfc/after-revoke'));
    expect(outcome.status).toBe(200);
    expect(lab.stats.tokenRequests).toBe(1);
    expect(lab.stats.apiUnauthorized).toBe(1);
    expect(lab.stats.apiRequests).toBe(2);
    expect(await page.evaluate(() => window.atf.events())).toMatchObject({ retry: 1, invalidated: 1 });
  });

  it('tokenAuth: false sends no Authorization header', async () => {
    const outcome = await page.evaluate(() => window.atf.withoutToken());
    expect(outcome.status).toBe(401);
    expect(lab.stats.tokenRequests).toBe(0);
    expect(lab.stats.apiRequests).toBe(1);
    expect(lab.stats.apiRequestsLog[0]?.headers['authorization']).toBeUndefined();
    expect(await page.evaluate(() => window.atf.events())).not.toHaveProperty('retry');
  });

  it('an aborted request stops waiting at once; the shared token fetch goes on', async () => {
    lab.setTokenDelay(1_500);
    const outcome = await page.evaluate(() => window.atf.aborted(50));
    expect(outcome).toMatchObject({ error: 'CanceledError', code: 'ERR_CANCELED' });
    expect(outcome.ms).toBeLessThan(1_000);
    expect(lab.stats.apiRequests).toBe(0);
    // The fetch it started was not wasted: the next request uses its token.
    const next = await page.evaluate(() => window.atf.request('/rfc/next'));
    expect(next.status).toBe(200);
    expect(lab.stats.tokenRequests).toBe(1);
  });

  it('refreshes a token nearing expiry once, in the background: no request waits for it', async () => {
    lab.setTokenLifetime(2_000);
    try {
      expect((await page.evaluate(() => window.atf.request('/rfc/first'))).status).toBe(200);
      lab.setTokenDelay(400);
      // From half of its 2 s life on, requests keep using the token while one refresh runs (400 ms).
      const during = await page.evaluate(() => window.atf.steady(1_100, 250));
      expect(during.length).toBeGreaterThan(0);
      for (const outcome of during) {
        expect(outcome.status).toBe(200);
        expect(outcome.ms).toBeLessThan(400);
      }
      await page.waitForTimeout(600);
      expect(lab.stats.tokenRequests).toBe(2);
      const after = await page.evaluate(() => window.atf.request('/rfc/after'));
      expect(after.status).toBe(200);
      expect(lab.stats.tokenRequests).toBe(2);
      expect(lab.stats.expiredTokenSeen).toBe(0);
      const sent = lab.stats.apiRequestsLog.map((request) => request.headers['authorization']);
      expect(sent.at(-1)).not.toBe(sent[0]);
      expect(await page.evaluate(() => window.atf.events())).toMatchObject({ fetch: 2, fetched: 2 });
    } finally {
      lab.setTokenLifetime(60_000);
    }
  });

  it('keeps tokens out of web storage', async () => {
    await page.evaluate(() => window.atf.burst(2));
    expect(await page.evaluate(() => window.atf.hasWebStorage())).toBe(0);
  });
});
