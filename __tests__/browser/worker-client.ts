// Bundled into a page and into workers (dedicated, shared, service): it touches no `window`.
import axios, { type AxiosInstance } from 'axios';
import { BroadcastTokenStore } from '../../src/browser.js';
import { outcomeOf, type Outcome } from './outcome.js';
import {
  attachTokenAuth,
  clientCredentials,
  gigachat,
  parseTokenResponse,
  TokenManager,
  type DetachTokenAuth,
  type TokenProvider,
} from '../../src/index.js';

export interface ClientSetup {
  apiUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** `clientCredentials`, `gigachat`, or a `{ key, fetchToken }` provider of the app's own calling `fetch`. */
  provider: 'preset' | 'gigachat' | 'custom';
  /** The axios adapter; by default axios' own choice (`xhr` where there is `XMLHttpRequest`). */
  adapter?: 'xhr' | 'fetch' | undefined;
  /** Share tokens on this channel with a BroadcastTokenStore. */
  channel?: string | undefined;
  lockTimeoutMs?: number | undefined;
}

/** What the context offers, where the package or axios may look for it. */
export interface ClientEnv {
  scope: string;
  window: string;
  document: string;
  localStorage: string;
  xhr: string;
  fetch: string;
  locks: string;
  broadcast: string;
  randomUUID: string;
  secure: boolean;
}

export type BodyKind = 'form' | 'blob' | 'params' | 'buffer' | 'json';

let api: AxiosInstance | undefined;
let manager: TokenManager | undefined;
let detach: DetachTokenAuth | undefined;
let store: BroadcastTokenStore | undefined;
const events: Record<string, number> = {};
const violations: string[] = [];

globalThis.addEventListener?.('securitypolicyviolation', (event) => {
  const violation = event as SecurityPolicyViolationEvent;
  violations.push(`${violation.effectiveDirective} ${violation.blockedURI}`);
});

function customProvider(setup: ClientSetup): TokenProvider {
  return {
    key: `custom:${setup.clientId}`,
    async fetchToken({ signal, maxTtlMs }) {
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: setup.clientId,
        client_secret: setup.clientSecret,
      });
      const response = await fetch(setup.tokenUrl, { method: 'POST', body, signal: signal ?? null });
      return parseTokenResponse(await response.text(), {
        serverDate: response.headers.get('date'),
        contentType: response.headers.get('content-type') ?? undefined,
        maxTtlMs,
      });
    },
  };
}

function providerFor(setup: ClientSetup): TokenProvider {
  const credentials = {
    tokenUrl: setup.tokenUrl,
    clientId: setup.clientId,
    clientSecret: setup.clientSecret,
  };
  if (setup.provider === 'custom') return customProvider(setup);
  return setup.provider === 'gigachat' ? gigachat(credentials) : clientCredentials(credentials);
}

function body(kind: BodyKind): unknown {
  switch (kind) {
    case 'form': {
      const form = new FormData();
      form.append('field', 'value');
      form.append('file', new Blob(['file body'], { type: 'text/plain' }), 'a.txt');
      return form;
    }
    case 'blob':
      return new Blob(['blob body'], { type: 'text/plain' });
    case 'params':
      return new URLSearchParams({ a: '1', b: 'two' });
    case 'buffer':
      return new TextEncoder().encode('buffer body').buffer;
    default:
      return { json: true };
  }
}

const request = (path: string): Promise<Outcome> => outcomeOf(() => api!.get(path));

export const client = {
  setup(setup: ClientSetup): void {
    detach?.();
    store?.close();
    manager?.dispose();
    for (const name of Object.keys(events)) delete events[name];
    store =
      setup.channel === undefined
        ? undefined
        : new BroadcastTokenStore({ channel: setup.channel, lockTimeoutMs: setup.lockTimeoutMs });
    manager = new TokenManager({
      ...(store === undefined ? {} : { store }),
      onEvent: (event) => {
        events[event.type] = (events[event.type] ?? 0) + 1;
      },
    });
    api = axios.create({
      baseURL: setup.apiUrl,
      ...(setup.adapter === undefined ? {} : { adapter: setup.adapter }),
    });
    detach = attachTokenAuth(api, { manager, provider: providerFor(setup) });
  },
  request,
  /** `n` concurrent requests; their statuses (or error codes). */
  async burst(n: number): Promise<(number | string)[]> {
    const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => request(`/w/${i}`)));
    return outcomes.map((outcome) => outcome.status ?? `${outcome.error}:${outcome.code}`);
  },
  /** A request aborted `afterMs` after it starts, while it waits for a token. */
  aborted(afterMs: number): Promise<Outcome> {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), afterMs);
    return outcomeOf(() => api!.get('/w/aborted', { signal: controller.signal }));
  },
  /** Sequential requests for `durationMs`, starting `afterMs` from now. */
  async steady(afterMs: number, durationMs: number): Promise<Outcome[]> {
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    const outcomes: Outcome[] = [];
    const stopAt = performance.now() + durationMs;
    while (performance.now() < stopAt) outcomes.push(await request(`/w/steady-${outcomes.length}`));
    return outcomes;
  },
  /** A POST whose body is of `kind`. */
  post(kind: BodyKind): Promise<Outcome> {
    return outcomeOf(() => api!.post(`/w/post-${kind}`, body(kind)));
  },
  events(): Record<string, number> {
    return { ...events };
  },
  env(): ClientEnv {
    const scope = globalThis as Record<string, unknown>;
    const nav = scope['navigator'] as { locks?: { request?: unknown } } | undefined;
    return {
      scope: Object.prototype.toString.call(globalThis),
      window: typeof scope['window'],
      document: typeof scope['document'],
      localStorage: typeof scope['localStorage'],
      xhr: typeof scope['XMLHttpRequest'],
      fetch: typeof scope['fetch'],
      locks: typeof nav?.locks?.request,
      broadcast: typeof scope['BroadcastChannel'],
      randomUUID: typeof (scope['crypto'] as { randomUUID?: unknown } | undefined)?.randomUUID,
      secure: scope['isSecureContext'] === true,
    };
  },
  /**
   * Whether the CSP refuses to compile strings here (the probe itself is a violation). Through
   * `Reflect`, so that a search of the bundle for the Function constructor finds only the package's and axios' uses.
   */
  evalBlocked(): boolean {
    try {
      return (Reflect.construct(Function, ['return false']) as () => boolean)();
    } catch {
      return true;
    }
  },
  /** Every CSP violation this context met (directive and blocked URI). */
  violations(): string[] {
    return [...violations];
  },
};

export type Client = typeof client;
export type Method = keyof Client;
