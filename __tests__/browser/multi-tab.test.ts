import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEFAULT_CLIENT, type AuthLab } from '../support/auth-lab.js';
import { describeInChromium, startBrowserLab, type BrowserLab } from '../support/browser-page.js';
import type { LoopbackServer } from '../support/loopback-server.js';
import type { PageSetup } from './page.js';

jest.setTimeout(60_000);

const TABS = 5;

describeInChromium('BroadcastTokenStore across the tabs of one Chromium context', () => {
  let lab: AuthLab;
  let site: LoopbackServer;
  let browser: Browser;
  let context: BrowserContext;
  let channel = 0;

  let started: BrowserLab | undefined;

  beforeAll(async () => {
    started = await startBrowserLab(resolve(__dirname, 'page.ts'));
    ({ lab, site, browser } = started);
  });

  afterAll(async () => {
    await started?.close();
  });

  beforeEach(async () => {
    lab.resetStats();
    channel += 1;
    context = await browser.newContext();
  });

  afterEach(async () => {
    await context.close();
  });

  function setupFor(name: string): PageSetup {
    return {
      apiUrl: lab.apiUrl,
      tokenUrl: lab.tokenUrl('rfc6749'),
      gigachatTokenUrl: lab.tokenUrl('gigachat'),
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      channel: name,
    };
  }

  async function openTab(setup: PageSetup): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${site.url}/`);
    await page.waitForFunction(() => typeof window.atf === 'object');
    await page.evaluate((s) => window.atf.setup(s), setup);
    return page;
  }

  it(`${TABS} cold tabs make 1 token request`, async () => {
    const setup = setupFor(`tabs-${channel}`);
    const tabs = await Promise.all(Array.from({ length: TABS }, () => openTab(setup)));
    const statuses = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.atf.burst(10))));
    expect(statuses.flat()).toEqual(Array(TABS * 10).fill(200));
    expect(lab.stats.tokenRequests).toBe(1);
    const authorizations = new Set(
      lab.stats.apiRequestsLog.map((request) => request.headers['authorization']),
    );
    expect(authorizations.size).toBe(1);
    // Memory only: nothing in web storage in any tab.
    for (const tab of tabs) expect(await tab.evaluate(() => window.atf.hasWebStorage())).toBe(0);
  });

  it('a 401 in one tab causes one refresh, shared by every tab', async () => {
    const setup = setupFor(`revoke-${channel}`);
    const tabs = await Promise.all(Array.from({ length: TABS }, () => openTab(setup)));
    await Promise.all(tabs.map((tab) => tab.evaluate(() => window.atf.burst(2))));
    expect(lab.stats.tokenRequests).toBe(1);

    lab.revokeAll();
    const first = await tabs[0]!.evaluate(() => window.atf.request('/rfc/after-revoke'));
    expect(first.status).toBe(200);
    expect(lab.stats.tokenRequests).toBe(2);

    // The other tabs still hold the revoked token: each meets one 401, and takes the new token.
    const statuses = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.atf.burst(5))));
    expect(statuses.flat()).toEqual(Array(TABS * 5).fill(200));
    expect(lab.stats.tokenRequests).toBe(2);
    const fetched = await Promise.all(
      tabs.map((tab) => tab.evaluate(() => window.atf.events()['fetch'] ?? 0)),
    );
    expect(fetched.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('the same 401 seen by every tab at once still causes one refresh', async () => {
    const setup = setupFor(`storm-${channel}`);
    const tabs = await Promise.all(Array.from({ length: TABS }, () => openTab(setup)));
    await Promise.all(tabs.map((tab) => tab.evaluate(() => window.atf.burst(2))));
    lab.revokeAll();
    const statuses = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.atf.burst(10))));
    expect(statuses.flat()).toEqual(Array(TABS * 10).fill(200));
    expect(lab.stats.tokenRequests).toBe(2);
  });

  it('a tab opened later gets the token from the others', async () => {
    const setup = setupFor(`late-${channel}`);
    const early = await openTab(setup);
    expect(await early.evaluate(() => window.atf.burst(3))).toEqual([200, 200, 200]);
    const late = await openTab(setup);
    expect(await late.evaluate(() => window.atf.burst(3))).toEqual([200, 200, 200]);
    expect(lab.stats.tokenRequests).toBe(1);
  });
});
