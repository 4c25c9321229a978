import type { BasicDecoding, ClientAuthMethod, LabClient } from './client-auth.js';
import { realClock, send, startLoopbackServer, type RecordedRequest } from './loopback-server.js';
import { ProtectedApi, type ApiFault } from './protected-api.js';
import { TokenRegistry } from './token-registry.js';
import type { TokenShape } from './token-responses.js';
import { TokenEndpoint, type RecordedTokenRequest, type TokenFault } from './token-server.js';

export { startEchoServer, type EchoServer, type EchoServerOptions } from './echo-server.js';
export { BRAINYSOFT_SCOPE, CHATLAYER_SCOPE, TOKEN_SHAPES } from './token-responses.js';
export type {
  ApiFault,
  BasicDecoding,
  ClientAuthMethod,
  LabClient,
  RecordedRequest,
  RecordedTokenRequest,
  TokenFault,
  TokenShape,
};

export const DEFAULT_CLIENT: LabClient = { clientId: 'lab-client', clientSecret: 'lab-secret-Ω:%+ /' };

export interface AuthLabOptions {
  /** Lifetime of issued tokens (default 60 000 ms; `expires_in` rounds down to whole seconds, at least 1). */
  tokenLifetimeMs?: number;
  /** Accepted clients (default: `DEFAULT_CLIENT`). */
  clients?: LabClient[];
  /** Permissive CORS on every route, OPTIONS preflight answered 204 (default false). */
  cors?: boolean;
  /** Latency of the token endpoint (default 0). */
  tokenDelayMs?: number;
  /** Latency of the protected API (default 0). */
  apiDelayMs?: number;
  /** How HTTP Basic credentials are decoded (default `'rfc6749'`; the GigaChat shapes accept both). */
  basicDecoding?: BasicDecoding;
  /** The server's clock for token expiry (default: the real `Date.now`, immune to jest fake timers). */
  now?: () => number;
}

export interface AuthLabStats {
  tokenRequests: number;
  apiRequests: number;
  /** API answers with status 401. */
  apiUnauthorized: number;
  /** Tokens that reached the API after their server-side expiry. */
  expiredTokenSeen: number;
  tokenRequestsLog: RecordedTokenRequest[];
  apiRequestsLog: RecordedRequest[];
}

export interface AuthLab {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `${url}/token/${shape}` (default shape `'rfc6749'`). */
  tokenUrl(shape?: TokenShape): string;
  /** `${url}/api` */
  apiUrl: string;
  /** Live counters, reset in place by `resetStats()`. */
  stats: AuthLabStats;
  resetStats(): void;
  /** Every token issued so far becomes invalid: the API answers 401 for it. */
  revokeAll(): void;
  setTokenLifetime(ms: number): void;
  setTokenDelay(ms: number): void;
  setApiDelay(ms: number): void;
  /** Applies to subsequent token requests until cleared (a `times` fault counts from here). */
  setTokenFault(fault: TokenFault | null): void;
  setApiFault(fault: ApiFault | null): void;
  /** Tokens issued since start or the last `resetStats()`. */
  issuedTokens(): number;
  /** Closes the server and every connection, including hung ones. */
  close(): Promise<void>;
}

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, RqUID, Accept',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'Access-Control-Expose-Headers': 'WWW-Authenticate, Retry-After, Date',
};

/**
 * Starts one loopback HTTP server hosting a token endpoint (`/token/<shape>`, every vendor wire format)
 * and a protected API (`/api/...`) that accepts only the tokens it issued, while they are valid.
 */
export async function startAuthLab(options: AuthLabOptions = {}): Promise<AuthLab> {
  const now = options.now ?? realClock;
  const registry = new TokenRegistry(now);
  const stats: AuthLabStats = {
    tokenRequests: 0,
    apiRequests: 0,
    apiUnauthorized: 0,
    expiredTokenSeen: 0,
    tokenRequestsLog: [],
    apiRequestsLog: [],
  };
  const later = (ms: number, fn: () => void): void => loopback.later(ms, fn);
  const tokens = new TokenEndpoint({
    registry,
    now,
    clients: options.clients ?? [DEFAULT_CLIENT],
    basicDecoding: options.basicDecoding ?? 'rfc6749',
    lifetimeMs: options.tokenLifetimeMs ?? 60_000,
    delayMs: options.tokenDelayMs ?? 0,
    later,
    onRequest: (request) => {
      stats.tokenRequests += 1;
      stats.tokenRequestsLog.push(request);
    },
  });
  const api = new ProtectedApi({
    registry,
    delayMs: options.apiDelayMs ?? 0,
    later,
    onRequest: (request) => {
      stats.apiRequests += 1;
      stats.apiRequestsLog.push(request);
    },
    onUnauthorized: (expired) => {
      stats.apiUnauthorized += 1;
      if (expired) stats.expiredTokenSeen += 1;
    },
  });

  const loopback = await startLoopbackServer((req, res, recorded) => {
    if (options.cors) {
      for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
      if (recorded.method === 'OPTIONS') return send(res, 204, '');
    }
    const tokenPath = /^\/token\/([^/]+)$/.exec(recorded.path);
    if (tokenPath) return tokens.handle(req, res, recorded, tokenPath[1]!);
    if (recorded.path === '/api' || recorded.path.startsWith('/api/')) return api.handle(res, recorded);
    send(res, 404, { error: 'not_found' });
  });

  return {
    url: loopback.url,
    tokenUrl: (shape = 'rfc6749') => `${loopback.url}/token/${shape}`,
    apiUrl: `${loopback.url}/api`,
    stats,
    resetStats() {
      stats.tokenRequests = 0;
      stats.apiRequests = 0;
      stats.apiUnauthorized = 0;
      stats.expiredTokenSeen = 0;
      stats.tokenRequestsLog.length = 0;
      stats.apiRequestsLog.length = 0;
      registry.resetCount();
    },
    revokeAll: () => registry.revokeAll(),
    setTokenLifetime: (ms) => {
      tokens.lifetimeMs = ms;
    },
    setTokenDelay: (ms) => {
      tokens.delayMs = ms;
    },
    setApiDelay: (ms) => {
      api.delayMs = ms;
    },
    setTokenFault: (fault) => tokens.setFault(fault),
    setApiFault: (fault) => {
      api.fault = fault;
    },
    issuedTokens: () => registry.issued,
    close: () => loopback.close(),
  };
}
