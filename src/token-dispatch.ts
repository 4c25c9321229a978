import {
  AxiosError,
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
import { PendingRequest, type AttachToken, type PendingSteps } from './pending-request.js';
import { canceledError, type AdapterSpec } from './request-wait.js';
import { scrubAxiosError } from './scrub-axios-error.js';
import { refusedAnswerStatus } from './transport-failure.js';
import { isNodeReadable, isWebReadable } from './stream-body.js';
import type { TokenProvider } from './token.js';
import type { TokenManager } from './token-manager.js';
import { createTokenWaiters } from './token-waiters.js';

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
    adapter: AdapterSpec,
  ): AxiosError => {
    dropSentToken(config);
    const signal = config.signal as AbortSignal | undefined;
    if (signal?.aborted === true && error === signal.reason) return canceledError(error, config, adapter);
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
      if (pending.waiting) {
        pending.stopWaitingWith(waitForToken(provider, config.signal as AbortSignal | undefined, pending));
      }
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
      answer: Answer | undefined,
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
        (error: unknown) => replay(config, answerOf(error), () => fail(error, config)),
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

/** What a replay reads of the answer that led to it. */
type Answer = Pick<AxiosResponse, 'status' | 'request'> & { readonly data?: unknown };

/**
 * The answer an axios error carries; for one axios refused for its size (a 401 from a gateway with a
 * large HTML page), its status and request, so that the token it refused is still dropped and replaced.
 */
function answerOf(error: unknown): Answer | undefined {
  const axiosError = error as Partial<AxiosError> | null;
  if (axiosError?.response !== undefined) return axiosError.response;
  if (axiosError?.code !== AxiosError.ERR_BAD_RESPONSE) return undefined;
  const status = refusedAnswerStatus(error);
  return status === undefined ? undefined : { status, request: axiosError.request };
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
