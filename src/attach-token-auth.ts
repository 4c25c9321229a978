import { CanceledError, type AxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import type { TokenAuthRequestOptions } from './axios-config.js';
import { defaultTokenManager } from './default-token-manager.js';
import { TokenAuthConfigError } from './errors.js';
import { createOriginPolicy } from './origin-policy.js';
import { randomUUID } from './random-uuid.js';
import { RequestTokenState } from './request-token-state.js';
import { scrubAxiosError } from './scrub-axios-error.js';
import type { Token, TokenProvider } from './token.js';
import type { TokenManager } from './token-manager.js';

/** Chooses the provider of one request; `undefined` sends it without a token. */
export type ProviderSelector = (config: InternalAxiosRequestConfig) => TokenProvider | undefined;

/** Options of {@link attachTokenAuth}. */
export interface AttachTokenAuthOptions {
  /** Where tokens come from: a provider, or a function choosing one per request. Required. */
  provider: TokenProvider | ProviderSelector;
  /** The token cache. Default: one process-wide manager shared by every instance. */
  manager?: TokenManager;
  /** Statuses that drop the token the request carried and replay it once. Default `[401]`. */
  retryOnStatus?: readonly number[];
  /**
   * Origins that may receive the token besides relative URLs and the origin of the instance's
   * `baseURL`, e.g. `['https://api.example.com']`; `'*'` for every origin. Default `[]`.
   */
  origins?: readonly string[] | '*';
  /** The header that carries the token. Default `'Authorization'`. */
  header?: string;
  /** The scheme before the token. Default: the token's `tokenType` (`'Bearer'`). */
  scheme?: string;
}

/** Removes the interceptors `attachTokenAuth` added. */
export type DetachTokenAuth = () => void;

const attached = new WeakSet<AxiosInstance>();

/**
 * Makes every request of `instance` carry a valid access token, refreshed before it expires and
 * renewed once after a 401.
 *
 * @example
 * const api = axios.create({ baseURL: 'https://api.example.com' });
 * const detach = attachTokenAuth(api, { provider: clientCredentials({ tokenUrl, clientId, clientSecret }) });
 */
export function attachTokenAuth(instance: AxiosInstance, options: AttachTokenAuthOptions): DetachTokenAuth {
  if (attached.has(instance)) {
    throw new TokenAuthConfigError(
      'attachTokenAuth was already called on this axios instance; call the detach function it returned first',
      'already_attached',
    );
  }
  const provider: unknown = options?.provider;
  if (
    typeof provider !== 'function' &&
    typeof (provider as TokenProvider | undefined)?.fetchToken !== 'function'
  ) {
    throw new TokenAuthConfigError(
      'attachTokenAuth needs a provider: an object with key and fetchToken, or a function returning one',
      'invalid_options',
    );
  }
  const manager = options.manager ?? defaultTokenManager();
  const header = options.header ?? 'Authorization';
  const scheme = options.scheme;
  const retryOnStatus = new Set(options.retryOnStatus ?? [401]);
  const mayCarryToken = createOriginPolicy(instance, options.origins ?? []);
  const select: ProviderSelector =
    typeof options.provider === 'function' ? options.provider : constant(options.provider);

  // Requests sent with the same cached token share one frozen `tokenAuth` value: no allocation per request.
  let shared: { token: Token; key: string; value: string; tokenAuth: TokenAuthRequestOptions } | undefined;

  const attach = (
    config: InternalAxiosRequestConfig,
    key: string,
    token: Token,
  ): InternalAxiosRequestConfig => {
    const previous = config.tokenAuth || undefined;
    const replayed = previous?.state?.replayed ?? false;
    if (!replayed && previous?.provider === undefined && shared?.token === token && shared.key === key) {
      config.headers.set(header, shared.value);
      config.tokenAuth = shared.tokenAuth;
      return config;
    }
    const value = `${scheme ?? token.tokenType} ${token.accessToken}`;
    const state = new RequestTokenState(key, value, token.accessToken, replayed);
    const tokenAuth = Object.freeze(
      previous?.provider === undefined ? { state } : { provider: previous.provider, state },
    );
    if (!replayed && previous?.provider === undefined) shared = { token, key, value, tokenAuth };
    config.headers.set(header, value);
    config.tokenAuth = tokenAuth;
    return config;
  };

  /** The provider whose token this request gets, or undefined to send it as it is. */
  const providerFor = (config: InternalAxiosRequestConfig): TokenProvider | undefined => {
    const perRequest = config.tokenAuth;
    if (perRequest === false) return undefined;
    const current = config.headers.get(header);
    const ours = perRequest?.state?.isOwnHeader(current) === true;
    if (!ours && current !== undefined && current !== null && current !== '') return undefined;
    if (!mayCarryToken(config)) {
      if (ours) config.headers.delete(header);
      return undefined;
    }
    const chosen = perRequest?.provider ?? select(config);
    if (chosen !== undefined && perRequest?.state === undefined) pinMultipartBoundary(config);
    return chosen;
  };

  const onRequest = (
    config: InternalAxiosRequestConfig,
  ): InternalAxiosRequestConfig | Promise<InternalAxiosRequestConfig> => {
    const chosen = providerFor(config);
    if (chosen === undefined) return config;
    const cached = manager.peekToken(chosen);
    if (cached !== undefined) return attach(config, chosen.key, cached);
    const signal = config.signal as AbortSignal | undefined;
    return manager.getToken(chosen, { signal }).then(
      (token) => attach(config, chosen.key, token),
      (error: unknown) => {
        if (signal?.aborted === true && error === signal.reason)
          throw new CanceledError(undefined, undefined, config);
        throw error;
      },
    );
  };

  // Hot path. When ours are the instance's only request interceptors, a request that needs no wait (a
  // token is cached, or none is wanted) goes through a synchronous registration, so axios skips its
  // promise chain. axios asks `runWhen` and runs the handler in one synchronous turn, so the decision
  // taken in `runWhen` still holds when the handler runs; with other interceptors around, the
  // asynchronous registration decides afresh when it runs.
  let readyConfig: InternalAxiosRequestConfig | undefined;
  let readyProvider: TokenProvider | undefined;
  let readyToken: Token | undefined;
  const handlers = instance.interceptors.request as { handlers?: ReadonlyArray<unknown> };
  const readyNow = (config: InternalAxiosRequestConfig): boolean => {
    let registered = 0;
    for (const handler of handlers.handlers ?? []) if (handler !== null) registered += 1;
    if (registered !== 2) return false;
    const provider = providerFor(config);
    const token = provider === undefined ? undefined : manager.peekToken(provider);
    if (provider !== undefined && token === undefined) return false;
    readyConfig = config;
    readyProvider = provider;
    readyToken = token;
    return true;
  };
  const onReadyRequest = (config: InternalAxiosRequestConfig): InternalAxiosRequestConfig => {
    const provider = readyProvider;
    const token = readyToken;
    const decided = readyConfig === config;
    readyConfig = readyProvider = readyToken = undefined;
    if (!decided || provider === undefined || token === undefined) return config;
    return attach(config, provider.key, token);
  };

  const onResponseError = async (error: unknown): Promise<unknown> => {
    const axiosError = error as Partial<AxiosError> | null;
    const config = axiosError?.config;
    const status = axiosError?.response?.status;
    const perRequest = config?.tokenAuth;
    const state = perRequest ? perRequest.state : undefined;
    if (config === undefined || !perRequest || state === undefined) throw error;
    if (status === undefined || !retryOnStatus.has(status) || state.replayed || !isReplayable(config.data)) {
      scrubAxiosError(axiosError as Partial<AxiosError>, header, state);
      throw error;
    }
    await manager.invalidate(state.providerKey, state.accessTokenForInvalidation());
    manager.emit({ type: 'retry', key: state.providerKey, status });
    config.tokenAuth = { ...perRequest, state: state.asReplayed() };
    return instance.request(config);
  };

  // axios asks `runWhen` in registration order: the synchronous registration decides first.
  const readyId = instance.interceptors.request.use(onReadyRequest, undefined, {
    synchronous: true,
    runWhen: readyNow,
  });
  const waitingId = instance.interceptors.request.use(onRequest, undefined, {
    runWhen: (config) => readyConfig !== config,
  });
  const responseId = instance.interceptors.response.use(undefined, onResponseError);
  attached.add(instance);
  let detached = false;
  return () => {
    if (detached) return;
    detached = true;
    instance.interceptors.request.eject(waitingId);
    instance.interceptors.request.eject(readyId);
    instance.interceptors.response.eject(responseId);
    attached.delete(instance);
  };
}

function constant(provider: TokenProvider): ProviderSelector {
  return () => provider;
}

/**
 * axios draws a new multipart boundary each time it sends a `FormData` (in Node), so a replay would
 * not be byte-identical; a boundary named in `Content-Type` is reused. Browsers set their own.
 */
function pinMultipartBoundary(config: InternalAxiosRequestConfig): void {
  if (typeof FormData === 'undefined' || !(config.data instanceof FormData)) return;
  const contentType = config.headers.getContentType();
  if (typeof contentType === 'string' && /boundary=/i.test(contentType)) return;
  const boundary = `axios-token-flight-${randomUUID().replaceAll('-', '')}`;
  config.headers.setContentType(`multipart/form-data; boundary=${boundary}`);
}

/** A body that is a stream was consumed by the first attempt and cannot be sent again. */
function isReplayable(data: unknown): boolean {
  if (data === null || typeof data !== 'object') return true;
  const candidate = data as { pipe?: unknown; getReader?: unknown };
  return typeof candidate.pipe !== 'function' && typeof candidate.getReader !== 'function';
}
