import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { startAuthLab, type AuthLab } from './auth-lab.js';
import { send, startLoopbackServer, type LoopbackServer } from './loopback-server.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * `describe` when Chromium is installed. Without it the suite fails under `CI=true` (CI must
 * install it) and is skipped with a note elsewhere.
 */
export function describeInChromium(name: string, suite: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, suite);
    return;
  }
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`${CHROMIUM_PATH} is missing: install it (apt-get install -y chromium)`);
      });
    });
    return;
  }
  console.warn(`${name}: skipped, ${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);
  describe.skip(name, suite);
}

/** Headless Debian Chromium with a fresh temporary profile. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/** Bundles a page script for the browser (axios' browser build, minified off for readable stacks). */
export async function bundlePage(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [resolve(entry)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** What a site serves besides its page: more scripts by path, and headers on every answer (a CSP). */
export interface SiteOptions {
  scripts?: Readonly<Record<string, string>>;
  headers?: Readonly<Record<string, string>>;
}

/** Serves an HTML page running `script` at `/` (its own origin, so every API call is cross-origin). */
export function servePage(script: string, options: SiteOptions = {}): Promise<LoopbackServer> {
  const scripts: Record<string, string> = { ...options.scripts, '/page.js': script };
  const headers = options.headers ?? {};
  return startLoopbackServer((_req, res, recorded) => {
    if (recorded.path === '/') {
      return send(
        res,
        200,
        '<!doctype html><meta charset="utf-8"><title>axios-token-flight</title><script src="/page.js"></script>',
        {
          ...headers,
          'Content-Type': 'text/html; charset=utf-8',
        },
      );
    }
    const found = Object.hasOwn(scripts, recorded.path) ? scripts[recorded.path] : undefined;
    if (found !== undefined)
      return send(res, 200, found, { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' });
    send(res, 404, { error: 'not_found' });
  });
}

/** What both browser suites start: the page bundle served on its own origin, a CORS auth lab, Chromium. */
export interface BrowserLab {
  readonly lab: AuthLab;
  readonly site: LoopbackServer;
  readonly browser: Browser;
  /** The bundles served, by path. */
  readonly scripts: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** What a lab serves besides the page: more bundled entries by path (a worker's script), headers (a CSP). */
export interface BrowserLabOptions {
  entries?: Readonly<Record<string, string>>;
  headers?: Readonly<Record<string, string>>;
  /** More Chromium switches. */
  args?: readonly string[];
}

export async function startBrowserLab(
  pageEntry: string,
  options: BrowserLabOptions = {},
): Promise<BrowserLab> {
  const entries = Object.entries(options.entries ?? {});
  const [script, lab, ...bundled] = await Promise.all([
    bundlePage(pageEntry),
    startAuthLab({ cors: true, tokenLifetimeMs: 600_000 }),
    ...entries.map(([, entry]) => bundlePage(entry)),
  ]);
  const scripts = Object.fromEntries(entries.map(([path], index) => [path, bundled[index]!]));
  const site = await servePage(script, { scripts, ...(options.headers ? { headers: options.headers } : {}) });
  const browser = await launchChromium(options.args);
  return {
    lab,
    site,
    browser,
    scripts: { '/page.js': script, ...scripts },
    async close() {
      await browser.close();
      await site.close();
      await lab.close();
    },
  };
}
