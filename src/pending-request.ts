import type { AxiosError, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { RequestWait, type AdapterSpec, type WaitEnder } from './request-wait.js';
import type { Token, TokenProvider } from './token.js';
import type { StopWaiting, TokenWaiter } from './token-waiters.js';

/** Sets the token on a request and records it in `config.tokenAuth`. */
export type AttachToken = (
  config: InternalAxiosRequestConfig,
  provider: TokenProvider,
  token: Token,
  replayed: boolean,
) => void;

/** What a waiting request does when it is told: attach its token, or reject with the reason. */
export interface PendingSteps {
  attach: AttachToken;
  tokenFailure(
    error: unknown,
    config: InternalAxiosRequestConfig,
    provider: TokenProvider,
    adapter: AdapterSpec,
  ): AxiosError;
  waitEnded(reason: AxiosError, config: InternalAxiosRequestConfig): AxiosError;
}

/**
 * A request waiting at dispatch for its token; one object, no closures, per waiting request. Told
 * once: by the token's arrival, the token request's failure, or its own cancel token or timeout.
 */
export class PendingRequest implements TokenWaiter, WaitEnder {
  readonly #steps: PendingSteps;
  readonly #config: InternalAxiosRequestConfig;
  readonly #provider: TokenProvider;
  readonly #replayed: boolean;
  readonly #adapter: AdapterSpec;
  readonly #next: (config: InternalAxiosRequestConfig) => Promise<AxiosResponse>;
  readonly #resolve: (response: AxiosResponse | PromiseLike<AxiosResponse>) => void;
  readonly #reject: (error: unknown) => void;
  readonly #wait: RequestWait | undefined;
  #stopWaiting: StopWaiting | undefined;
  #waiting = true;

  constructor(
    steps: PendingSteps,
    config: InternalAxiosRequestConfig,
    provider: TokenProvider,
    replayed: boolean,
    adapter: AdapterSpec,
    next: (config: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
    resolve: (response: AxiosResponse | PromiseLike<AxiosResponse>) => void,
    reject: (error: unknown) => void,
  ) {
    this.#steps = steps;
    this.#config = config;
    this.#provider = provider;
    this.#replayed = replayed;
    this.#adapter = adapter;
    this.#next = next;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#wait = RequestWait.needed(config) ? new RequestWait(config, this, adapter) : undefined;
    // A cancel token cancelled already told this request while its wait was being set up.
    if (!this.#waiting) this.#wait?.end();
  }

  /** False once the request was told. */
  get waiting(): boolean {
    return this.#waiting;
  }

  /** Called once the request waits for its token: its timeout or cancel token ending the wait calls `stop`. */
  stopWaitingWith(stop: StopWaiting): void {
    if (this.#waiting) this.#stopWaiting = stop;
  }

  onToken(token: Token): void {
    if (!this.#told()) return;
    try {
      this.#steps.attach(this.#config, this.#provider, token, this.#replayed);
      this.#next(this.#config).then(this.#resolve, this.#reject);
    } catch (error) {
      this.#reject(error);
    }
  }

  onError(error: unknown): void {
    if (this.#told()) {
      this.#reject(this.#steps.tokenFailure(error, this.#config, this.#provider, this.#adapter));
    }
  }

  endWait(reason: AxiosError): void {
    if (this.#told()) this.#reject(this.#steps.waitEnded(reason, this.#config));
  }

  /** True the first time only: the wait is over then. */
  #told(): boolean {
    if (!this.#waiting) return false;
    this.#waiting = false;
    this.#wait?.end();
    this.#stopWaiting?.();
    return true;
  }
}
