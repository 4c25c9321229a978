import pMemoize from 'p-memoize';
import type { Token, TokenProvider } from './token.js';

/** Obtains a token for `provider`: from the store, or fetched. */
export type ObtainToken = (
  provider: TokenProvider,
  replacing: string | undefined,
  background: boolean,
) => Promise<Token>;

/** One running fetch ("flight") per provider key, joined by every caller of that key meanwhile. */
export class TokenFlights {
  readonly #obtain: ObtainToken;
  /** Keys whose flight is in its synchronous start (see `start`). */
  readonly #starting = new Set<string>();
  #flight: ObtainToken;

  constructor(obtain: ObtainToken) {
    this.#obtain = obtain;
    this.#flight = this.#create();
  }

  /**
   * The flight of `provider`'s key, started if none runs. A flight runs synchronously up to its first
   * wait, and p-memoize lists it only then: a caller that reaches here from inside that part (an
   * `onEvent` listener, a provider asking for its own key) joins it on the next microtask instead of
   * starting a second one.
   */
  start(provider: TokenProvider, replacing: string | undefined, background: boolean): Promise<Token> {
    const key = provider.key;
    if (this.#starting.has(key)) {
      return Promise.resolve().then(() => this.#flight(provider, replacing, background));
    }
    this.#starting.add(key);
    try {
      return this.#flight(provider, replacing, background);
    } finally {
      this.#starting.delete(key);
    }
  }

  /** Callers from now on start flights of their own instead of joining the running ones. */
  reset(): void {
    this.#flight = this.#create();
  }

  #create(): ObtainToken {
    return pMemoize(this.#obtain, { cache: false, cacheKey: ([provider]) => provider.key });
  }
}
