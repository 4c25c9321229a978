/**
 * What the interceptors remember about one request: which token was sent and whether the request
 * was already replayed. Private fields keep the token out of `JSON.stringify(config)`, axios'
 * `error.toJSON()` and `util.inspect`, and axios copies a class instance by reference when it merges
 * a config for a replay.
 */
export class RequestTokenState {
  readonly #providerKey: string;
  readonly #headerValue: string;
  readonly #accessToken: string;
  readonly #replayed: boolean;

  constructor(providerKey: string, headerValue: string, accessToken: string, replayed: boolean) {
    this.#providerKey = providerKey;
    this.#headerValue = headerValue;
    this.#accessToken = accessToken;
    this.#replayed = replayed;
  }

  /** Key of the provider whose token was attached. */
  get providerKey(): string {
    return this.#providerKey;
  }

  /** True once the request was replayed after a 401: it is never replayed twice. */
  get replayed(): boolean {
    return this.#replayed;
  }

  /** Whether `value` is the header value this library set (and not one the caller set). */
  isOwnHeader(value: unknown): boolean {
    return value === this.#headerValue;
  }

  /** Whether `accessToken` is the token this request carried. */
  carried(accessToken: string): boolean {
    return accessToken === this.#accessToken;
  }

  /** @internal The token this request carried, for compare-and-invalidate. */
  accessTokenForInvalidation(): string {
    return this.#accessToken;
  }

  /** The same request, marked as replayed. */
  asReplayed(): RequestTokenState {
    return new RequestTokenState(this.#providerKey, this.#headerValue, this.#accessToken, true);
  }

  toJSON(): Record<string, unknown> {
    return { providerKey: this.#providerKey, replayed: this.#replayed };
  }
}
