import {
  AxiosError,
  CanceledError,
  getAdapter,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { pinMultipartBoundary } from './multipart-boundary.js';
import { providerFailure } from './provider-token.js';
import { answeredWithoutHeader } from './redirect-guard.js';
import { readyForReplay } from './replay-body.js';
import type { RequestTokenState } from './request-token-state.js';
import { RequestWait, type AdapterSpec, type WaitEnder } from './request-wait.js';
import { scrubAxiosError } from './scrub-axios-error.js';
import { isNodeReadable, isWebReadable } from './stream-body.js';
import type { Token, TokenProvider } from './token.js';
import type { TokenManager } from './token-manager.js';
import { createTokenWaiters, type TokenWaiter } from './token-waiters.js';

/** Sets the token on a request and records it in `config.tokenAuth`. */
export type AttachToken = (
  config: InternalAxiosRequestConfig,
  provider: TokenProvider,
  token: Token,
  replayed: boolean,
) => void;

export interface TokenDispatchOptions {
  manager: TokenManager;
  header: string;
  retryOnStatus: ReadonlySet<number>;
  attach: AttachToken;
  /** Whether, at dispatch, the request gets no token after all (its own credentials, another origin). */
  sentAsIs(config: InternalAxiosRequestConfig, state: RequestTokenState): boolean;
}

/**
 * The part of the plugin that runs when axios dispatches a request: it wraps the request's adapter.
 * Waiting for a token there, not in a request interceptor, means a request answered without reaching
 * the adapter (a response cache replacing `config.adapter`) never asks for a token; replaying a 401
 * there means the plugins around it (a response cache, axios-retry) see one request with one answer.
 */
export interface TokenDispatch {
  /** `adapter` (a request's `config.adapter`) wrapped; wrapping a wrapped adapter returns it as is. */
  wrap(adapter: InternalAxiosRequestConfig['adapter']): AxiosAdapter;
  /**
   * The error the token request of a request failed with, when `error` is the `AxiosError` the
   * wrapped adapter threw for it. Inside the adapter it must be an `AxiosError` (response caches
   * clean up their pending entry only for one); the response interceptor hands the caller the cause.
   */
  tokenFailureOf(error: unknown): unknown;
}

/** axios' own default, for a request whose config names no adapter. */
const DEFAULT_ADAPTERS: AdapterSpec = ['xhr', 'http', 'fetch'];

export function createTokenDispatch(options: TokenDispatchOptions): TokenDispatch {
  const { manager, header, retryOnStatus, attach, sentAsIs } = options;
  const failures = new WeakMap<object, unknown>();
  const wrappers = new WeakSet<AxiosAdapter>();
  let lastInner: unknown;
  let lastWrapper: AxiosAdapter | undefined;
  const waitForToken = createTokenWaiters(manager);

  /**
   * A request that gets no token is not sent: the token it still carries (a replay's, or one that ran
   * out while an interceptor held it) leaves its config, which the error it rejects with holds.
   */
  const dropSentToken = (config: InternalAxiosRequestConfig): void => {
    const state = stateOf(config);
    if (state !== undefined && state.isOwnHeader(config.headers.get(header))) config.headers.delete(header);
  };

  /**
   * What a request that waited for a token and got none rejects with inside the adapter; the
   * response interceptor hands the caller its cause, always a `TokenRequestError`.
   */
  const tokenFailure = (
    error: unknown,
    config: InternalAxiosRequestConfig,
    provider: TokenProvider,
  ): AxiosError => {
    dropSentToken(config);
    const signal = config.signal as AbortSignal | undefined;
    if (signal?.aborted === true && error === signal.reason) return new CanceledError(undefined, config);
    const cause = providerFailure(error, provider.key);
    const failure = new AxiosError(
      'The access token for this request could not be obtained (see `cause`)',
      'ERR_TOKEN_REQUEST',
      config,
    );
    failure.cause = cause;
    failures.set(failure, cause);
    return failure;
  };

  /** What a request whose cancel token or timeout ended its wait rejects with: that reason. */
  const waitEnded = (reason: AxiosError, config: InternalAxiosRequestConfig): AxiosError => {
    dropSentToken(config);
    return reason;
  };

  const steps: PendingSteps = { attach, tokenFailure, waitEnded };

  /** Attaches a token to `config` (waiting for it), then runs `next`; one promise per request. */
  const withToken = (
    config: InternalAxiosRequestConfig,
    provider: TokenProvider,
    replayed: boolean,
    adapter: AdapterSpec,
    next: (config: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
  ): Promise<AxiosResponse> =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const pending = new PendingRequest(steps, config, provider, replayed, adapter, next, resolve, reject);
      // A request whose cancel token was cancelled already starts no token request.
      if (pending.waiting) waitForToken(provider, config.signal as AbortSignal | undefined, pending);
    });

  /** Scrubs what leaves the adapter, so even response interceptors that run before ours see no token. */
  const fail = (error: unknown, config: InternalAxiosRequestConfig): never => {
    const state = stateOf(config);
    if (state !== undefined && error !== null && typeof error === 'object') {
      scrubAxiosError(error as Partial<AxiosError>, header, state);
    }
    throw error;
  };

  const wrap = (adapter: InternalAxiosRequestConfig['adapter']): AxiosAdapter => {
    if (lastWrapper !== undefined && (adapter === lastWrapper || sameAdapter(adapter, lastInner))) {
      return lastWrapper;
    }
    if (typeof adapter === 'function' && wrappers.has(adapter)) return adapter;
    const inner = adapter ?? DEFAULT_ADAPTERS;
    const send: AxiosAdapter =
      typeof inner === 'function' ? inner : (config) => getAdapter(inner, config)(config);

    /**
     * Replays `config` once after an `answer` whose status is in `retryOnStatus`, whether axios
     * rejected it or the request's `validateStatus` accepted it; otherwise `settle`s as axios did.
     */
    const replay = async (
      config: InternalAxiosRequestConfig,
      answer: AxiosResponse | undefined,
      settle: () => AxiosResponse,
    ): Promise<AxiosResponse> => {
      const state = stateOf(config);
      const status = answer?.status;
      if (state === undefined || state.replayed || status === undefined || !retryOnStatus.has(status)) {
        return settle();
      }
      if (answeredWithoutHeader(answer, header)) return settle();
      // Dropped from the cache (and refused from the store) at once; the replay does not wait for the
      // store's delete, whose round trip its signal and timeout could not end.
      void manager.invalidate(state.providerKey, state.accessTokenForInvalidation());
      // The token is dropped even when the body, consumed by the first attempt, cannot be sent again.
      if (!readyForReplay(config)) return settle();
      release(answer?.data);
      manager.emit({ type: 'retry', key: state.providerKey, status });
      return withToken(config, state.provider, true, inner, (replay) =>
        send(replay).catch((again: unknown) => fail(again, replay)),
      );
    };

    const attempt = (config: InternalAxiosRequestConfig): Promise<AxiosResponse> =>
      send(config).then(
        (response) =>
          retryOnStatus.has(response.status) ? replay(config, response, () => response) : response,
        (error: unknown) =>
          replay(config, (error as Partial<AxiosError> | null)?.response, () => fail(error, config)),
      );

    const wrapper: AxiosAdapter = (config) => {
      const state = stateOf(config);
      if (state === undefined) return send(config);
      if (sentAsIs(config, state)) {
        dropSentToken(config);
        return send(config);
      }
      pinMultipartBoundary(config);
      if (!state.awaitingToken && manager.isBefore(state.sendableUntil)) return attempt(config);
      // No token yet, or the one set ran out while an interceptor held the request: take a new one.
      return withToken(config, state.provider, state.replayed, inner, attempt);
    };
    wrappers.add(wrapper);
    lastInner = adapter;
    lastWrapper = wrapper;
    return wrapper;
  };

  return {
    wrap,
    tokenFailureOf: (error) =>
      error !== null && typeof error === 'object' ? failures.get(error) : undefined,
  };
}

/** axios copies an adapter list (its default, `['xhr', 'http', 'fetch']`) into every request's config. */
function sameAdapter(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((entry, index) => entry === b[index]);
}

function stateOf(config: InternalAxiosRequestConfig): RequestTokenState | undefined {
  const tokenAuth = config.tokenAuth;
  return tokenAuth ? tokenAuth.state : undefined;
}

/**
 * Lets go of the body of an answer the caller never sees: with `responseType: 'stream'` it is still
 * unread, and it holds its connection (the agent's socket, a fetch connection) until it is.
 */
function release(data: unknown): void {
  if (isNodeReadable(data)) data.destroy?.();
  else if (isWebReadable(data)) data.cancel?.().catch(ignore);
}

function ignore(): void {}

interface PendingSteps {
  attach: AttachToken;
  tokenFailure(error: unknown, config: InternalAxiosRequestConfig, provider: TokenProvider): AxiosError;
  waitEnded(reason: AxiosError, config: InternalAxiosRequestConfig): AxiosError;
}

/**
 * A request waiting at dispatch for its token; one object, no closures, per waiting request. Told
 * once: by the token's arrival, the token request's failure, or its own cancel token or timeout.
 */
class PendingRequest implements TokenWaiter, WaitEnder {
  readonly #steps: PendingSteps;
  readonly #config: InternalAxiosRequestConfig;
  readonly #provider: TokenProvider;
  readonly #replayed: boolean;
  readonly #next: (config: InternalAxiosRequestConfig) => Promise<AxiosResponse>;
  readonly #resolve: (response: AxiosResponse | PromiseLike<AxiosResponse>) => void;
  readonly #reject: (error: unknown) => void;
  readonly #wait: RequestWait | undefined;
  #waiting = true;

  constructor(
    steps: PendingSteps,
    config: InternalAxiosRequestConfig,
    provider: TokenProvider,
    replayed: boolean,
    adapter: AdapterSpec,
    next: (config: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
    resolve: (response: AxiosResponse | PromiseLike<AxiosResponse>) => void,
    reject: (error: unknown) => void,
  ) {
    this.#steps = steps;
    this.#config = config;
    this.#provider = provider;
    this.#replayed = replayed;
    this.#next = next;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#wait = RequestWait.needed(config) ? new RequestWait(config, this, adapter) : undefined;
    // A cancel token cancelled already told this request while its wait was being set up.
    if (!this.#waiting) this.#wait?.end();
  }

  /** False once the request was told. */
  get waiting(): boolean {
    return this.#waiting;
  }

  onToken(token: Token): void {
    if (!this.#told()) return;
    try {
      this.#steps.attach(this.#config, this.#provider, token, this.#replayed);
      this.#next(this.#config).then(this.#resolve, this.#reject);
    } catch (error) {
      this.#reject(error);
    }
  }

  onError(error: unknown): void {
    if (this.#told()) this.#reject(this.#steps.tokenFailure(error, this.#config, this.#provider));
  }

  endWait(reason: AxiosError): void {
    if (this.#told()) this.#reject(this.#steps.waitEnded(reason, this.#config));
  }

  /** True the first time only: the wait is over then. */
  #told(): boolean {
    if (!this.#waiting) return false;
    this.#waiting = false;
    this.#wait?.end();
    return true;
  }
}
