import {
  AxiosError,
  AxiosHeaders,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';

/** Options of {@link createLab}. */
export interface LabOptions {
  /** Lifetime of every issued token, seconds (sent as `expires_in`). Default 3600. */
  tokenLifetimeS?: number;
  /** How long the token endpoint takes to answer, ms (a timer). Default 0 (next macrotask). */
  tokenDelayMs?: number;
  /**
   * How the protected API answers: `'microtask'` (a resolved promise: the strictest measure of
   * interceptor overhead) or `'macrotask'` (after `setImmediate`, like a socket; lets timers run
   * under closed-loop traffic). Default `'microtask'`.
   */
  answer?: 'microtask' | 'macrotask';
}

/** One token request as the endpoint saw it. */
export interface TokenRequestRecord {
  /** `performance.now()` when the request arrived. */
  readonly receivedAt: number;
  /** `performance.now()` when the answer was sent. */
  readonly answeredAt: number;
}

/**
 * An OAuth2 authorization server and a protected API that answer inside the process, through an
 * axios adapter: `POST /token` (client credentials) and `GET /resource` (200 for a live token, 401
 * otherwise). No sockets, so the numbers measure the client, not the kernel.
 */
export interface Lab {
  readonly adapter: AxiosAdapter;
  readonly tokenUrl: string;
  readonly baseURL: string;
  readonly options: Required<LabOptions>;
  /** Token requests received since the last {@link Lab.resetCounters}. */
  tokenRequests: number;
  /** Requests to the protected API answered 401. */
  unauthorized: number;
  /** Requests to the protected API answered 200. */
  served: number;
  readonly tokenLog: TokenRequestRecord[];
  /** A token valid until {@link Lab.revokeAll}, for the static-header contender. */
  issueStaticToken(): string;
  /** Makes every token issued so far answer 401. */
  revokeAll(): void;
  resetCounters(): void;
}

export const CLIENT_ID = 'bench-client';
export const CLIENT_SECRET = 'bench-secret';

/** The client-credentials grant of the lab's client, form-encoded: the body of a bare token request. */
export function grantBody(): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
  }).toString();
}

export function createLab(options: LabOptions = {}): Lab {
  const resolved: Required<LabOptions> = {
    tokenLifetimeS: options.tokenLifetimeS ?? 3600,
    tokenDelayMs: options.tokenDelayMs ?? 0,
    answer: options.answer ?? 'microtask',
  };
  /** access token → epoch ms after which it is refused. */
  const live = new Map<string, number>();
  let serial = 0;

  const issue = (lifetimeMs: number): string => {
    serial += 1;
    const accessToken = `at-${serial}-${Math.random().toString(36).slice(2, 10)}`;
    live.set(accessToken, Date.now() + lifetimeMs);
    return accessToken;
  };

  const tokenEndpoint = (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    const receivedAt = performance.now();
    lab.tokenRequests += 1;
    const body = new URLSearchParams(typeof config.data === 'string' ? config.data : '');
    const authorization = String(config.headers.get('Authorization') ?? '');
    const authenticated =
      body.get('grant_type') === 'client_credentials' &&
      (authorization.startsWith('Basic ') ||
        (body.get('client_id') === CLIENT_ID && body.get('client_secret') === CLIENT_SECRET));
    return new Promise((resolve, reject) => {
      const respond = (): void => {
        const answeredAt = performance.now();
        lab.tokenLog.push({ receivedAt, answeredAt });
        if (!authenticated) {
          settle(config, 401, JSON.stringify({ error: 'invalid_client' }), resolve, reject);
          return;
        }
        const accessToken = issue(resolved.tokenLifetimeS * 1000);
        const payload = {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: resolved.tokenLifetimeS,
        };
        settle(config, 200, JSON.stringify(payload), resolve, reject);
      };
      if (resolved.tokenDelayMs > 0) setTimeout(respond, resolved.tokenDelayMs);
      else setImmediate(respond);
    });
  };

  const resource = (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    const value = config.headers.get('Authorization');
    const accessToken = typeof value === 'string' && value.startsWith('Bearer ') ? value.slice(7) : '';
    const expiresAt = live.get(accessToken);
    const ok = expiresAt !== undefined && Date.now() < expiresAt;
    if (ok) lab.served += 1;
    else lab.unauthorized += 1;
    const data = ok ? OK_BODY : UNAUTHORIZED_BODY;
    return new Promise((resolve, reject) => {
      if (resolved.answer === 'microtask') settle(config, ok ? 200 : 401, data, resolve, reject);
      else setImmediate(() => settle(config, ok ? 200 : 401, data, resolve, reject));
    });
  };

  const adapter: AxiosAdapter = (config) =>
    config.url !== undefined && config.url.endsWith('/token') ? tokenEndpoint(config) : resource(config);

  const lab: Lab = {
    adapter,
    tokenUrl: 'http://127.0.0.1/oauth/token',
    baseURL: 'http://127.0.0.1/api',
    options: resolved,
    tokenRequests: 0,
    unauthorized: 0,
    served: 0,
    tokenLog: [],
    issueStaticToken: () => issue(Number.MAX_SAFE_INTEGER / 2),
    revokeAll: () => live.clear(),
    resetCounters: () => {
      lab.tokenRequests = 0;
      lab.unauthorized = 0;
      lab.served = 0;
      lab.tokenLog.length = 0;
    },
  };
  return lab;
}

const OK_BODY = { ok: true };
const UNAUTHORIZED_BODY = { error: 'invalid_token' };
const JSON_HEADERS = { 'content-type': 'application/json' };

/** What axios' own adapters do with an answer: resolve, or reject when `validateStatus` says no. */
function settle(
  config: InternalAxiosRequestConfig,
  status: number,
  data: unknown,
  resolve: (response: AxiosResponse) => void,
  reject: (error: AxiosError) => void,
): void {
  const response: AxiosResponse = {
    data,
    status,
    statusText: status === 200 ? 'OK' : 'Unauthorized',
    headers: new AxiosHeaders(JSON_HEADERS),
    config,
    request: {},
  };
  const validate = config.validateStatus;
  if (validate === undefined || validate === null || validate(status)) {
    resolve(response);
    return;
  }
  reject(
    new AxiosError(
      `Request failed with status code ${status}`,
      status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST,
      config,
      {},
      response,
    ),
  );
}
