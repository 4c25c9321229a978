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
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
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

/** Serves an HTML page running `script` at `/` (its own origin, so every API call is cross-origin). */
export function servePage(script: string): Promise<LoopbackServer> {
  return startLoopbackServer((_req, res, recorded) => {
    if (recorded.path === '/') {
      return send(
        res,
        200,
        '<!doctype html><meta charset="utf-8"><title>axios-token-flight</title><script src="/page.js"></script>',
        {
          'Content-Type': 'text/html; charset=utf-8',
        },
      );
    }
    if (recorded.path === '/page.js')
      return send(res, 200, script, { 'Content-Type': 'text/javascript; charset=utf-8' });
    send(res, 404, { error: 'not_found' });
  });
}

/** What both browser suites start: the page bundle served on its own origin, a CORS auth lab, Chromium. */
export interface BrowserLab {
  readonly lab: AuthLab;
  readonly site: LoopbackServer;
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function startBrowserLab(pageEntry: string): Promise<BrowserLab> {
  const [script, lab] = await Promise.all([
    bundlePage(pageEntry),
    startAuthLab({ cors: true, tokenLifetimeMs: 600_000 }),
  ]);
  const site = await servePage(script);
  const browser = await launchChromium();
  return {
    lab,
    site,
    browser,
    async close() {
      await browser.close();
      await site.close();
      await lab.close();
    },
  };
}
