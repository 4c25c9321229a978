import type { TokenProvider } from './token.js';

/**
 * What the plugin remembers about one request: whose token it gets, which token was sent (none yet
 * while it waits for one at dispatch) and whether it was already replayed. Private fields keep the
 * token out of `JSON.stringify(config)`, axios' `error.toJSON()` and `util.inspect`, and axios copies
 * a class instance by reference when it merges a config for a replay.
 */
export class RequestTokenState {
  readonly #provider: TokenProvider;
  readonly #replayed: boolean;
  readonly #headerValue: string | undefined;
  readonly #accessToken: string | undefined;
  readonly #sendableUntil: number;

  constructor(
    provider: TokenProvider,
    replayed: boolean,
    headerValue?: string,
    accessToken?: string,
    sendableUntil = Infinity,
  ) {
    this.#provider = provider;
    this.#replayed = replayed;
    this.#headerValue = headerValue;
    this.#accessToken = accessToken;
    this.#sendableUntil = sendableUntil;
  }

  /** Until when (epoch ms, the manager's clock) the attached token may be sent; `Infinity` without a limit. */
  get sendableUntil(): number {
    return this.#sendableUntil;
  }

  /** The provider whose token the request gets. */
  get provider(): TokenProvider {
    return this.#provider;
  }

  /** Key of that provider. */
  get providerKey(): string {
    return this.#provider.key;
  }

  /** True once the request was replayed after a 401: it is never replayed twice. */
  get replayed(): boolean {
    return this.#replayed;
  }

  /** True while no token is attached yet: the request takes one when it is dispatched. */
  get awaitingToken(): boolean {
    return this.#accessToken === undefined;
  }

  /** Whether `value` is the header value this library set (and not one the caller set). */
  isOwnHeader(value: unknown): boolean {
    return this.#headerValue !== undefined && value === this.#headerValue;
  }

  /** @internal The token this request carried, for compare-and-invalidate. */
  accessTokenForInvalidation(): string | undefined {
    return this.#accessToken;
  }

  toJSON(): Record<string, unknown> {
    return { providerKey: this.#provider.key, replayed: this.#replayed };
  }
}
