import type { AxiosInstance, InternalAxiosRequestConfig } from 'axios';

/** Decides whether a request may carry a token. */
export type OriginPolicy = (config: InternalAxiosRequestConfig) => boolean;

const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;
const PAGE_HOST = 'page.invalid';
/** Relative URLs no browser can read as another host: `/path`, or a path segment without a scheme. */
const PLAIN_RELATIVE = /^(?:\/[^/\\\t\n\r]|[\w.~-][^:]*$)/;

/**
 * Tokens go to relative URLs, to the origin of the instance's `baseURL` (read at request time) and
 * to `origins`; `'*'` allows every origin. A bearer token must never reach a third-party host, e.g.
 * through an absolute `next` link taken from a response.
 */
export function createOriginPolicy(instance: AxiosInstance, origins: readonly string[] | '*'): OriginPolicy {
  if (origins === '*') return () => true;
  const allowed = new Set(origins.map(originOf));
  let knownBase: string | undefined;
  let knownBaseOrigin: string | undefined;
  const baseOrigin = (base: string): string | undefined => {
    if (base !== knownBase) {
      knownBase = base;
      knownBaseOrigin = ABSOLUTE_URL.test(base) ? originOf(base) : undefined;
    }
    return knownBaseOrigin;
  };
  const allowsTarget = (config: InternalAxiosRequestConfig, url: string, joined: boolean): boolean => {
    const base = config.baseURL;
    const combine = joined && base !== undefined && base !== '';
    // Hot path: a relative URL under the instance's own absolute baseURL. The `/` the join puts after
    // the base ends its host before any part of `url` is read, so no URL needs parsing.
    if (combine && base === instance.defaults.baseURL && baseOrigin(base) !== undefined) return true;
    const fullPath = combine ? joinURL(base, url) : url;
    if (!ABSOLUTE_URL.test(fullPath)) return PLAIN_RELATIVE.test(fullPath) || staysOnPageOrigin(fullPath);
    const target = originOf(fullPath);
    if (target === undefined) return false;
    const trustedBase = instance.defaults.baseURL;
    if (trustedBase !== undefined && target === baseOrigin(trustedBase)) return true;
    return allowed.has(target);
  };
  return (config) => {
    const url = config.url ?? '';
    if (!ABSOLUTE_URL.test(url)) return allowsTarget(config, url, true);
    // axios before 1.8.2 ignores `allowAbsoluteUrls: false` and sends an absolute url as it is: the
    // token must be allowed wherever either reading of the URL sends it.
    if (config.allowAbsoluteUrls === false && !allowsTarget(config, url, true)) return false;
    return allowsTarget(config, url, false);
  };
}

/** Mirrors axios' `combineURLs`. */
function joinURL(base: string, url: string): string {
  return url === '' ? base : `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}

/**
 * Whether a URL axios sends as relative stays on the page's origin. A browser resolves it with the
 * WHATWG parser, which reads `/\\host`, ` //host` (leading blanks, inner tabs) or `http:host` as
 * another host, so resolve it the same way against placeholder pages of both schemes.
 */
function staysOnPageOrigin(path: string): boolean {
  return ['http:', 'https:'].every((protocol) => {
    try {
      return new URL(path, `${protocol}//${PAGE_HOST}/`).host === PAGE_HOST;
    } catch {
      return false;
    }
  });
}

/** The origin of an absolute or protocol-relative URL; `undefined` when it cannot be parsed. */
export function originOf(url: string): string | undefined {
  try {
    // Protocol-relative URLs resolve against an https placeholder only to read their host.
    return new URL(url.startsWith('//') ? `https:${url}` : url).origin;
  } catch {
    return undefined;
  }
}
