// Bundled by esbuild and run in Chromium: the test drives it through `window.atf`.
import axios, { type AxiosInstance } from 'axios';
import { BroadcastTokenStore } from '../../src/browser.js';
import { outcomeOf, type Outcome } from './outcome.js';
import {
  attachTokenAuth,
  clientCredentials,
  gigachat,
  TokenManager,
  type DetachTokenAuth,
} from '../../src/index.js';

export interface PageSetup {
  apiUrl: string;
  tokenUrl: string;
  gigachatTokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Share tokens between tabs with a BroadcastTokenStore on this channel. */
  channel?: string;
}

let api: AxiosInstance;
let manager: TokenManager;
let detach: DetachTokenAuth | undefined;
let store: BroadcastTokenStore | undefined;
const events: Record<string, number> = {};

function request(path: string, config: Parameters<AxiosInstance['get']>[1] = {}): Promise<Outcome> {
  return outcomeOf(() => api.get(path, config));
}

const atf = {
  setup(setup: PageSetup): void {
    detach?.();
    store?.close();
    manager?.dispose();
    for (const name of Object.keys(events)) delete events[name];
    store = setup.channel === undefined ? undefined : new BroadcastTokenStore({ channel: setup.channel });
    manager = new TokenManager({
      ...(store === undefined ? {} : { store }),
      onEvent: (event) => {
        events[event.type] = (events[event.type] ?? 0) + 1;
      },
    });
    const rfc = clientCredentials({
      tokenUrl: setup.tokenUrl,
      clientId: setup.clientId,
      clientSecret: setup.clientSecret,
    });
    const giga = gigachat({
      tokenUrl: setup.gigachatTokenUrl,
      clientId: setup.clientId,
      clientSecret: setup.clientSecret,
    });
    api = axios.create({ baseURL: setup.apiUrl });
    detach = attachTokenAuth(api, {
      manager,
      provider: (config) => (config.url?.startsWith('/giga/') ? giga : rfc),
    });
  },
  request,
  /** `n` concurrent requests under `prefix`; their statuses (or error codes). */
  async burst(n: number, prefix = '/rfc/'): Promise<(number | string)[]> {
    const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => request(`${prefix}${i}`)));
    return outcomes.map((outcome) => outcome.status ?? `${outcome.error}:${outcome.code}`);
  },
  async withoutToken(): Promise<Outcome> {
    return request('/rfc/anonymous', { tokenAuth: false });
  },
  /** A request aborted `afterMs` after it starts, while it waits for a token. */
  async aborted(afterMs: number): Promise<Outcome> {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), afterMs);
    return request('/rfc/aborted', { signal: controller.signal });
  },
  /** Sequential requests for `durationMs`, starting `afterMs` from now. */
  async steady(afterMs: number, durationMs: number): Promise<Outcome[]> {
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    const outcomes: Outcome[] = [];
    const stopAt = performance.now() + durationMs;
    while (performance.now() < stopAt) outcomes.push(await request(`/rfc/steady-${outcomes.length}`));
    return outcomes;
  },
  events(): Record<string, number> {
    return { ...events };
  },
  hasWebStorage(): number {
    return localStorage.length + sessionStorage.length;
  },
};

declare global {
  interface Window {
    atf: typeof atf;
  }
}

window.atf = atf;
