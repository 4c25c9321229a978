import type { InternalAxiosRequestConfig } from 'axios';
import type { OriginPolicy } from './origin-policy.js';

/** What axios (in Node, through follow-redirects) hands `beforeRedirect` for the next hop. */
interface RedirectOptions {
  href?: string;
  headers?: Record<string, unknown>;
}

type BeforeRedirect = (options: RedirectOptions, ...rest: unknown[]) => void;

/**
 * Keeps a token in a header other than `Authorization` from following a redirect to an origin the
 * token may not go to. axios in Node follows redirects and drops only `Authorization` and `Cookie`
 * when one leaves the origin; `X-Api-Key: Bearer ...` would travel on. Returns `undefined` for
 * `Authorization`, which needs nothing.
 */
export function createRedirectGuard(
  header: string,
  mayCarryToken: OriginPolicy,
): ((config: InternalAxiosRequestConfig) => void) | undefined {
  const lower = header.toLowerCase();
  if (lower === 'authorization') return undefined;
  const guards = new WeakSet<BeforeRedirect>();
  const drop: BeforeRedirect = (options) => {
    const target = options.href;
    if (target !== undefined && mayCarryToken({ url: target } as InternalAxiosRequestConfig)) return;
    const headers = options.headers ?? {};
    for (const name of Object.keys(headers)) if (name.toLowerCase() === lower) delete headers[name];
  };
  guards.add(drop);
  return (config) => {
    const own = (config as { beforeRedirect?: BeforeRedirect }).beforeRedirect;
    if (own === undefined) {
      (config as { beforeRedirect?: BeforeRedirect }).beforeRedirect = drop;
      return;
    }
    if (guards.has(own)) return;
    // The application's hook runs first; whatever it leaves, the token goes nowhere it may not.
    const both: BeforeRedirect = (options, ...rest) => {
      own(options, ...rest);
      drop(options);
    };
    guards.add(both);
    (config as { beforeRedirect?: BeforeRedirect }).beforeRedirect = both;
  };
}

/**
 * Whether `answer` came from a hop its request reached without `header`: a redirect that took it to
 * an origin the token does not follow to, so a 401 there says nothing of the token. Only axios' Node
 * `http` adapter tells (its `response.request` is the last hop's `ClientRequest`); false elsewhere.
 */
export function answeredWithoutHeader(answer: { request?: unknown } | undefined, header: string): boolean {
  const request = answer?.request as { getHeader?: (name: string) => unknown } | null | undefined;
  return typeof request?.getHeader === 'function' && request.getHeader(header) === undefined;
}
