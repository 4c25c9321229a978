/** An access token as every provider returns it. */
export interface Token {
  /** The access token itself. Never logged, never put into an error. */
  readonly accessToken: string;
  /** The authorization scheme, `'Bearer'` when the server says nothing (`bearer` is normalised). */
  readonly tokenType: string;
  /** Absolute expiry in epoch milliseconds on this machine's clock; `null` when unknown. */
  readonly expiresAt: number | null;
  /** The granted scope, when the server reports one. */
  readonly scope?: string | undefined;
  /** The parsed response body (`sessid`, `refresh_expires_in`, ...). */
  readonly raw: Record<string, unknown>;
}

/** What a provider's `fetchToken` is given. */
export interface FetchTokenContext {
  /** Aborted when nobody needs the token any more (the manager was disposed). */
  readonly signal?: AbortSignal | undefined;
  /**
   * True when no request waits for this token (a refresh ahead of expiry): the provider must then not
   * keep a Node process alive, e.g. with a ref'd back-off timer.
   */
  readonly background?: boolean | undefined;
  /** The manager's `maxTtlMs`: a provider that reads lifetimes from answers caps them at this. */
  readonly maxTtlMs?: number | undefined;
}

/**
 * A source of access tokens. Any object of this shape is a provider.
 *
 * @example
 * const session: TokenProvider = {
 *   key: 'session',
 *   fetchToken: async () => ({ accessToken: await getFromBackend(), tokenType: 'Bearer', expiresAt: null, raw: {} }),
 * };
 */
export interface TokenProvider {
  /** Cache key: equal keys share one cached token. Never contains a secret. */
  readonly key: string;
  fetchToken(context: FetchTokenContext): Promise<Token>;
}
