import type {} from './axios-config.js';
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { abortable } from './abortable.js';
import { TokenRequestError } from './errors.js';
import { headerOf, safeResponse } from './error-response.js';
import { describeErrorAnswer } from './error-answer.js';
import { startExchangeDeadline } from './exchange-deadline.js';
import { MAX_TOKEN_BODY_BYTES, parseTokenResponse } from './parse-token-response.js';
import {
  backoffDelay,
  isRetryableStatus,
  parseRetryAfter,
  resolveRetryPolicy,
  type RetryOptions,
} from './retry-policy.js';
import { secureTokenHref } from './secure-url.js';
import { sleep, timerDelay, yieldToEventLoop } from './timers.js';
import type { Token } from './token.js';
import { readTokenErrorBody } from './token-error-body.js';
import { brokeOff, cutOff, fromTransportError, timedOut, type AttemptFailure } from './transport-failure.js';

/** One token request, fully built by a provider. */
export interface TokenHttpRequest {
  providerKey: string;
  tokenUrl: string;
  method?: 'POST';
  /**
   * Added to `Content-Type: application/x-www-form-urlencoded` and `Accept: application/json`; a
   * function is called for every attempt (a header that must differ per HTTP request, as `RqUID`).
   */
  headers?: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>) | undefined;
  /** Form body; none (an empty body) when `undefined`. */
  body?: URLSearchParams | undefined;
  /** Appended to the token URL's query string. */
  query?: URLSearchParams | undefined;
  /** The axios instance or config the request is sent with; a fresh private instance by default. */
  http?: AxiosInstance | AxiosRequestConfig | undefined;
  timeoutMs: number;
  allowInsecureHttp?: boolean | undefined;
  /** Everything that must never appear in an error: client secret, authorization key, Basic value. */
  secrets: readonly string[];
  retry?: RetryOptions | false | undefined;
  /** Lifetime cap of the token read from the answer. Default 24 h. */
  maxTtlMs?: number | undefined;
}

/** @internal Seams for tests: a fixed jitter, an instant sleep, a clock. */
export interface RequestTokenHooks {
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal, keepAlive?: boolean) => Promise<void>;
  now?: () => number;
}

/**
 * The axios instance token requests go through: `http` itself when it is an instance, else a new
 * private instance (with `http` as its config), so the interceptors of the application's instances
 * never see the token request.
 */
export function createTokenHttp(http: AxiosInstance | AxiosRequestConfig | undefined): AxiosInstance {
  if (isAxiosInstance(http)) return http;
  const instance = axios.create(http);
  // `axios.create` starts from the global `axios.defaults`: an `Authorization` the app set there for
  // its own API must not reach the token endpoint (another host, often another vendor's).
  if (authorizationSlots(http?.headers).length === 0) {
    for (const [group, name] of authorizationSlots(instance.defaults.headers)) delete group[name];
  }
  return instance;
}

/** Where default headers hold `Authorization`: among the flat ones and in each group (`common`, `post`, ...). */
function authorizationSlots(headers: unknown): Array<[Record<string, unknown>, string]> {
  if (headers === null || typeof headers !== 'object') return [];
  const slots: Array<[Record<string, unknown>, string]> = [];
  for (const group of [headers, ...Object.values(headers)]) {
    if (group === null || typeof group !== 'object') continue;
    for (const name of Object.keys(group)) {
      if (name.toLowerCase() === 'authorization') slots.push([group as Record<string, unknown>, name]);
    }
  }
  return slots;
}

function isAxiosInstance(value: unknown): value is AxiosInstance {
  return (
    typeof value === 'function' &&
    typeof (value as Partial<AxiosInstance>).request === 'function' &&
    'interceptors' in value
  );
}

type Attempt = { readonly token: Token } | AttemptFailure;

/**
 * Sends a token request (the only place one is sent) and parses the answer, retrying transient
 * failures. Rejects with a {@link TokenRequestError}, or with `signal.reason` when `signal` aborts.
 */
export async function requestToken(
  request: TokenHttpRequest,
  context: { signal?: AbortSignal | undefined; background?: boolean | undefined } = {},
  hooks: RequestTokenHooks = {},
): Promise<Token> {
  const { signal } = context;
  signal?.throwIfAborted();
  const href = secureTokenHref(request.tokenUrl, request);
  const url = request.query === undefined ? href : withQuery(href, request.query);
  const policy = resolveRetryPolicy(request.retry);
  const http = createTokenHttp(request.http);
  const now = hooks.now ?? Date.now;
  let deadline = now() + policy.deadlineMs;
  let restarted = false;
  const background = context.background === true;
  for (let attempt = 1; ; attempt += 1) {
    const timeoutMs = attempt === 1 ? request.timeoutMs : Math.min(request.timeoutMs, deadline - now());
    const outcome = await attemptOnce(http, url, request, clampTimeout(timeoutMs), signal, now, background);
    if ('token' in outcome) return outcome.token;
    if (!outcome.retryable || attempt >= policy.attempts) throw outcome.error;
    // Time this process spent frozen is no answer the server failed to give: once, the deadline
    // starts again and the next attempt goes at once (the answer may have come, unread, meanwhile).
    if (outcome.stalled === true && !restarted) {
      restarted = true;
      deadline = now() + policy.deadlineMs;
      continue;
    }
    const delay = outcome.retryAfterMs ?? backoffDelay(attempt, policy, hooks.random ?? Math.random);
    // A wait that would end past the deadline is not worth starting: fail now.
    if (now() + delay >= deadline) throw outcome.error;
    await (hooks.sleep ?? sleep)(delay, signal, !background);
    signal?.throwIfAborted();
    // A back-off that ended late (a busy event loop, a machine that slept) leaves no time to try
    // again: an attempt with what is left, a millisecond, would fail as a timeout and hide this error.
    if (now() >= deadline) throw outcome.error;
  }
}

async function attemptOnce(
  http: AxiosInstance,
  url: string,
  request: TokenHttpRequest,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  now: () => number,
  background: boolean,
): Promise<Attempt> {
  const config: AxiosRequestConfig = {
    url,
    method: request.method ?? 'POST',
    headers: mergeHeaders(
      { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      typeof request.headers === 'function' ? request.headers() : (request.headers ?? {}),
    ),
    data: request.body?.toString() ?? '',
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxRedirects: 0,
    maxContentLength: MAX_TOKEN_BODY_BYTES,
    maxBodyLength: MAX_TOKEN_BODY_BYTES,
    timeout: timeoutMs,
    // Should the given `http` instance have tokens attached, the token request must not wait for itself.
    tokenAuth: false,
  };
  // A background refresh is split over turns of the event loop (preparing, sending, reading the
  // answer), so that none of its steps holds up the app's own requests for long.
  if (background) await yieldToEventLoop();
  let response: AxiosResponse<unknown>;
  // Lifetimes count from when the request left: an answer that waited in a busy event loop must not
  // make a token look longer-lived here than it is at the server.
  const sentAt = now();
  const exchange = startExchangeDeadline(timeoutMs, signal);
  try {
    // Raced with the deadline too: an adapter that ignores the signal (a test's mock, a custom one)
    // must not hold the token request, and every caller waiting for it, without end.
    response = await abortable(
      http.request<unknown>({ ...config, signal: exchange.signal }),
      exchange.signal,
    );
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (exchange.expired) return { ...timedOut(error, request, timeoutMs), stalled: exchange.stalled };
    const answer = axios.isAxiosError(error) ? error.response : undefined;
    if (answer !== undefined && !brokeOff(answer)) {
      return fromResponse(answer, request, { sentAt, receivedAt: now() });
    }
    return fromTransportError(error, request, timeoutMs);
  } finally {
    exchange.clear();
  }
  if (brokeOff(response)) return cutOff(response, request);
  // The server's `Date` is compared with this clock when the answer came, not after a yield.
  const times = { sentAt, receivedAt: now() };
  if (background) {
    await yieldToEventLoop();
    signal?.throwIfAborted();
  }
  return fromResponse(response, request, times);
}

function fromResponse(
  response: AxiosResponse<unknown>,
  request: TokenHttpRequest,
  { sentAt, receivedAt }: { sentAt: number; receivedAt: number },
): Attempt {
  const contentType = headerOf(response.headers, 'content-type');
  if (response.status >= 200 && response.status < 300) {
    return {
      token: parseTokenResponse(response.data, {
        sentAt,
        receivedAt,
        status: response.status,
        serverDate: headerOf(response.headers, 'date'),
        providerKey: request.providerKey,
        endpoint: request.tokenUrl,
        secrets: request.secrets,
        maxTtlMs: request.maxTtlMs,
        contentType,
      }),
    };
  }
  const said = readTokenErrorBody(response.data, contentType);
  const error = new TokenRequestError({
    providerKey: request.providerKey,
    endpoint: request.tokenUrl,
    status: response.status,
    code: said?.code,
    description:
      said?.description ??
      describeErrorAnswer(response.status, request.tokenUrl, (name) => headerOf(response.headers, name)),
    secrets: request.secrets,
    response: safeResponse(response, request.secrets),
  });
  const retryable = isRetryableStatus(response.status);
  return {
    error,
    retryable,
    retryAfterMs: retryable
      ? parseRetryAfter(headerOf(response.headers, 'retry-after'), receivedAt)
      : undefined,
  };
}

function withQuery(href: string, query: URLSearchParams): string {
  const url = new URL(href);
  for (const [name, value] of query) url.searchParams.append(name, value);
  return url.href;
}

function clampTimeout(ms: number): number {
  return Math.max(1, Math.floor(timerDelay(ms)));
}

/** Merges header maps; a later name replaces an earlier one whatever its case. */
function mergeHeaders(...sources: ReadonlyArray<Readonly<Record<string, string>>>): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  for (const source of sources) {
    for (const [name, value] of Object.entries(source)) merged.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(merged.values());
}
