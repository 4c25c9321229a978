import type {} from 'axios';
import type { RequestTokenState } from './request-token-state.js';
import type { TokenProvider } from './token.js';

/** Per-request options, under the one `tokenAuth` key of axios' request config. */
export interface TokenAuthRequestOptions {
  /** Use this provider for this request instead of the one given to `attachTokenAuth`. */
  provider?: TokenProvider | undefined;
  /**
   * Bookkeeping of the interceptors (which token was sent, whether the request was already
   * replayed). Set by the library; do not set it yourself.
   */
  readonly state?: RequestTokenState;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /** `false`: send no token. `{ provider }`: use another provider for this request. */
    tokenAuth?: false | TokenAuthRequestOptions | undefined;
  }
}
