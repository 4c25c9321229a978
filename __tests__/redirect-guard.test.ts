import type { InternalAxiosRequestConfig } from 'axios';
import { answeredWithoutHeader, createRedirectGuard } from '../src/redirect-guard.js';

type Hook = (options: { href?: string; headers?: Record<string, unknown> }, ...rest: unknown[]) => void;

const ALLOWED = 'https://api.example.com';
const policy = (config: InternalAxiosRequestConfig): boolean => (config.url ?? '').startsWith(`${ALLOWED}/`);

function guarded(config: Record<string, unknown> = {}): { config: Record<string, unknown>; hook: Hook } {
  const guard = createRedirectGuard('X-Api-Key', policy);
  guard!(config as unknown as InternalAxiosRequestConfig);
  return { config, hook: config['beforeRedirect'] as Hook };
}

describe('createRedirectGuard', () => {
  it('needs nothing for Authorization, which axios drops itself', () => {
    expect(createRedirectGuard('Authorization', policy)).toBeUndefined();
    expect(createRedirectGuard('authorization', policy)).toBeUndefined();
  });

  it('drops the header, in any casing, on a redirect to an origin the token may not go to', () => {
    const { hook } = guarded();
    const headers = { 'x-api-key': 'Bearer t', 'X-API-KEY': 'Bearer t', Accept: 'application/json' };
    hook({ href: 'https://evil.example.net/landing', headers });
    expect(headers).toEqual({ Accept: 'application/json' });
  });

  it('keeps it on a redirect to an allowed origin', () => {
    const { hook } = guarded();
    const headers = { 'X-Api-Key': 'Bearer t' };
    hook({ href: `${ALLOWED}/v2/landing`, headers });
    expect(headers).toEqual({ 'X-Api-Key': 'Bearer t' });
  });

  it('drops it when the target is unknown', () => {
    const { hook } = guarded();
    const headers = { 'X-Api-Key': 'Bearer t' };
    hook({ headers });
    expect(headers).toEqual({});
    expect(() => hook({})).not.toThrow();
  });

  it("runs the application's own hook first, then drops the header whatever it left", () => {
    const seen: unknown[] = [];
    const own: Hook = (options, ...rest) => {
      seen.push(options.href, ...rest);
      options.headers!['x-api-key'] = 'Bearer re-added';
    };
    const { hook, config } = guarded({ beforeRedirect: own });
    const headers: Record<string, unknown> = {};
    hook({ href: 'https://evil.example.net/', headers }, { statusCode: 302 });
    expect(seen).toEqual(['https://evil.example.net/', { statusCode: 302 }]);
    expect(headers).toEqual({});
    expect(config['beforeRedirect']).not.toBe(own);
  });

  it('installs its hook once per request, also when a replay or axios-retry passes it again', () => {
    const guard = createRedirectGuard('X-Api-Key', policy)!;
    const config = {} as InternalAxiosRequestConfig & { beforeRedirect?: unknown };
    guard(config);
    const first = config.beforeRedirect;
    guard(config);
    expect(config.beforeRedirect).toBe(first);
    const wrapped = { beforeRedirect: () => undefined } as InternalAxiosRequestConfig & {
      beforeRedirect?: unknown;
    };
    guard(wrapped);
    const once = wrapped.beforeRedirect;
    guard(wrapped);
    expect(wrapped.beforeRedirect).toBe(once);
  });
});

describe('answeredWithoutHeader', () => {
  const hop = (headers: Record<string, string>): { request: { getHeader(name: string): unknown } } => ({
    request: { getHeader: (name) => headers[name.toLowerCase()] },
  });

  it('tells an answer whose last hop (a Node ClientRequest) went without the header', () => {
    expect(answeredWithoutHeader(hop({}), 'Authorization')).toBe(true);
    expect(answeredWithoutHeader(hop({ authorization: 'Bearer t' }), 'Authorization')).toBe(false);
    expect(answeredWithoutHeader(hop({ 'x-api-key': 'Bearer t' }), 'X-Api-Key')).toBe(false);
  });

  it('is false when the answer does not tell (fetch, mocks, no answer)', () => {
    expect(answeredWithoutHeader({ request: new Request('http://127.0.0.1/') }, 'Authorization')).toBe(false);
    expect(answeredWithoutHeader({ request: null }, 'Authorization')).toBe(false);
    expect(answeredWithoutHeader(undefined, 'Authorization')).toBe(false);
  });
});
