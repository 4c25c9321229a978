import { encodeBase64 } from './base64.js';
import { invalidOptions } from './errors.js';
import { fingerprint } from './fingerprint.js';
import {
  type BuiltTokenRequest,
  createHttpTokenProvider,
  isRecord,
  requireOptions,
  requireString,
  requireUrl,
  type HttpProviderOptions,
} from './http-token-provider.js';
import { formEncode } from './http-syntax.js';
import { derivedProviderKey, tokenUrlKeyPart } from './provider-key.js';
import { credentialValues, redactSecrets } from './redact-secrets.js';
import type { TokenProvider } from './token.js';

/** How the client authenticates to the token endpoint (RFC 6749 §2.3.1). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'client_secret_query';

/**
 * How `client_secret_basic` builds the Basic value: `'rfc6749'` form-encodes id and secret before
 * base64 (what Keycloak and oidc-provider decode); `'raw'` sends them as they are.
 */
export type BasicEncoding = 'rfc6749' | 'raw';

/** Options of {@link clientCredentials}. */
export interface ClientCredentialsOptions extends HttpProviderOptions {
  /** The token endpoint. `http:` is refused unless the host is loopback or `allowInsecureHttp` is set. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Default `'client_secret_basic'`. */
  authMethod?: ClientAuthMethod | undefined;
  /** Default `'rfc6749'`. */
  basicEncoding?: BasicEncoding | undefined;
  /** Requested scope; an array is joined by spaces. */
  scope?: string | readonly string[] | undefined;
  /** Sent as the `audience` parameter. */
  audience?: string | undefined;
  /** More parameters of the token request; they replace built-in ones of the same name. */
  extraParams?: Readonly<Record<string, string>> | undefined;
}

const AUTH_METHODS: readonly string[] = ['client_secret_basic', 'client_secret_post', 'client_secret_query'];
const BASIC_ENCODINGS: readonly string[] = ['rfc6749', 'raw'];

/**
 * OAuth 2.0 client credentials grant (RFC 6749 §4.4).
 *
 * @example
 * const provider = clientCredentials({ tokenUrl, clientId, clientSecret, scope: ['read', 'write'] });
 * @throws {TokenAuthConfigError} when a required option is missing or an option is invalid.
 */
export function clientCredentials(options: ClientCredentialsOptions): TokenProvider {
  const name = 'clientCredentials';
  requireOptions(options, name);
  const tokenUrl = requireUrl(options.tokenUrl, 'tokenUrl', name);
  const clientId = requireString(options.clientId, 'clientId', name);
  const clientSecret = requireString(options.clientSecret, 'clientSecret', name);
  const authMethod = options.authMethod ?? 'client_secret_basic';
  if (!AUTH_METHODS.includes(authMethod)) {
    throw invalidOptions(`${name}: authMethod must be one of ${AUTH_METHODS.join(', ')}`);
  }
  const basicEncoding = options.basicEncoding ?? 'rfc6749';
  if (!BASIC_ENCODINGS.includes(basicEncoding)) {
    throw invalidOptions(`${name}: basicEncoding must be 'rfc6749' or 'raw'`);
  }
  const { audience, extraParams = {}, headers = {} } = options;
  checkParams(options.scope, audience, extraParams, name);
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');

  const key =
    options.key ??
    redactSecrets(
      derivedProviderKey('client_credentials', [
        tokenUrlKeyPart(tokenUrl),
        clientId,
        scope ?? '',
        audience ?? '',
        ...extraParamsPart(extraParams),
      ]),
      [clientSecret],
    );
  const basic =
    authMethod === 'client_secret_basic'
      ? basicCredentials(clientId, clientSecret, basicEncoding)
      : undefined;
  const secrets = [clientSecret, ...(basic === undefined ? [] : [basic]), ...credentialValues(extraParams)];

  const params = new URLSearchParams({ grant_type: 'client_credentials' });
  if (basic === undefined) {
    params.set('client_id', clientId);
    params.set('client_secret', clientSecret);
  }
  if (scope !== undefined && scope !== '') params.set('scope', scope);
  if (audience !== undefined) params.set('audience', audience);
  for (const [param, value] of Object.entries(extraParams)) params.set(param, value);
  // Every token request of this grant is the same: build it once (the token request only reads it).
  const request: BuiltTokenRequest = Object.freeze({
    tokenUrl,
    headers: Object.freeze(
      basic === undefined ? { ...headers } : { ...headers, Authorization: `Basic ${basic}` },
    ),
    ...(authMethod === 'client_secret_query' ? { query: params } : { body: params }),
    secrets,
  });
  return createHttpTokenProvider(key, options, () => request);
}

/** A string `extraParams` would be sent character by character, as parameters `0`, `1`, ... */
function checkParams(scope: unknown, audience: unknown, extraParams: unknown, name: string): void {
  const scopes: unknown[] = Array.isArray(scope) ? scope : [scope ?? ''];
  if (!scopes.every((part) => typeof part === 'string')) {
    throw invalidOptions(`${name}: scope must be a string or an array of strings`);
  }
  if (audience !== undefined && typeof audience !== 'string') {
    throw invalidOptions(`${name}: audience must be a string`);
  }
  if (!isRecord(extraParams)) {
    throw invalidOptions(`${name}: extraParams must be an object of parameter names and values`);
  }
}

/**
 * Extra parameters (`resource`, `tenant`, ...) make tokens differ as much as scope does, so they are
 * part of the key; as a fingerprint, since one may be a credential (`client_assertion`).
 */
function extraParamsPart(extraParams: Readonly<Record<string, string>>): string[] {
  // Keys are unique, so no two entries compare equal.
  const entries = Object.entries(extraParams).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0 ? [] : [`fp-${fingerprint(JSON.stringify(entries))}`];
}

/** The base64 part of a Basic value: RFC 6749 §2.3.1 form-encodes id and secret first. */
export function basicCredentials(clientId: string, clientSecret: string, encoding: BasicEncoding): string {
  return encoding === 'raw'
    ? encodeBase64(`${clientId}:${clientSecret}`)
    : encodeBase64(`${formEncode(clientId)}:${formEncode(clientSecret)}`);
}
