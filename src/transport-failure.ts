import axios, { type AxiosResponse } from 'axios';
import { TokenRequestError } from './errors.js';
import { describeSystemError, isCertificateError } from './system-error.js';
import { MAX_TOKEN_BODY_BYTES } from './token-body.js';

const BROKE_OFF = 'the answer broke off before its body was complete';

/** A failed attempt of a token request, and whether another one is worth it. */
export interface AttemptFailure {
  readonly error: unknown;
  readonly retryable: boolean;
  readonly retryAfterMs?: number | undefined;
  /** A timeout that ran out while the process was frozen: the attempt never had its time. */
  readonly stalled?: boolean | undefined;
}

/** What the errors of a failed token request name. */
export interface FailedRequest {
  readonly providerKey: string;
  readonly tokenUrl: string;
  readonly secrets: readonly string[];
}

/**
 * What a token request that got no usable answer from axios amounts to: a timeout, a network error
 * (an answer that broke off included), or an answer refused for its size.
 */
export function fromTransportError(
  error: unknown,
  request: FailedRequest,
  timeoutMs: number,
): AttemptFailure {
  const axiosCode = axios.isAxiosError(error) ? error.code : undefined;
  const base = errorBase(error, request);
  if (axiosCode === 'ECONNABORTED' || axiosCode === 'ETIMEDOUT') return timedOut(error, request, timeoutMs);
  const answer = axios.isAxiosError(error) ? error.response : undefined;
  if (axiosCode === 'ERR_BAD_RESPONSE' && answer === undefined) {
    // The only answer axios refuses without a response is one over maxContentLength.
    const description = `the token response is larger than ${MAX_TOKEN_BODY_BYTES} bytes`;
    const status = refusedAnswerStatus(error);
    return {
      error: new TokenRequestError({ ...base, status, code: 'invalid_token_response', description }),
      retryable: false,
    };
  }
  const system = systemErrorOf(error);
  const systemCode = system?.code;
  const description =
    typeof systemCode === 'string'
      ? describeSystemError(systemCode, typeof system?.message === 'string' ? system.message : undefined)
      : answer !== undefined
        ? BROKE_OFF
        : axiosCode !== undefined && axiosCode !== 'ERR_NETWORK'
          ? axiosCode
          : undefined;
  return {
    error: networkError(error, request, answer?.status, description),
    // A certificate this machine rejects is rejected again on every attempt.
    retryable:
      axiosCode !== 'ERR_CANCELED' && !(typeof systemCode === 'string' && isCertificateError(systemCode)),
  };
}

/**
 * Whether `response` is a success whose body never fully arrived (the connection closed half-way,
 * its compression broke): a transient failure, not the server's answer. axios rejects such an answer,
 * or, over HTTP/2, settles it with the part that came, its stream (`request`) reset. Any other
 * status says what it says, whatever became of its body.
 */
export function brokeOff(response: AxiosResponse): boolean {
  if (response.status < 200 || response.status >= 300) return false;
  const rstCode = (response.request as { rstCode?: unknown } | null | undefined)?.rstCode;
  return response.data === undefined || (typeof rstCode === 'number' && rstCode !== 0);
}

/** The failure of an attempt whose answer, which axios settled, {@link brokeOff}. */
export function cutOff(response: AxiosResponse, request: FailedRequest): AttemptFailure {
  return { error: networkError(undefined, request, response.status, BROKE_OFF), retryable: true };
}

function networkError(
  cause: unknown,
  request: FailedRequest,
  status: number | undefined,
  description: string | undefined,
): TokenRequestError {
  return new TokenRequestError({ ...errorBase(cause, request), status, code: 'network_error', description });
}

/**
 * The system error under `error`: its `cause` with the http adapter, a few `cause`s down with fetch
 * (`TypeError: terminated` wrapping the zlib error of a body that would not decompress).
 */
function systemErrorOf(error: unknown): { code?: unknown; message?: unknown } | undefined {
  let cause = (error as { cause?: unknown } | null)?.cause;
  for (let depth = 0; depth < 3 && cause !== null && typeof cause === 'object'; depth += 1) {
    const found = cause as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof found.code === 'string') return found;
    cause = found.cause;
  }
  return undefined;
}

/** An attempt that ran out of time, however axios or the exchange's deadline noticed it. */
export function timedOut(error: unknown, request: FailedRequest, timeoutMs: number): AttemptFailure {
  return {
    error: new TokenRequestError({
      ...errorBase(error, request),
      code: 'timeout',
      description: `no answer within ${timeoutMs} ms`,
    }),
    retryable: true,
  };
}

/** What every error of a failed attempt of `request` names, and its `cause`. */
function errorBase(error: unknown, request: FailedRequest) {
  return {
    providerKey: request.providerKey,
    endpoint: request.tokenUrl,
    secrets: request.secrets,
    cause: error,
  };
}

/**
 * The status of an answer axios refused while reading it (larger than `maxContentLength`): Node
 * keeps the response on the request (`res`), and over HTTP/2 the request is the response's stream
 * itself. Unknown with the fetch adapter.
 */
export function refusedAnswerStatus(error: unknown): number | undefined {
  type Refused = { request?: { res?: { statusCode?: unknown }; statusCode?: unknown } } | null;
  const request = (error as Refused)?.request;
  const status = request?.res?.statusCode ?? request?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
