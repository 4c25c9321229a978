import axios, { type AxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import {
  checkAttachOptions,
  type AttachTokenAuthOptions,
  type ProviderSelector,
} from './attach-token-auth-options.js';
import { createAuthHeader } from './auth-header.js';
import type { TokenAuthRequestOptions } from './axios-config.js';
import { defaultTokenManager } from './default-token-manager.js';
import { TokenAuthConfigError } from './errors.js';
import { createOriginPolicy } from './origin-policy.js';
import { realmShared } from './realm-shared.js';
import { createRedirectGuard } from './redirect-guard.js';
import { keepRequestBody } from './replay-body.js';
import { RequestTokenState } from './request-token-state.js';
import { scrubAxiosError } from './scrub-axios-error.js';
import type { AttachToken } from './pending-request.js';
import { createTokenDispatch } from './token-dispatch.js';
import type { Token, TokenProvider } from './token.js';

/** Removes the interceptors `attachTokenAuth` added. */
export type DetachTokenAuth = () => void;

/** The instances attached to, shared by the package's ESM and CommonJS builds. */
const attachedInstances = (): WeakSet<AxiosInstance> =>
  realmShared('attached-instances', () => new WeakSet<AxiosInstance>());

/**
 * Makes every request of `instance` carry a valid access token, refreshed before it expires and
 * renewed once after a 401. Adds one synchronous request interceptor and one response interceptor,
 * and wraps each request's `config.adapter`: a request with no token cached yet takes it there, and
 * a 401 is replayed there, so other plugins see one request and its final answer.
 *
 * @throws {TokenAuthConfigError} on invalid options (a provider without a key included), or when
 * `instance` is attached already.
 * @example
 * const api = axios.create({ baseURL: 'https://api.example.com' });
 * const detach = attachTokenAuth(api, { provider: clientCredentials({ tokenUrl, clientId, clientSecret }) });
 */
export function attachTokenAuth(instance: AxiosInstance, options: AttachTokenAuthOptions): DetachTokenAuth {
  const attached = attachedInstances();
  if (attached.has(instance)) {
    throw new TokenAuthConfigError(
      'attachTokenAuth was already called on this axios instance; call the detach function it returned first',
      'already_attached',
    );
  }
  checkAttachOptions(options);
  const manager = options.manager ?? defaultTokenManager();
  const header = options.header ?? 'Authorization';
  const authHeader = createAuthHeader(header);
  const inAuthorization = header.trim().toLowerCase() === 'authorization';
  const scheme = options.scheme;
  const retryOnStatus = new Set(options.retryOnStatus ?? [401]);
  const mayCarryToken = createOriginPolicy(instance, options.origins ?? []);
  const guardRedirects = createRedirectGuard(header, mayCarryToken);
  const select: ProviderSelector =
    typeof options.provider === 'function' ? options.provider : constant(options.provider);

  // Requests sent with the same cached token share one frozen `tokenAuth` value: no allocation per request.
  // Only for the same provider object: a selector's new one for a key (a rotated secret) must be the
  // one a 401 replay fetches with.
  let shared:
    { token: Token; provider: TokenProvider; value: string; tokenAuth: TokenAuthRequestOptions } | undefined;

  const attach: AttachToken = (config, provider, token, replayed) => {
    const override = config.tokenAuth ? config.tokenAuth.provider : undefined;
    if (!replayed && override === undefined && shared?.token === token && shared.provider === provider) {
      authHeader.write(config.headers, shared.value);
      config.tokenAuth = shared.tokenAuth;
      return;
    }
    const value = authHeader.normalize(`${scheme ?? token.tokenType} ${token.accessToken}`);
    const tokenAuth = frozenTokenAuth(
      new RequestTokenState(
        provider,
        replayed,
        value,
        token.accessToken,
        manager.sendableUntil(provider.key, token),
      ),
      override,
    );
    if (!replayed && override === undefined) shared = { token, provider, value, tokenAuth };
    authHeader.write(config.headers, value);
    config.tokenAuth = tokenAuth;
  };
  // Likewise, requests of a cold burst share one frozen "awaiting a token" value per provider.
  let sharedAwaiting: { provider: TokenProvider; tokenAuth: TokenAuthRequestOptions } | undefined;
  const awaiting = (
    provider: TokenProvider,
    replayed: boolean,
    override: TokenProvider | undefined,
  ): TokenAuthRequestOptions => {
    if (!replayed && override === undefined && sharedAwaiting?.provider === provider) {
      return sharedAwaiting.tokenAuth;
    }
    const tokenAuth = frozenTokenAuth(new RequestTokenState(provider, replayed), override);
    if (!replayed && override === undefined) sharedAwaiting = { provider, tokenAuth };
    return tokenAuth;
  };
  // An interceptor that runs after ours (one registered before it) may set the header or `auth`
  // itself, or point the request elsewhere: at dispatch the caller wins too, a 401 for its
  // credentials drops no token, and the token goes only where it may.
  const sentAsIs = (config: InternalAxiosRequestConfig, state: RequestTokenState): boolean => {
    if (!othersRunAfterOurs() && !hasOwnTransforms(config)) return false;
    if (inAuthorization && config.auth) return true;
    return isCallersHeader(authHeader.read(config.headers), state) || !mayCarryToken(config);
  };
  // axios runs request interceptors in the reverse order of `use`: those registered before ours run
  // after it. Without any, and without a `transformRequest` of the app's (which is handed the
  // headers too), the usual case, the checks above are skipped on the hot path.
  const othersRunAfterOurs = (): boolean => {
    const handlers: readonly unknown[] | undefined = instance.interceptors.request.handlers;
    if (!Array.isArray(handlers)) return true;
    for (let index = 0; index < requestId; index += 1) if (handlers[index] != null) return true;
    return false;
  };
  const dispatch = createTokenDispatch({ manager, header, retryOnStatus, attach, sentAsIs });

  /** The provider whose token this request gets, or undefined to send it as it is. */
  const providerFor = (config: InternalAxiosRequestConfig): TokenProvider | undefined => {
    const perRequest = config.tokenAuth;
    if (perRequest === false) return undefined;
    // axios turns `auth` into `Authorization: Basic ...`, which replaces any token set there.
    if (inAuthorization && config.auth) return undefined;
    const current = authHeader.read(config.headers);
    const state = perRequest ? perRequest.state : undefined;
    if (isCallersHeader(current, state)) return undefined;
    // A header this plugin set on an earlier pass (axios-retry resends the config) is stale either way.
    if (state?.isOwnHeader(current) === true) authHeader.remove(config.headers);
    if (!mayCarryToken(config)) return undefined;
    const chosen = perRequest?.provider ?? select(config);
    if (chosen === undefined || isOwnTokenRequest(config, chosen)) return undefined;
    return chosen;
  };

  // The signal the manager hands a provider's fetch marks its token request (a custom provider posting
  // to its backend's `/session/token` through this instance): waiting for its own token would hang. A
  // request it makes for another key (a token exchange) still gets that key's token.
  const isOwnTokenRequest = (config: InternalAxiosRequestConfig, provider: TokenProvider): boolean =>
    config.signal !== undefined && manager.isFetchSignal(config.signal, provider.key);

  // Synchronous: a cached token is set here, so later interceptors (and a cache's `Vary` check) see
  // it; without one, the request takes its token when the wrapped adapter runs. Nothing here waits,
  // so axios skips its promise chain when all request interceptors are synchronous.
  const onRequest = (config: InternalAxiosRequestConfig): InternalAxiosRequestConfig => {
    try {
      const provider = providerFor(config);
      if (provider === undefined) {
        forgetEarlierPass(config);
        return config;
      }
      const previous = config.tokenAuth || undefined;
      const replayed = previous?.state?.replayed ?? false;
      // axios fails a request whose signal aborted already with a CanceledError holding its config,
      // before the adapter runs (with older axios, before any response interceptor too): no token.
      const cached = isAborted(config) ? undefined : manager.peekToken(provider);
      if (cached !== undefined) {
        attach(config, provider, cached, replayed);
      } else {
        config.tokenAuth = awaiting(provider, replayed, previous?.provider);
      }
      config.adapter = dispatch.wrap(config.adapter);
      keepRequestBody(config);
      guardRedirects?.(config);
    } catch (error) {
      // axios sends the request even when a synchronous interceptor throws: fail it in the adapter.
      config.adapter = () => Promise.reject(error);
    }
    return config;
  };

  const onResponseError = (error: unknown): never => {
    const tokenFailure = dispatch.tokenFailureOf(error);
    if (tokenFailure !== undefined) throw tokenFailure;
    const axiosError = error as Partial<AxiosError> | null;
    const perRequest = axiosError?.config?.tokenAuth;
    const state = perRequest ? perRequest.state : undefined;
    if (state !== undefined) scrubAxiosError(axiosError as Partial<AxiosError>, header, state);
    throw error;
  };

  const requestId = instance.interceptors.request.use(onRequest, undefined, { synchronous: true });
  const responseId = instance.interceptors.response.use(undefined, onResponseError);
  attached.add(instance);
  let detached = false;
  return () => {
    if (detached) return;
    detached = true;
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
    attached.delete(instance);
  };
}

function isAborted(config: InternalAxiosRequestConfig): boolean {
  const signal = config.signal as { aborted?: unknown } | undefined;
  return signal?.aborted === true;
}

/** Whether `current`, the token header's value, is one the caller set: not empty, and not ours. */
function isCallersHeader(current: unknown, state: RequestTokenState | undefined): boolean {
  return current !== undefined && current !== null && current !== '' && state?.isOwnHeader(current) !== true;
}

/**
 * A config sent before (`{ ...response.config, url }`, a resent `error.config`) still holds the
 * wrapped adapter and the record of the token it carried: a request that gets no token now (another
 * origin, a header of the caller's) must not be replayed with one, nor drop that token on a 401.
 */
function forgetEarlierPass(config: InternalAxiosRequestConfig): void {
  const previous = config.tokenAuth;
  if (!previous || previous.state === undefined) return;
  config.tokenAuth = previous.provider === undefined ? undefined : { provider: previous.provider };
}

/** axios' own request transforms, as it was loaded; one the app adds may set the header itself. */
const builtInTransforms: readonly unknown[] = [axios.defaults.transformRequest ?? []].flat();

function hasOwnTransforms(config: InternalAxiosRequestConfig): boolean {
  const transforms = config.transformRequest;
  if (transforms === undefined) return false;
  if (!Array.isArray(transforms)) return !builtInTransforms.includes(transforms);
  for (const transform of transforms) if (!builtInTransforms.includes(transform)) return true;
  return false;
}

function frozenTokenAuth(
  state: RequestTokenState,
  override: TokenProvider | undefined,
): TokenAuthRequestOptions {
  return Object.freeze(override === undefined ? { state } : { provider: override, state });
}

function constant(provider: TokenProvider): ProviderSelector {
  return () => provider;
}
