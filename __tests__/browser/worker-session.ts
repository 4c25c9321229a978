// What the worker suites share: the worker bundle served beside a page, a fresh browser context per test.
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { DEFAULT_CLIENT } from '../support/auth-lab.js';
import { startBrowserLab, type BrowserLab, type BrowserLabOptions } from '../support/browser-page.js';
import type { ClientSetup, Method } from './worker-client.js';
import type { WorkerKind } from './worker-page.js';

/** A policy without 'unsafe-eval' or inline scripts; workers come from the site itself. */
export const STRICT_CSP = "default-src 'self'; script-src 'self'; worker-src 'self'; connect-src *";

export function startWorkerLab(options: BrowserLabOptions = {}): Promise<BrowserLab> {
  return startBrowserLab(resolve(__dirname, 'worker-page.ts'), {
    ...options,
    entries: { '/worker.js': resolve(__dirname, 'worker.ts') },
  });
}

export class WorkerSession {
  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly started: BrowserLab,
    private readonly pageErrors: string[],
  ) {}

  /** A new context with one page of the site (`origin` replaces the site's own, e.g. a host name). */
  static async open(started: BrowserLab, origin = started.site.url): Promise<WorkerSession> {
    const context = await started.browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => typeof window.atfw === 'object');
    return new WorkerSession(context, page, started, pageErrors);
  }

  setupFor(overrides: Partial<ClientSetup> = {}): ClientSetup {
    const { lab } = this.started;
    return {
      apiUrl: lab.apiUrl,
      tokenUrl: lab.tokenUrl(overrides.provider === 'gigachat' ? 'gigachat' : 'rfc6749'),
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      provider: 'preset',
      ...overrides,
    };
  }

  spawn(name: string, kind: WorkerKind = 'dedicated'): Promise<void> {
    return this.page.evaluate(([n, k]) => window.atfw.spawn(n, k), [name, kind] as const);
  }

  call<T>(name: string, method: Method, ...args: unknown[]): Promise<T> {
    return this.page.evaluate(([n, m, a]) => window.atfw.call(n, m, a), [
      name,
      method,
      args,
    ] as const) as Promise<T>;
  }

  /** Runs `method` in each of `names` at once. */
  each<T>(names: readonly string[], method: Method, ...args: unknown[]): Promise<T[]> {
    return Promise.all(names.map((name) => this.call<T>(name, method, ...args)));
  }

  terminate(name: string): Promise<void> {
    return this.page.evaluate((n) => window.atfw.terminate(n), name);
  }

  /** Page errors, worker errors and CSP violations of the page and of every worker still running. */
  async problems(): Promise<string[]> {
    const names = await this.page.evaluate(() => window.atfw.names());
    const violations = await this.each<string[]>(names, 'violations');
    const workerErrors = await this.page.evaluate(() => window.atfw.errors());
    return [...this.pageErrors, ...workerErrors, ...violations.flat()];
  }

  close(): Promise<void> {
    return this.context.close();
  }
}
