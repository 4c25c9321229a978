import type { AxiosInstance, InternalAxiosRequestConfig } from 'axios';

/** Decides whether a request may carry a token. */
export type OriginPolicy = (config: InternalAxiosRequestConfig) => boolean;

const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

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
  return (config) => {
    const url = config.url ?? '';
    const trustedBase = instance.defaults.baseURL;
    const base = config.baseURL;
    const combine =
      base !== undefined && base !== '' && (config.allowAbsoluteUrls === false || !ABSOLUTE_URL.test(url));
    if (!combine && !ABSOLUTE_URL.test(url)) return true;
    if (combine && base === trustedBase && !ABSOLUTE_URL.test(base)) return true;
    const target = originOf(combine ? joinURL(base, url) : url);
    if (target === undefined) return false;
    if (trustedBase !== undefined && target === baseOrigin(trustedBase)) return true;
    return allowed.has(target);
  };
}

function joinURL(base: string, url: string): string {
  return url === '' ? base : `${base.replace(/\/?\/$/, '')}/${url.replace(/^\/+/, '')}`;
}

function originOf(url: string): string | undefined {
  try {
    // Protocol-relative URLs resolve against an https placeholder only to read their host.
    return new URL(url.startsWith('//') ? `https:${url}` : url).origin;
  } catch {
    return undefined;
  }
}
